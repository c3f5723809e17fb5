// What a Raft node measures for Kafka 4's quorum metrics: commit and election latency (average and
// maximum over a 60 s window, Kafka's 2 samples of 30 s; NaN with no sample in it, as Kafka's Avg
// and Max report), the apply lag of the last applied record, failed applications and leader
// changes seen. Plain counters updated by RaftNode; read at scrape time.

const WINDOW_MS = 60_000;

/** Samples of the last WINDOW_MS: average and maximum. */
export class WindowedStat {
  private readonly samples: { at: number; value: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(value: number): void {
    this.samples.push({ at: this.now(), value });
    this.prune();
  }

  private prune(): void {
    const from = this.now() - WINDOW_MS;
    let i = 0;
    while (i < this.samples.length && this.samples[i].at <= from) i++;
    if (i > 0) this.samples.splice(0, i);
  }

  get avg(): number {
    this.prune();
    if (this.samples.length === 0) return NaN;
    return this.samples.reduce((a, s) => a + s.value, 0) / this.samples.length;
  }

  get max(): number {
    this.prune();
    if (this.samples.length === 0) return NaN;
    return Math.max(...this.samples.map((s) => s.value));
  }
}

export class RaftStats {
  /** Leader: ms from appending an entry to committing it. */
  readonly commitLatency: WindowedStat;
  /** Ms from losing the leader (or starting an election) until a leader is known again. */
  readonly electionLatency: WindowedStat;
  /**
   * Ms between the leader appending the last entry applied here and its application here (replay
   * at start excluded). Kafka's controller appends a no-op every 500 ms, so its lag is this plus
   * the idle time; this quorum appends none, so only the apply delay is meaningful.
   */
  lastAppliedRecordLagMs = 0;
  /** Entries whose application threw. */
  metadataErrors = 0;
  /** Times a new quorum leader (active controller) was seen, this node included. */
  newActiveControllers = 0;
  private lastSeenLeader = -1;
  private electionStartedAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {
    this.commitLatency = new WindowedStat(now);
    this.electionLatency = new WindowedStat(now);
  }

  /** No leader known any more (a candidate, or a leader lost): the election clock starts. */
  leaderLost(): void {
    if (this.electionStartedAt === null) this.electionStartedAt = this.now();
  }

  /** A leader is known: ends an election in progress; counts a new leader. */
  leaderKnown(leaderId: number): void {
    if (leaderId < 0) return;
    if (this.electionStartedAt !== null) {
      this.electionLatency.record(this.now() - this.electionStartedAt);
      this.electionStartedAt = null;
    }
    if (leaderId !== this.lastSeenLeader) {
      this.lastSeenLeader = leaderId;
      this.newActiveControllers += 1;
    }
  }
}
