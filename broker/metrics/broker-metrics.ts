// The broker's Prometheus metrics, every name taken from the catalog (common/metrics/broker.ts).
// Counters and timers are updated by the server and the replica manager as traffic flows; gauges
// about partitions, logs, groups and the controller are computed at scrape time from a
// MetricsSource (no background work). Mapping to Kafka's MBeans and the Node stand-ins for JVM
// pause metrics are documented in broker/README.md.
import {
  PerformanceObserver,
  monitorEventLoopDelay,
  performance,
  type IntervalHistogram,
  type PerformanceEntry,
} from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { brokerMetrics as M, type MetricDef } from '../../common/metrics/index.js';
import { errorName } from '../../protocol/index.js';

const PERCENTILES = [0.5, 0.75, 0.95, 0.98, 0.99, 0.999];

/** Time breakdown of one request in ms (Kafka's RequestMetrics). */
export interface RequestTimes {
  requestQueue: number;
  local: number;
  remote: number;
  responseQueue: number;
  responseSend: number;
  total: number;
}

export interface PartitionGauges {
  topic: string;
  partition: number;
  leader: boolean;
  size: number;
  logEndOffset: number;
  logStartOffset: number;
  numSegments: number;
  replicas: number;
  isr: number;
  minIsr: number;
  /** High watermark minus last stable offset (meaningful on the leader). */
  lastStableOffsetLag: number;
  /** Producer ids in the partition's producer state. */
  producerIds: number;
}

/** Transaction coordinator numbers (broker/txn). */
export interface TransactionGauges {
  loadTimeMaxMs: number;
  loadTimeAvgMs: number;
  unknownDestination: number;
  logAppendRetry: number;
}

export interface GroupGauges {
  numGroups: number;
  groupsByState: Record<string, number>;
  numOffsets: number;
  rebalancesTotal: number;
  /** Kafka 4 group-coordinator-metrics: classic groups by state, KIP-848 groups by state and rebalances. */
  classicGroupsByState?: Record<string, number>;
  consumer?: { groupsByState: Record<string, number>; rebalancesTotal: number; rebalanceRate: number } | null;
}

/** Quorum numbers of Kafka 4's raft-metrics and KafkaController gauges (NaN: no sample in the window). */
export interface QuorumStats {
  commitLatencyAvgMs: number;
  commitLatencyMaxMs: number;
  electionLatencyAvgMs: number;
  electionLatencyMaxMs: number;
  lastAppliedRecordLagMs: number;
  metadataErrors: number;
  timedOutBrokerHeartbeats: number;
  newActiveControllers: number;
}

/** What the scrape-time gauges read. */
export interface MetricsSource {
  partitions(): PartitionGauges[];
  topicCount(): number;
  logDirs(): { dir: string; totalBytes: number; usableBytes: number; offline: boolean }[];
  groups(): GroupGauges | null;
  /** KIP-932 share groups this node coordinates. */
  shareGroupCount?(): number | undefined;
  connections(): Record<string, number>;
  brokerState(): number;
  isActiveController(): boolean;
  offlinePartitions(): number;
  replicaFetcherMaxLag(): number;
  /** Followed partitions whose last replica fetch failed. */
  replicaFetcherFailedPartitions?(): number;
  quorum(): { state: string; leader: number; epoch: number; highWatermark: number };
  quorumStats?(): QuorumStats;
  /** Cluster mode (read on the active controller): partitions not led by their preferred replica, brokers by fencing state. */
  preferredImbalance?(): number;
  brokerCounts?(): { active: number; fenced: number };
  /** The transaction coordinator of this broker (null before it started). */
  transactions?(): TransactionGauges | null;
}

const labelsOf = (def: MetricDef) => def.labels.filter((l) => l !== 'quantile');

export class BrokerMetrics {
  readonly registry = new Registry();
  private source: MetricsSource | null = null;
  private readonly c: Record<string, Counter> = {};
  private readonly timers: Record<keyof RequestTimes, Summary>;
  private requestQueue = 0;
  private responseQueue = 0;
  private readonly elDelay: Summary;
  private readonly elHistogram: IntervalHistogram;
  private readonly gcObserver: PerformanceObserver;
  private readonly elSampler: NodeJS.Timeout;
  private elu = performance.eventLoopUtilization();
  private utilAt = -Infinity;
  private lastUtil = 0;
  private lastGroupRebalances = 0;
  private readonly leaderElections: Summary;

  constructor() {
    const r = this.registry;
    const counter = (def: MetricDef) =>
      new Counter({ name: def.name, help: def.help, labelNames: labelsOf(def), registers: [r] });
    for (const key of [
      'messagesIn',
      'bytesIn',
      'bytesOut',
      'bytesRejected',
      'failedProduceRequests',
      'failedFetchRequests',
      'totalProduceRequests',
      'totalFetchRequests',
      'replicationBytesIn',
      'replicationBytesOut',
      'requests',
      'requestErrors',
      'failedAuthentication',
      'successfulAuthentication',
      'isrShrinks',
      'isrExpands',
      'failedIsrUpdates',
      'uncleanLeaderElections',
      'rebalances',
      'followerFetchErrors',
    ] as const) {
      this.c[key] = counter(M[key]);
    }
    // Series Kafka always exposes (all-topics BrokerTopicMetrics, per-listener auth counters) start at 0.
    for (const key of [
      'messagesIn',
      'bytesIn',
      'bytesOut',
      'bytesRejected',
      'failedProduceRequests',
      'failedFetchRequests',
      'totalProduceRequests',
      'totalFetchRequests',
    ])
      this.c[key].inc(0);
    for (const key of ['failedAuthentication', 'successfulAuthentication'])
      this.c[key].inc({ listener: 'PLAINTEXT' }, 0);
    const summary = (def: MetricDef) =>
      new Summary({
        name: def.name,
        help: def.help,
        labelNames: labelsOf(def),
        percentiles: PERCENTILES,
        maxAgeSeconds: 300,
        ageBuckets: 5,
        registers: [r],
      });
    this.timers = {
      total: summary(M.totalTimeMs),
      requestQueue: summary(M.requestQueueTimeMs),
      local: summary(M.localTimeMs),
      remote: summary(M.remoteTimeMs),
      responseQueue: summary(M.responseQueueTimeMs),
      responseSend: summary(M.responseSendTimeMs),
    };
    summary(M.logFlushRateAndTimeMs);
    this.leaderElections = summary(M.leaderElectionRateAndTimeMs);

    const gauge = (def: MetricDef, collect: (g: Gauge) => void) =>
      new Gauge({
        name: def.name,
        help: def.help,
        labelNames: labelsOf(def),
        registers: [r],
        collect(this: Gauge) {
          this.reset();
          collect(this);
        },
      });
    gauge(M.requestQueueSize, (g) => g.set(this.requestQueue));
    gauge(M.responseQueueSize, (g) => g.set(this.responseQueue));
    // One Node thread does both network and request work: idle = 1 - event-loop utilization.
    const idle = (g: Gauge) => g.set(Math.max(0, 1 - this.utilization()));
    gauge(M.requestHandlerIdle, idle);
    gauge(M.networkProcessorIdle, idle);
    gauge(M.connectionCount, (g) => {
      for (const [listener, n] of Object.entries(this.source?.connections() ?? {})) g.set({ listener }, n);
    });

    const perPartition = (def: MetricDef, pick: (p: PartitionGauges) => number, onlyLeaders = false) =>
      gauge(def, (g) => {
        for (const p of this.source?.partitions() ?? [])
          if (!onlyLeaders || p.leader) g.set({ topic: p.topic, partition: String(p.partition) }, pick(p));
      });
    perPartition(M.logSize, (p) => p.size);
    perPartition(M.logEndOffset, (p) => p.logEndOffset);
    perPartition(M.logStartOffset, (p) => p.logStartOffset);
    perPartition(M.numLogSegments, (p) => p.numSegments);
    perPartition(M.partitionUnderReplicated, (p) => (p.isr < p.replicas ? 1 : 0), true);
    perPartition(M.partitionUnderMinIsr, (p) => (p.isr < p.minIsr ? 1 : 0), true);
    perPartition(M.partitionAtMinIsr, (p) => (p.isr === p.minIsr ? 1 : 0), true);
    perPartition(M.partitionReplicasCount, (p) => p.replicas, true);
    perPartition(M.partitionInSyncReplicasCount, (p) => p.isr, true);
    perPartition(M.partitionLastStableOffsetLag, (p) => p.lastStableOffsetLag, true);

    const count = (def: MetricDef, fn: (ps: PartitionGauges[]) => number) =>
      gauge(def, (g) => g.set(fn(this.source?.partitions() ?? [])));
    count(M.partitionCount, (ps) => ps.length);
    count(M.leaderCount, (ps) => ps.filter((p) => p.leader).length);
    count(M.underReplicatedPartitions, (ps) => ps.filter((p) => p.leader && p.isr < p.replicas).length);
    count(M.underMinIsrPartitionCount, (ps) => ps.filter((p) => p.leader && p.isr < p.minIsr).length);
    count(M.atMinIsrPartitionCount, (ps) => ps.filter((p) => p.leader && p.isr === p.minIsr).length);
    count(M.producerIdCount, (ps) => ps.reduce((n, p) => n + p.producerIds, 0));
    const txn = (def: MetricDef, pick: (t: TransactionGauges) => number, none: number) =>
      gauge(def, (g) => {
        const t = this.source?.transactions?.();
        g.set(t ? pick(t) : none);
      });
    txn(M.txnPartitionLoadTimeMax, (t) => t.loadTimeMaxMs, NaN);
    txn(M.txnPartitionLoadTimeAvg, (t) => t.loadTimeAvgMs, NaN);
    txn(M.txnMarkerUnknownDestinationQueueSize, (t) => t.unknownDestination, 0);
    txn(M.txnMarkerLogAppendRetryQueueSize, (t) => t.logAppendRetry, 0);
    gauge(M.offlineReplicaCount, (g) =>
      g.set(this.source?.logDirs().some((d) => d.offline) ? (this.source?.partitions().length ?? 0) : 0),
    );
    gauge(M.offlineLogDirectoryCount, (g) => g.set(this.source?.logDirs().filter((d) => d.offline).length ?? 0));
    gauge(M.logDirectoryTotalBytes, (g) => {
      for (const d of this.source?.logDirs() ?? []) g.set({ logdir: d.dir }, d.totalBytes);
    });
    gauge(M.logDirectoryUsableBytes, (g) => {
      for (const d of this.source?.logDirs() ?? []) g.set({ logdir: d.dir }, d.usableBytes);
    });

    const active = () => this.source?.isActiveController() ?? false;
    gauge(M.activeControllerCount, (g) => g.set(active() ? 1 : 0));
    gauge(M.offlinePartitionsCount, (g) => g.set(active() ? (this.source?.offlinePartitions() ?? 0) : 0));
    gauge(M.globalTopicCount, (g) => g.set(active() ? (this.source?.topicCount() ?? 0) : 0));
    gauge(M.globalPartitionCount, (g) => g.set(active() ? (this.source?.partitions().length ?? 0) : 0));
    gauge(M.preferredReplicaImbalanceCount, (g) => g.set(active() ? (this.source?.preferredImbalance?.() ?? 0) : 0));
    gauge(M.fencedBrokerCount, (g) => g.set(active() ? (this.source?.brokerCounts?.().fenced ?? 0) : 0));
    gauge(M.activeBrokerCount, (g) => g.set(active() ? (this.source?.brokerCounts?.().active ?? 1) : 0));

    const group = (def: MetricDef, fn: (s: GroupGauges) => number) => gauge(def, (g) => g.set(this.groupStats(fn)));
    group(M.numGroups, (s) => s.numGroups);
    group(M.numGroupsPreparingRebalance, (s) => s.groupsByState.PreparingRebalance ?? 0);
    group(M.numGroupsCompletingRebalance, (s) => s.groupsByState.CompletingRebalance ?? 0);
    group(M.numGroupsStable, (s) => s.groupsByState.Stable ?? 0);
    group(M.numGroupsDead, (s) => s.groupsByState.Dead ?? 0);
    group(M.numGroupsEmpty, (s) => s.groupsByState.Empty ?? 0);
    group(M.numOffsets, (s) => s.numOffsets);
    const CLASSIC_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];
    const CONSUMER_STATES = ['Empty', 'Assigning', 'Reconciling', 'Stable', 'Dead'];
    const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
    // Kafka 4 labels the states in lower case (state="preparingrebalance", "reconciling", ...).
    gauge(M.groupCount, (g) => {
      const s = this.source?.groups();
      g.set({ protocol: 'classic' }, sum(s?.classicGroupsByState ?? s?.groupsByState));
      g.set({ protocol: 'consumer' }, sum(s?.consumer?.groupsByState));
      // Share groups (KIP-932) have their own coordinator (group/share-plugin.ts), counted there.
      const share = this.source?.shareGroupCount?.();
      if (share !== undefined) g.set({ protocol: 'share' }, share);
    });
    gauge(M.classicGroupCount, (g) => {
      const s = this.source?.groups();
      for (const state of CLASSIC_STATES)
        g.set({ state: state.toLowerCase() }, (s?.classicGroupsByState ?? s?.groupsByState)?.[state] ?? 0);
    });
    gauge(M.consumerGroupCount, (g) => {
      const s = this.source?.groups()?.consumer;
      for (const state of CONSUMER_STATES) g.set({ state: state.toLowerCase() }, s?.groupsByState[state] ?? 0);
    });
    gauge(M.consumerGroupRebalanceRate, (g) => g.set(this.source?.groups()?.consumer?.rebalanceRate ?? 0));
    gauge(M.consumerGroupRebalanceCount, (g) => g.set(this.source?.groups()?.consumer?.rebalancesTotal ?? 0));

    gauge(M.brokerState, (g) => g.set(this.source?.brokerState() ?? 0));

    // Replica fetchers (issue 4): none on a single broker; Kafka still exposes clientid="Replica".
    gauge(M.replicaFetcherMaxLag, (g) => g.set({ clientid: 'Replica' }, this.source?.replicaFetcherMaxLag() ?? 0));
    gauge(M.replicaFetcherFailedPartitions, (g) =>
      g.set({ clientid: 'Replica' }, this.source?.replicaFetcherFailedPartitions?.() ?? 0),
    );
    // Metadata quorum: a single broker is its own one-voter quorum (always leader); the metadata
    // log's high watermark is the number of metadata changes (topic store version).
    gauge(M.raftCurrentState, (g) => {
      const q = this.source?.quorum();
      for (const st of ['leader', 'candidate', 'voted', 'follower', 'unattached', 'observer'])
        g.set({ state: st }, q?.state === st ? 1 : 0);
    });
    gauge(M.raftCurrentLeader, (g) => g.set(this.source?.quorum().leader ?? -1));
    gauge(M.raftCurrentEpoch, (g) => g.set(this.source?.quorum().epoch ?? 0));
    gauge(M.raftHighWatermark, (g) => g.set(this.source?.quorum().highWatermark ?? 0));
    const quorumStat = (def: MetricDef, pick: (q: QuorumStats) => number, none: number) =>
      gauge(def, (g) => {
        const q = this.source?.quorumStats?.();
        g.set(q ? pick(q) : none);
      });
    quorumStat(M.raftCommitLatencyAvg, (q) => q.commitLatencyAvgMs, NaN);
    quorumStat(M.raftCommitLatencyMax, (q) => q.commitLatencyMaxMs, NaN);
    quorumStat(M.raftElectionLatencyAvg, (q) => q.electionLatencyAvgMs, NaN);
    quorumStat(M.raftElectionLatencyMax, (q) => q.electionLatencyMaxMs, NaN);
    quorumStat(M.lastAppliedRecordLagMs, (q) => q.lastAppliedRecordLagMs, 0);
    quorumStat(M.metadataErrorCount, (q) => q.metadataErrors, 0);
    quorumStat(M.timedOutBrokerHeartbeatCount, (q) => q.timedOutBrokerHeartbeats, 0);
    quorumStat(M.newActiveControllersCount, (q) => q.newActiveControllers, 0);

    // Event-loop delay: a 100 ms timer measures how late it fires (the Node analogue of a JVM
    // safepoint pause as seen by request threads); the max comes from perf_hooks' histogram.
    this.elDelay = summary(M.eventLoopDelay);
    let expected = performance.now() + 100;
    this.elSampler = setInterval(() => {
      const now = performance.now();
      this.elDelay.observe(Math.max(0, now - expected) / 1000);
      expected = now + 100;
    }, 100);
    this.elSampler.unref();
    this.elHistogram = monitorEventLoopDelay({ resolution: 10 });
    this.elHistogram.enable();
    gauge(M.eventLoopDelayMax, (g) => {
      g.set(this.elHistogram.max / 1e9);
      this.elHistogram.reset();
    });
    const gc = new Histogram({
      name: M.gcPauseSeconds.name,
      help: M.gcPauseSeconds.help,
      labelNames: labelsOf(M.gcPauseSeconds),
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    });
    gc.zero({ kind: 'minor' });
    gc.zero({ kind: 'major' });
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        gc.observe(
          { kind: gcKind((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind) },
          e.duration / 1000,
        );
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  setSource(source: MetricsSource): void {
    this.source = source;
  }

  private groupStats(fn: (s: GroupGauges) => number): number {
    const s = this.source?.groups();
    if (!s) return 0;
    if (s.rebalancesTotal > this.lastGroupRebalances) {
      this.c.rebalances.inc(s.rebalancesTotal - this.lastGroupRebalances);
      this.lastGroupRebalances = s.rebalancesTotal;
    }
    return fn(s);
  }

  /** Event-loop utilization since the previous scrape (both idle gauges of one scrape share it). */
  private utilization(): number {
    const t = performance.now();
    if (t - this.utilAt < 100) return this.lastUtil;
    const now = performance.eventLoopUtilization();
    this.lastUtil = performance.eventLoopUtilization(now, this.elu).utilization;
    this.elu = now;
    this.utilAt = t;
    return this.lastUtil;
  }

  // --- request path ---
  requestSeen(api: string, version: number): void {
    this.c.requests.inc({ request: api, version: String(version) });
  }
  requestErrors(api: string, codes: number[]): void {
    if (codes.length === 0) {
      this.c.requestErrors.inc({ request: api, error: 'NONE' });
      return;
    }
    for (const code of codes) this.c.requestErrors.inc({ request: api, error: errorName(code) });
  }
  requestTimes(api: string, t: RequestTimes): void {
    for (const k of Object.keys(this.timers) as (keyof RequestTimes)[]) this.timers[k].observe({ request: api }, t[k]);
  }
  requestQueued(delta: number): void {
    this.requestQueue += delta;
  }
  responseQueued(delta: number): void {
    this.responseQueue += delta;
  }

  // --- BrokerTopicMetrics: per topic and the all-topics series ---
  private topicInc(key: string, topic: string, n: number): void {
    if (n === 0) return;
    this.c[key].inc({ topic }, n);
    this.c[key].inc(n);
  }
  produced(topic: string, messages: number, bytes: number): void {
    this.topicInc('messagesIn', topic, messages);
    this.topicInc('bytesIn', topic, bytes);
  }
  produceRequest(topic: string, failed: boolean): void {
    this.topicInc('totalProduceRequests', topic, 1);
    if (failed) this.topicInc('failedProduceRequests', topic, 1);
  }
  rejectedBytes(topic: string, bytes: number): void {
    this.topicInc('bytesRejected', topic, bytes);
  }
  fetchRequest(topic: string, failed: boolean): void {
    this.topicInc('totalFetchRequests', topic, 1);
    if (failed) this.topicInc('failedFetchRequests', topic, 1);
  }
  fetched(topic: string, bytes: number): void {
    this.topicInc('bytesOut', topic, bytes);
  }
  // --- replication and controller events ---
  isrChanged(kind: 'shrink' | 'expand' | 'failed'): void {
    this.c[kind === 'shrink' ? 'isrShrinks' : kind === 'expand' ? 'isrExpands' : 'failedIsrUpdates'].inc();
  }
  uncleanLeaderElection(): void {
    this.c.uncleanLeaderElections.inc();
  }
  /** One leader election decided by the active controller and how long until it was committed. */
  leaderElected(ms: number): void {
    this.leaderElections.observe(ms);
  }
  followerFetchError(): void {
    this.c.followerFetchErrors.inc();
  }
  replicationBytes(direction: 'in' | 'out', bytes: number): void {
    if (bytes > 0) this.c[direction === 'in' ? 'replicationBytesIn' : 'replicationBytesOut'].inc(bytes);
  }
  authentication(listener: string, ok: boolean): void {
    this.c[ok ? 'successfulAuthentication' : 'failedAuthentication'].inc({ listener });
  }

  async expose(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    clearInterval(this.elSampler);
    this.elHistogram.disable();
    this.gcObserver.disconnect();
  }
}

function gcKind(kind: number | undefined): string {
  switch (kind) {
    case 1:
      return 'minor';
    case 2:
      return 'major';
    case 4:
      return 'incremental';
    case 8:
      return 'weakcb';
    default:
      return 'other';
  }
}
