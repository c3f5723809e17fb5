// Fleet mode and the end-to-end probe: exactly one replica probes a cluster, the one holding
// coordination partition 0 (the one that exports the cluster-wide series). The lease starts a
// probe when this replica gains partition 0 and stops it when it loses it, including the lazy
// loss of a replica that has not heard from the coordinator for a session timeout (only seen by
// asking, hence the periodic check). Starts and stops are serialized, so a quick lose-and-regain
// never runs two probes. The probe's consumer group is the configured one on every replica: its
// committed offsets survive the handover, and the new holder's consumer takes the probe
// partitions over when the old one leaves (stop) or is expelled (session timeout).
import type { Logger } from '../../common/index.js';

/** What the lease runs: a probe (exporter/probe/probe.ts), one instance per holding period. */
export interface LeasedProbe {
  start(): void;
  stop(): Promise<void>;
  /** Drops its series once stopped (the new holder's are the live ones). */
  removeSeries(): void;
}

export class ProbeLease {
  private running?: LeasedProbe;
  private queue: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly holdsPartitionZero: () => boolean,
    private readonly create: () => LeasedProbe,
    private readonly logger: Logger,
    private readonly checkEveryMs: number,
  ) {}

  /** Whether this replica runs the probe now. */
  get active(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.checkEveryMs);
    this.timer.unref();
    void this.check();
  }

  /** Re-reads the assignment (call on every assignment change); resolves when applied. */
  check(): Promise<void> {
    const next = this.queue.then(() => this.apply());
    this.queue = next.catch((e: unknown) =>
      this.logger.warn({ err: (e as Error).message }, 'probe lease: starting or stopping the probe failed'),
    );
    return this.queue;
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.queue;
    const p = this.running;
    this.running = undefined;
    await p?.stop();
  }

  private async apply(): Promise<void> {
    if (this.closed) return;
    const holds = this.holdsPartitionZero();
    if (holds && !this.running) {
      this.running = this.create();
      this.running.start();
      this.logger.info('probe started: this replica holds coordination partition 0');
    } else if (!holds && this.running) {
      const p = this.running;
      this.running = undefined;
      await p.stop();
      p.removeSeries();
      this.logger.info('probe stopped: coordination partition 0 moved to another replica');
    }
  }
}
