// The replica manager: the local replicas of partitions (their logs plus replication state) and
// the produce, fetch and list-offsets paths over them.
//
// Partition metadata (leader, epoch, replicas, ISR) lives in the TopicStore; logs live in
// broker/log; this class joins them and owns what sits between: high watermarks, follower
// progress (log end offsets reported by replica fetches, issue 4) and delayed operations (long-poll
// fetches, acks=all produces). Single broker: the ISR is just this node, so the high watermark
// moves with every append and acks=all completes at once; the same code waits for followers once
// replication feeds `recordFollowerFetch`.
import { ErrorCode } from '../../protocol/index.js';
import type { Logger } from '../../common/index.js';
import { errorCodeOf } from '../log/errors.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import { topicConfigNumber, type TopicConfigs } from '../state/topic-config.js';
import type { PartitionRegistration, TopicChange, TopicStore } from '../state/topic-store.js';
import type { BrokerConfig } from '../config.js';
import type { ControllerChannel } from '../controller/channel.js';
import { HighWatermarkCheckpoint } from './hw-checkpoint.js';
import type { ReadResult } from '../log/index.js';
import type { LocalLog } from './local-log-port.js';

/** Opens and deletes partition logs (implemented over broker/log's LogManager). */
export interface LogProvider {
  open(topic: string, partition: number, configs: TopicConfigs): LocalLog;
  delete(topic: string, partition: number): void;
  configsChanged(topic: string, partitions: number, configs: TopicConfigs): void;
}

/** What the leader knows of one follower, from its fetches (Kafka's Replica state). */
export interface FollowerState {
  /** Log end offset the follower reported (its fetch offset). */
  leo: number;
  /** Last time the follower was caught up to the leader's log end (replica.lag.time.max.ms). */
  lastCaughtUpMs: number;
  /** Leader log end offset and time at the follower's previous fetch. */
  lastFetchLeaderLeo: number;
  lastFetchMs: number;
}

export class Replica {
  highWatermark: number;
  /** Follower progress while this broker leads the partition. */
  readonly followers = new Map<number, FollowerState>();
  /** First offset of the current leader epoch on this leader (a follower must reach it to rejoin the ISR). */
  leaderEpochStartOffset = 0;
  /** An AlterPartition is in flight (one at a time per partition, as Kafka). */
  isrChangePending = false;
  /**
   * The ISR asked for and the partition epoch it was asked at, until the committed change reaches
   * this broker's metadata. The high watermark counts it together with the current ISR (Kafka's
   * "maximal ISR", KIP-497): a follower being added must already hold everything the HW covers, or
   * a preferred election right after the expansion could make it leader without acknowledged records.
   */
  pendingIsr: { isr: number[]; partitionEpoch: number } | null = null;
  /** After a rejected AlterPartition (stale epoch, fenced follower): no new attempt before this time. */
  isrRetryAt = 0;
  constructor(
    public state: PartitionRegistration,
    readonly log: LocalLog,
    clustered: boolean,
  ) {
    // Single-node ISR: everything in the recovered log is committed. In a cluster the leader
    // learns the HW from its followers and a follower from its leader's fetch responses.
    this.highWatermark = clustered ? 0 : log.logEndOffset();
  }

  /** Current ISR plus any member of an in-flight change: who the high watermark must wait for. */
  maximalIsr(): number[] {
    const pending = this.pendingIsr?.isr;
    if (!pending) return this.state.isr;
    return [...new Set([...this.state.isr, ...pending])];
  }

  /**
   * Last stable offset: the high watermark, or the first offset of the oldest open transaction when
   * that is lower (read_committed consumers read below it).
   */
  lastStableOffset(): number {
    const first = this.log.firstUnstableOffset();
    return first >= 0 && first < this.highWatermark ? first : this.highWatermark;
  }

  /** Log end offset of a follower as far as this leader knows (0 when it never fetched). */
  followerLeo(id: number): number {
    return this.followers.get(id)?.leo ?? 0;
  }
}

export interface AppendOutcome {
  errorCode: number;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
  /** Offset the high watermark must pass for acks=all (lastOffset + 1), -1 on error. */
  requiredOffset: number;
  message?: string;
}

export interface FetchPartitionSpec {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer[] | null;
  bytes: number;
  /** read_committed: aborted transactions in the range read; null otherwise. */
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
}

export interface FetchSpec {
  replicaId: number;
  /** 0 read_uncommitted (up to the high watermark), 1 read_committed (up to the last stable offset). */
  isolationLevel?: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitions: FetchPartitionSpec[];
}

interface Waiter {
  keys: string[];
  check(): boolean;
  fire(): void;
}

const MAX_FETCH_WAIT_MS = 60_000;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ReplicaManager {
  private readonly replicas = new Map<string, Replica>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  private isrTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private readonly clustered: boolean;
  /** Cluster mode: HWs survive restarts (Kafka's replication-offset-checkpoint). */
  private readonly hwCheckpoint: HighWatermarkCheckpoint | null;
  private checkpointed = new Map<string, number>();

  constructor(
    private readonly config: BrokerConfig,
    private readonly topics: TopicStore,
    private readonly logs: LogProvider,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger,
    private readonly controller: ControllerChannel | null = null,
    clustered = false,
  ) {
    this.clustered = clustered;
    this.hwCheckpoint = clustered ? new HighWatermarkCheckpoint(config.logDir) : null;
  }

  /** Open the local replica of every known partition and follow topic changes. */
  start(): void {
    if (this.hwCheckpoint) this.checkpointed = this.hwCheckpoint.read();
    for (const t of this.topics.list()) for (const p of t.partitions) this.openReplica(p, t.configs);
    this.topics.onChange((c) => this.onTopicChange(c));
    if (this.clustered) {
      // Kafka checks every replica.lag.time.max.ms / 2, so a follower is out within 1.5x the lag time.
      const every = Math.min(5000, Math.max(50, Math.floor(this.config.replicaLagTimeMaxMs / 2)));
      this.isrTimer = setInterval(() => this.shrinkIsrs(), every);
      // replica.high.watermark.checkpoint.interval.ms (5 s in Kafka).
      this.checkpointTimer = setInterval(() => this.checkpointHighWatermarks(), 5000);
    }
  }

  stop(): void {
    if (this.isrTimer) clearInterval(this.isrTimer);
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.isrTimer = this.checkpointTimer = null;
    this.checkpointHighWatermarks();
  }

  private checkpointHighWatermarks(): void {
    if (!this.hwCheckpoint) return;
    try {
      this.hwCheckpoint.write(
        [...this.replicas.values()].map((r) => ({
          topic: r.state.topic,
          partition: r.state.partition,
          hw: r.highWatermark,
        })),
      );
    } catch (e) {
      // An offline or full log directory: the next pass (or the next start's log) will do.
      this.logger.warn({ err: (e as Error).message }, 'could not write the high-watermark checkpoint');
    }
  }

  private openReplica(p: PartitionRegistration, configs: TopicConfigs): void {
    if (!p.replicas.includes(this.config.nodeId)) return;
    const log = this.logs.open(p.topic, p.partition, configs);
    const replica = new Replica(p, log, this.clustered);
    const saved = HighWatermarkCheckpoint.lookup(this.checkpointed, p.topic, p.partition);
    if (saved !== undefined) replica.highWatermark = Math.min(saved, log.logEndOffset());
    this.replicas.set(key(p.topic, p.partition), replica);
    if (p.leader === this.config.nodeId) this.becomeLeader(replica);
  }

  /** This broker leads the partition from now on (new epoch): followers start from scratch. */
  private becomeLeader(replica: Replica): void {
    const now = Date.now();
    replica.followers.clear();
    replica.isrChangePending = false;
    replica.pendingIsr = null;
    replica.isrRetryAt = 0;
    replica.leaderEpochStartOffset = replica.log.logEndOffset();
    // Followers in the ISR get a full lag window to show up at the new leader.
    for (const id of replica.state.isr)
      if (id !== this.config.nodeId)
        replica.followers.set(id, { leo: 0, lastCaughtUpMs: now, lastFetchLeaderLeo: 0, lastFetchMs: now });
    this.maybeIncrementHighWatermark(replica);
  }

  private onTopicChange(c: TopicChange): void {
    const t = c.topic;
    switch (c.kind) {
      case 'created':
        for (const p of t.partitions) this.openReplica(p, t.configs);
        break;
      case 'partitions-added':
        for (const p of t.partitions.slice(c.from)) this.openReplica(p, t.configs);
        break;
      case 'deleted':
        for (const p of t.partitions) {
          const k = key(t.name, p.partition);
          if (!this.replicas.delete(k)) continue;
          this.logs.delete(t.name, p.partition);
          this.wake(k);
        }
        break;
      case 'configs-changed':
        this.logs.configsChanged(t.name, t.partitions.length, t.configs);
        break;
      case 'partition-changed': {
        const k = key(t.name, c.partition.partition);
        const replica = this.replicas.get(k);
        if (!replica) {
          this.openReplica(c.partition, t.configs);
          break;
        }
        replica.state = c.partition;
        // The committed ISR change (ours or the controller's) has arrived: the current ISR rules again.
        if (replica.pendingIsr && c.partition.partitionEpoch !== replica.pendingIsr.partitionEpoch)
          replica.pendingIsr = null;
        const me = this.config.nodeId;
        if (
          c.partition.leader === me &&
          (c.previous.leader !== me || c.previous.leaderEpoch !== c.partition.leaderEpoch)
        )
          this.becomeLeader(replica);
        else if (c.partition.leader === me) {
          replica.isrChangePending = false;
          this.maybeIncrementHighWatermark(replica);
        }
        // Parked acks=all produces re-check (ISR shrink may complete them, a lost leadership ends them).
        this.wake(k);
        break;
      }
    }
  }

  // ---------------------------------------------------------------- replication (leader side)

  /**
   * A follower fetched `fetchOffset` (= its log end offset). Tracks its progress with Kafka's
   * caught-up rule, moves the high watermark, and asks the controller to add it back to the ISR
   * once it has reached the high watermark and this leader's epoch.
   */
  private recordFollowerFetch(replica: Replica, followerId: number, fetchOffset: number): void {
    const now = Date.now();
    const leaderLeo = replica.log.logEndOffset();
    const f = replica.followers.get(followerId) ?? { leo: 0, lastCaughtUpMs: 0, lastFetchLeaderLeo: 0, lastFetchMs: 0 };
    f.leo = fetchOffset;
    if (fetchOffset >= leaderLeo) f.lastCaughtUpMs = now;
    else if (fetchOffset >= f.lastFetchLeaderLeo) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.lastFetchLeaderLeo = leaderLeo;
    f.lastFetchMs = now;
    replica.followers.set(followerId, f);
    this.maybeIncrementHighWatermark(replica);
    const s = replica.state;
    if (
      !s.isr.includes(followerId) &&
      s.replicas.includes(followerId) &&
      fetchOffset >= replica.highWatermark &&
      fetchOffset >= replica.leaderEpochStartOffset
    ) {
      this.changeIsr(replica, [...s.isr, followerId], 'expand');
    }
  }

  /** Followers that have not caught up within replica.lag.time.max.ms leave the ISR. */
  private shrinkIsrs(): void {
    const now = Date.now();
    for (const replica of this.replicas.values()) {
      const s = replica.state;
      if (s.leader !== this.config.nodeId || replica.isrChangePending) continue;
      const out = s.isr.filter(
        (id) =>
          id !== this.config.nodeId &&
          now - (replica.followers.get(id)?.lastCaughtUpMs ?? 0) > this.config.replicaLagTimeMaxMs,
      );
      if (out.length === 0) continue;
      this.logger.info(
        { topic: s.topic, partition: s.partition, followers: out, lagTimeMaxMs: this.config.replicaLagTimeMaxMs },
        'shrinking ISR: follower(s) not caught up',
      );
      this.changeIsr(
        replica,
        s.isr.filter((id) => !out.includes(id)),
        'shrink',
      );
    }
  }

  private changeIsr(replica: Replica, newIsr: number[], kind: 'shrink' | 'expand'): void {
    if (!this.controller || replica.isrChangePending || Date.now() < replica.isrRetryAt) return;
    replica.isrChangePending = true;
    const s = replica.state;
    const pending = { isr: newIsr, partitionEpoch: s.partitionEpoch };
    replica.pendingIsr = pending;
    this.controller
      .alterPartition({
        topic: s.topic,
        partition: s.partition,
        leaderEpoch: s.leaderEpoch,
        partitionEpoch: s.partitionEpoch,
        newIsr,
      })
      .then(
        () => {
          this.metrics.isrChanged(kind);
          // Committed; until it reaches this broker's metadata (the partition-changed event clears
          // both) the asked-for ISR still counts and no other change may start from the old epoch.
          if (replica.state.partitionEpoch !== pending.partitionEpoch) replica.isrChangePending = false;
        },
        (e: unknown) => {
          replica.isrChangePending = false;
          if (replica.pendingIsr === pending) replica.pendingIsr = null;
          this.maybeIncrementHighWatermark(replica);
          // A restarted follower fetches before the controller unfences it: wait instead of asking at fetch rate.
          replica.isrRetryAt = Date.now() + 1000;
          this.metrics.isrChanged('failed');
          this.logger.debug(
            { topic: s.topic, partition: s.partition, err: (e as Error).message },
            'ISR change rejected',
          );
        },
      );
  }

  replica(topic: string, partition: number): Replica | undefined {
    return this.replicas.get(key(topic, partition));
  }

  allReplicas(): Replica[] {
    return [...this.replicas.values()];
  }

  /** Error code for a request addressed to this partition's leader, or NONE. */
  private leaderError(topic: string, partition: number): { replica?: Replica; errorCode: number } {
    const state = this.topics.partition(topic, partition);
    if (!state) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (state.leader !== this.config.nodeId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    const replica = this.replicas.get(key(topic, partition));
    if (!replica) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    return { replica, errorCode: ErrorCode.NONE };
  }

  /** Append a producer's batches to a partition led here (sync). */
  appendRecords(topic: string, partition: number, records: Buffer | null, acks: number): AppendOutcome {
    const fail = (errorCode: number, message?: string): AppendOutcome => ({
      errorCode,
      baseOffset: -1,
      logAppendTime: -1,
      logStartOffset: -1,
      requiredOffset: -1,
      message,
    });
    const { replica, errorCode } = this.leaderError(topic, partition);
    if (!replica) return fail(errorCode);
    if (records === null || records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE, 'no records');
    const configs = this.topics.get(topic)?.configs ?? {};
    if (acks === -1) {
      const minIsr = topicConfigNumber(configs, this.config, 'min.insync.replicas');
      if (replica.state.isr.length < minIsr)
        return fail(
          ErrorCode.NOT_ENOUGH_REPLICAS,
          `ISR ${replica.state.isr.length} is below min.insync.replicas ${minIsr}`,
        );
    }
    try {
      const r = replica.log.appendAsLeader(records, replica.state.leaderEpoch);
      if (r.records > 0) this.metrics.produced(topic, r.records, r.bytes);
      this.maybeIncrementHighWatermark(replica);
      // Followers long-polling for this partition fetch the new batches now, not after their max wait.
      if (replica.state.isr.length > 1 || replica.followers.size > 0) this.wake(key(topic, partition));
      return {
        errorCode: ErrorCode.NONE,
        baseOffset: r.firstOffset,
        logAppendTime: r.logAppendTime,
        logStartOffset: replica.log.logStartOffset(),
        requiredOffset: r.lastOffset + 1,
      };
    } catch (e) {
      const code = errorCodeOf(e);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR) this.logger.error({ err: e, topic, partition }, 'append failed');
      else this.logger.debug({ topic, partition, err: (e as Error).message }, 'append rejected');
      if (code === ErrorCode.MESSAGE_TOO_LARGE || code === ErrorCode.CORRUPT_MESSAGE)
        this.metrics.rejectedBytes(topic, records.length);
      return fail(code, (e as Error).message);
    }
  }

  /** HW = min log end offset over the maximal ISR (just this node until followers report). */
  private maybeIncrementHighWatermark(replica: Replica): void {
    let hw = replica.log.logEndOffset();
    for (const id of replica.maximalIsr()) {
      if (id === this.config.nodeId) continue;
      hw = Math.min(hw, replica.followerLeo(id));
    }
    if (hw > replica.highWatermark) {
      replica.highWatermark = hw;
      this.wake(key(replica.state.topic, replica.state.partition));
    }
  }

  /** Whether this node leads the partition now. */
  leads(topic: string, partition: number): boolean {
    return this.replicas.get(key(topic, partition))?.state.leader === this.config.nodeId;
  }

  /** Resolves once the HW of every given partition passes its required offset, or after timeoutMs. */
  awaitHighWatermark(
    targets: { topic: string; partition: number; requiredOffset: number }[],
    timeoutMs: number,
  ): Promise<Set<string>> | null {
    const pending = () =>
      targets.filter((t) => {
        const r = this.replicas.get(key(t.topic, t.partition));
        return r !== undefined && r.state.leader === this.config.nodeId && r.highWatermark < t.requiredOffset;
      });
    if (pending().length === 0) return null;
    return new Promise((resolve) => {
      const finish = () => resolve(new Set(pending().map((t) => key(t.topic, t.partition))));
      this.park(
        targets.map((t) => key(t.topic, t.partition)),
        () => pending().length === 0,
        timeoutMs,
        finish,
      );
    });
  }

  /** Fetch as a consumer (reads up to the HW) or follower (replicaId >= 0: up to the log end). */
  fetch(spec: FetchSpec): FetchPartitionResult[] | Promise<FetchPartitionResult[]> {
    // Clients use seconds at most; a bound keeps a hostile max_wait_ms from parking forever.
    const maxWaitMs = Math.min(spec.maxWaitMs, MAX_FETCH_WAIT_MS);
    const first = this.readAll(spec);
    const bytes = first.reduce((n, p) => n + p.bytes, 0);
    const anyError = first.some((p) => p.errorCode !== ErrorCode.NONE);
    if (maxWaitMs <= 0 || bytes >= spec.minBytes || anyError || spec.partitions.length === 0) return first;
    // Long poll: wake on appends to any fetched partition; answer once min_bytes are available.
    const keys = spec.partitions.map((p) => key(p.topic, p.partition));
    const available = () => {
      let n = 0;
      for (const p of spec.partitions) {
        const r = this.replicas.get(key(p.topic, p.partition));
        if (!r) return Infinity; // deleted or moved: answer now with the error
        const end =
          spec.replicaId >= 0
            ? r.log.logEndOffset()
            : spec.isolationLevel === 1
              ? r.lastStableOffset()
              : r.highWatermark;
        if (end > p.fetchOffset) n += 1; // conservatively: something to return
        if (p.fetchOffset > r.log.logEndOffset() || p.fetchOffset < r.log.logStartOffset()) return Infinity;
      }
      return n;
    };
    return new Promise((resolve) => {
      this.park(
        keys,
        () =>
          available() > 0 &&
          (spec.minBytes <= 1 || this.readAll(spec).reduce((n, p) => n + p.bytes, 0) >= spec.minBytes),
        maxWaitMs,
        () => resolve(this.readAll(spec)),
      );
    });
  }

  private readAll(spec: FetchSpec): FetchPartitionResult[] {
    let budget = spec.maxBytes > 0 ? spec.maxBytes : Number.MAX_SAFE_INTEGER;
    let haveData = false;
    return spec.partitions.map((p) => {
      const res = this.readPartition(p, spec.replicaId, budget, !haveData, spec.isolationLevel === 1);
      if (res.bytes > 0) haveData = true;
      budget = Math.max(0, budget - res.bytes);
      return res;
    });
  }

  private readPartition(
    p: FetchPartitionSpec,
    replicaId: number,
    budget: number,
    minOneBatch: boolean,
    readCommitted = false,
  ): FetchPartitionResult {
    const base = {
      topic: p.topic,
      partition: p.partition,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      records: null,
      bytes: 0,
      abortedTransactions: null as FetchPartitionResult['abortedTransactions'],
    };
    const { replica, errorCode } = this.leaderError(p.topic, p.partition);
    if (!replica) return { ...base, errorCode };
    if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== replica.state.leaderEpoch) {
      return {
        ...base,
        errorCode:
          p.currentLeaderEpoch < replica.state.leaderEpoch
            ? ErrorCode.FENCED_LEADER_EPOCH
            : ErrorCode.UNKNOWN_LEADER_EPOCH,
      };
    }
    if (replicaId >= 0) this.recordFollowerFetch(replica, replicaId, p.fetchOffset);
    const log = replica.log;
    const hw = replica.highWatermark;
    const lso = replica.lastStableOffset();
    const info = { ...base, highWatermark: hw, lastStableOffset: lso, logStartOffset: log.logStartOffset() };
    if (p.fetchOffset < log.logStartOffset() || p.fetchOffset > log.logEndOffset())
      return { ...info, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
    const maxOffset = replicaId >= 0 ? log.logEndOffset() : readCommitted ? lso : hw;
    if (readCommitted) info.abortedTransactions = [];
    if (p.fetchOffset >= maxOffset) return { ...info, errorCode: ErrorCode.NONE, records: [] };
    let read: ReadResult;
    try {
      read = log.read(p.fetchOffset, Math.min(p.partitionMaxBytes, budget), maxOffset, minOneBatch);
    } catch (e) {
      const code = errorCodeOf(e);
      this.logger.warn({ topic: p.topic, partition: p.partition, err: (e as Error).message }, 'read failed');
      return { ...info, errorCode: code };
    }
    // Every aborted transaction below the LSO that the read range can touch (clients match them
    // to the batches they get; a superfluous one is harmless).
    if (readCommitted && read.bytes > 0) info.abortedTransactions = log.abortedTransactions(p.fetchOffset, maxOffset);
    return { ...info, errorCode: ErrorCode.NONE, records: read.records, bytes: read.bytes };
  }

  /** Park an operation until `check()` holds (re-checked on every wake of its keys) or timeout. */
  private park(keys: string[], check: () => boolean, timeoutMs: number, done: () => void): void {
    let finished = false;
    const waiter: Waiter = {
      keys,
      check,
      fire: () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        for (const k of keys) this.waiters.get(k)?.delete(waiter);
        done();
      },
    };
    for (const k of keys) {
      let set = this.waiters.get(k);
      if (!set) this.waiters.set(k, (set = new Set()));
      set.add(waiter);
    }
    const timer = setTimeout(() => waiter.fire(), Math.max(0, timeoutMs));
  }

  private wake(k: string): void {
    const set = this.waiters.get(k);
    if (!set || set.size === 0) return;
    for (const w of [...set]) if (w.check()) w.fire();
  }

  // ---------------------------------------------------------------- replication (follower side)

  /** Batches fetched from the leader, appended as they are; the follower's HW follows the leader's. */
  appendAsFollower(
    replica: Replica,
    batches: Buffer[],
    leaderHighWatermark: number,
    leaderLogStartOffset: number,
  ): number {
    let bytes = 0;
    for (const b of batches) {
      if (b.length === 0) continue;
      replica.log.appendAsFollower(b);
      bytes += b.length;
    }
    const leo = replica.log.logEndOffset();
    replica.highWatermark = Math.max(replica.highWatermark, Math.min(leaderHighWatermark, leo));
    if (leaderLogStartOffset > replica.log.logStartOffset())
      replica.log.maybeIncrementLogStartOffset(Math.min(leaderLogStartOffset, leo));
    return bytes;
  }

  /** Answer every parked operation now (shutdown). */
  wakeAll(): void {
    for (const set of this.waiters.values()) for (const w of [...set]) w.fire();
  }
}
