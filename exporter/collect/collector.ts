// The background collector: every interval, each cluster is read in parallel into a new
// immutable snapshot and published. A failed cycle keeps the previous snapshot (stale, up=0);
// in fleet mode cut down to the replica's current share when that changed since it was built.
// Cycles never overlap: the next one is scheduled when the previous one finished.
import { type Logger, traced } from '../../common/index.js';
import { ClusterClient, tpKey, type CollectFilters, type NameFilter } from '../../kafka-client/index.js';
import type { Counter } from 'prom-client';
import type { MetricsHub } from '../metrics/exposition.js';
import { brokerAvailability, consumerLag } from '../slo/sli.js';
import type { SloTracker } from '../slo/tracker.js';
import { ChunkPool } from '../snapshot/chunk-pool.js';
import { restrictSnapshot } from '../snapshot/restrict.js';
import { deriveSnapshot, timestampsToRead, type GroupSummary } from './derive.js';
import { collectCycleGarbageBetweenScrapes, heapGrewSinceTrim } from './heap-trim.js';
import { ClusterHistory } from './history.js';
import { ShareGroupReader } from './share-groups.js';
import { TransactionReader, type TransactionReaderOptions } from './transactions.js';

/** Fleet mode (exporter/coordination/): this replica's share, fixed per cycle. */
export interface ShardHook {
  view(): {
    readonly groups: CollectFilters['groups'];
    readonly clusterWide: boolean;
    /** The coordination partitions held: the share changed when these did. */
    readonly partitions: readonly number[];
  };
  recordCycle(view: ReturnType<ShardHook['view']>, exportedGroups: number): void;
}

export interface CollectorOptions {
  intervalMs: number;
  filters: CollectFilters;
  seriesLimit: number;
  aggregateLagToTopic: boolean;
  statusWindow: number;
  groupConcurrency: number;
  readRecordTimestamps: boolean;
  /** Groups whose lag is measured to the last stable offset (exporter.readCommittedGroups). */
  readCommitted?: NameFilter;
  /** Transaction series (exporter.transactions), with the process's abort counter; none when off. */
  transactionReader?: TransactionReaderOptions & { aborts?: Counter<string> };
  /** Fleet mode: which groups this replica collects and whether it exports cluster-wide series. */
  shard?: ShardHook;
}

export interface CycleResult {
  cluster: string;
  ok: boolean;
  durationMs: number;
  error?: string;
  groups?: ReadonlyMap<string, GroupSummary>;
}

export class ClusterCollector {
  private readonly history: ClusterHistory;
  private readonly shareGroups: ShareGroupReader;
  private readonly transactions?: TransactionReader;
  /** This cluster's snapshot chunks: the hub returns a replaced snapshot's chunks here. */
  private readonly chunkPool = new ChunkPool();
  private maxBrokersSeen = 0;
  private succeeded = false;
  private warnedLimit = false;
  private lastOk?: boolean;
  /** Fleet mode: the coordination partitions the served snapshot was built (or last cut) for. */
  private servedShard?: string;

  constructor(
    readonly name: string,
    readonly client: ClusterClient,
    private readonly hub: MetricsHub,
    private readonly slo: SloTracker | undefined,
    private readonly opts: CollectorOptions,
    private readonly logger: Logger,
  ) {
    // In fleet mode a group can leave and come back: its window restarts after a gap.
    this.history = new ClusterHistory(opts.statusWindow, undefined, opts.shard ? 2.5 * opts.intervalMs : Infinity);
    this.shareGroups = new ShareGroupReader(name, client, logger);
    const tx = opts.transactionReader;
    if (tx) this.transactions = new TransactionReader(name, client, tx, logger, tx.aborts);
  }

  get hasSucceeded(): boolean {
    return this.succeeded;
  }

  async runOnce(): Promise<CycleResult> {
    const started = Date.now();
    try {
      const result = await traced('kafka-sre.collect', { 'kafka.cluster': this.name }, async (span) => {
        const shard = this.opts.shard?.view();
        const filters = shard ? { ...this.opts.filters, groups: shard.groups } : this.opts.filters;
        const { state, errors } = await this.client.collect(filters, {
          groupConcurrency: this.opts.groupConcurrency,
        });
        const shareGroups = await traced('kafka-sre.share_groups', { 'kafka.cluster': this.name }, () =>
          this.shareGroups.read(state, filters.groups, errors, this.opts.groupConcurrency),
        );
        // Cluster-wide: in fleet mode partition 0's holder reads (and counts aborts) alone.
        const transactions =
          this.transactions && shard?.clusterWide !== false
            ? await traced('kafka-sre.transactions', { 'kafka.cluster': this.name }, () =>
                this.transactions!.view(state, errors, Date.now(), true),
              )
            : undefined;
        if (this.opts.readRecordTimestamps) {
          const wanted = await timestampsToRead(state, this.history, this.opts.readCommitted);
          if (wanted.length > 0) {
            const times = await traced(
              'kafka-sre.fetch_record_timestamps',
              { 'kafka.cluster': this.name, 'kafka.partitions': wanted.length },
              () => this.client.recordTimestamps(wanted, errors),
            );
            const now = Date.now();
            for (const w of wanted) {
              const ts = times.get(`${tpKey(w.topic, w.partition)}\u0000${w.offset}`);
              if (ts !== undefined) this.history.setRecordTime(w.group, w.topic, w.partition, w.offset, ts, now);
            }
          }
        }
        const now = Date.now();
        const derived = await deriveSnapshot(state, this.history, {
          cluster: this.name,
          seriesLimit: this.opts.seriesLimit,
          aggregateLagToTopic: this.opts.aggregateLagToTopic,
          nowMs: now,
          chunkPool: this.chunkPool,
          clusterWide: shard?.clusterWide,
          statusMinObservations: shard ? this.opts.statusWindow : undefined,
          shareGroups,
          readCommitted: this.opts.readCommitted,
          transactions,
        });
        span.setAttributes({
          'kafka.topics': state.topics.length,
          'kafka.groups': state.groups.length,
          'kafka_sre.series': derived.snapshot.seriesCount,
        });
        await this.hub.publish(derived.snapshot, (Date.now() - started) / 1000);
        this.hub.countRequestErrors(this.name, errors.byApi);
        if (errors.messages.length)
          this.logger.debug({ cluster: this.name, errors: errors.messages }, 'some requests failed this cycle');
        if (derived.snapshot.droppedSeries > 0 && !this.warnedLimit) {
          this.warnedLimit = true;
          this.logger.warn(
            { cluster: this.name, limit: this.opts.seriesLimit, dropped: derived.snapshot.droppedSeries },
            'series limit reached: the most detailed series are dropped (raise exporter.seriesLimit or narrow the filters)',
          );
        } else if (derived.snapshot.droppedSeries === 0) this.warnedLimit = false;
        if (shard) {
          this.servedShard = shardKey(shard.partitions);
          this.opts.shard!.recordCycle(shard, state.groups.length);
        }
        // Broker availability is cluster-wide: counted by one replica of a fleet only.
        this.recordSlis(shard && !shard.clusterWide ? null : state.brokers.length, derived.groups, now);
        this.history.expire(now - 20 * this.opts.intervalMs);
        return derived.groups;
      });
      if (!this.succeeded) this.logger.info({ cluster: this.name, ms: Date.now() - started }, 'first collection done');
      else if (this.lastOk === false) this.logger.info({ cluster: this.name }, 'collection recovered');
      this.lastOk = true;
      this.succeeded = true;
      return { cluster: this.name, ok: true, durationMs: Date.now() - started, groups: result };
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      await this.dropMovedGroups();
      this.hub.markFailed(this.name, (Date.now() - started) / 1000);
      this.hub.countRequestErrors(this.name, new Map([['Metadata', 1]]));
      this.recordSlis(undefined, undefined, Date.now());
      // Warn on the transition only; a cluster that stays down would flood the log otherwise.
      if (this.lastOk !== false)
        this.logger.warn(
          { cluster: this.name, err: msg },
          this.succeeded
            ? 'collection failed: serving the previous snapshot as stale (up=0)'
            : 'collection failed (up=0); retrying every interval',
        );
      else this.logger.debug({ cluster: this.name, err: msg }, 'collection failed again');
      this.lastOk = false;
      return { cluster: this.name, ok: false, durationMs: Date.now() - started, error: msg };
    }
  }

  /**
   * After a failed cycle in fleet mode: when the shard changed since the served snapshot was
   * built, its groups of the old share are exported by their new replica now, so they leave this
   * replica's snapshot rather than appear twice in the fleet's union (and the cluster-wide series
   * go when partition 0 moved). Groups still owned stay, stale as before.
   */
  private async dropMovedGroups(): Promise<void> {
    const hook = this.opts.shard;
    const served = this.hub.snapshot(this.name);
    if (!hook || !served || this.servedShard === undefined) return;
    const share = hook.view();
    const key = shardKey(share.partitions);
    if (key === this.servedShard) return;
    try {
      const cut = restrictSnapshot(served, share.groups, share.clusterWide);
      if (cut !== served) await this.hub.replaceStale(cut);
      this.servedShard = key;
      this.logger.info(
        { cluster: this.name, partitions: share.partitions, series: cut.seriesCount, before: served.seriesCount },
        'collection failed after a shard change: the stale snapshot keeps only the groups still owned',
      );
    } catch (e) {
      this.logger.warn(
        { cluster: this.name, err: (e as Error).message },
        'could not cut the stale snapshot to the shard',
      );
    }
  }

  private recordSlis(
    /** null: not this replica's to count. */
    brokers: number | null | undefined,
    groups: ReadonlyMap<string, GroupSummary> | undefined,
    now: number,
  ): void {
    if (!this.slo) return;
    if (brokers !== null) {
      if (brokers !== undefined) this.maxBrokersSeen = Math.max(this.maxBrokersSeen, brokers);
      for (const s of this.slo.ofKind('broker_availability')) {
        const expected = s.expectedBrokers > 0 ? s.expectedBrokers : this.maxBrokersSeen;
        this.slo.record(this.name, s.name, brokerAvailability(expected, brokers), now);
      }
    }
    if (groups) {
      for (const s of this.slo.ofKind('consumer_lag')) {
        const re = new RegExp(`^(?:${s.consumerGroups})$`);
        const samples: number[] = [];
        for (const g of groups.values()) if (re.test(g.groupId)) samples.push(...g.partitionLagSeconds);
        this.slo.record(this.name, s.name, consumerLag(samples, s.maxLagSeconds), now);
      }
    }
    this.slo.updateBurnRates(this.name, now);
  }
}

const shardKey = (partitions: readonly number[]): string => [...partitions].sort((a, b) => a - b).join(',');

/** Runs every cluster's collector on the interval until stopped. */
export class Collector {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private cycles = 0;
  private loop?: () => Promise<void>;
  /** wake() came while a cycle ran: run the next one as soon as it ends. */
  private wakePending = false;

  constructor(
    readonly clusters: readonly ClusterCollector[],
    private readonly intervalMs: number,
    private readonly onCycle?: (results: CycleResult[]) => void,
    /** A full GC after every cycle (see heap-trim.ts). */
    private readonly trimHeap = true,
  ) {}

  /** Every cluster has completed one successful collection. */
  ready(): boolean {
    return this.clusters.every((c) => c.hasSucceeded);
  }

  get cyclesCompleted(): number {
    return this.cycles;
  }

  async runCycle(): Promise<CycleResult[]> {
    const results = await Promise.all(this.clusters.map((c) => c.runOnce()));
    // The cycle's garbage is dead now: collect it before V8 grows the heap around it (heap-trim.ts).
    if (this.trimHeap && heapGrewSinceTrim()) await collectCycleGarbageBetweenScrapes();
    this.cycles++;
    this.onCycle?.(results);
    return results;
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      const started = Date.now();
      this.timer = undefined;
      this.wakePending = false;
      this.running = this.runCycle();
      await this.running;
      if (this.stopped) return;
      const wait = this.wakePending ? 0 : Math.max(0, this.intervalMs - (Date.now() - started));
      this.timer = setTimeout(() => void loop(), wait);
    };
    this.loop = loop;
    void loop();
  }

  /**
   * Collect now instead of at the next interval (fleet mode: a new shard assignment, so moved
   * groups are exported again, and no longer by their old replica, within one cycle). A cycle in
   * progress is not interrupted: it took its share when it started, so the next one starts as
   * soon as it ends rather than an interval later (else a group moving to this replica would wait
   * up to an interval plus a cycle while its old owner had already dropped it).
   */
  wake(): void {
    if (this.stopped || !this.loop) return;
    if (!this.timer) {
      this.wakePending = true;
      return;
    }
    clearTimeout(this.timer);
    void this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await Promise.all(this.clusters.map((c) => c.client.close()));
  }
}
