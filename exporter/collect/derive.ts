// Turns one cycle's ClusterState (plus the history kept between cycles) into the snapshot of
// series. Pure apart from updating `history`; no Kafka calls here. Async only to yield to the
// event loop every few milliseconds (yielder.ts), so scrapes are answered during a large derivation.
import type { PartitionStatus } from '../../common/metrics/index.js';
import { estimateLagSeconds } from '../lag/lag-seconds.js';
import { groupPartitions, tpKey, type ClusterState, type PartitionState } from '../../kafka-client/index.js';
import { groupLag, type PartitionOffsets } from '../lag/offset-lag.js';
import { evaluateGroupStatus, evaluatePartitionStatus } from '../lag/status.js';
import type { ChunkPool } from '../snapshot/chunk-pool.js';
import { FragmentWriter, labelValueBytes, SnapshotBuilder, Tier, type ClusterSnapshot } from '../snapshot/snapshot.js';
import type { ClusterHistory } from './history.js';
import { addShareGroupSeries, shareGroupLags, type ShareGroupOffsets } from './share-groups.js';
import { addTransactionSeries, type TransactionView } from './transactions.js';
import { Yielder } from './yielder.js';

export interface DeriveOptions {
  cluster: string;
  seriesLimit: number;
  /** Only topic-level lag series (no per-partition group series). */
  aggregateLagToTopic: boolean;
  nowMs: number;
  /** Chunks for the snapshot bytes, reused across cycles (see snapshot/chunk-pool.ts). */
  chunkPool?: ChunkPool;
  /**
   * Fleet mode: false on a replica that does not hold coordination partition 0, which exports only
   * its groups' series (the offset history for lag seconds is still kept). Default true.
   */
  clusterWide?: boolean;
  /**
   * Fleet mode: no status series for a group-partition until its window holds this many
   * observations. A group that moved to this replica starts with an empty window, and a short
   * window would read as OK (too few observations) or as STALL (two equal commits) without the
   * history its previous replica had. Default: status from the second observation.
   */
  statusMinObservations?: number;
  /** Share groups' offsets of this cycle (share-groups.ts); absent when the cluster has none to see. */
  shareGroups?: readonly ShareGroupOffsets[];
  /**
   * Groups whose consumers read with isolation.level=read_committed (exporter.readCommittedGroups):
   * their lag, lag seconds and status are measured to the partition's last stable offset instead
   * of the high watermark. The broker does not know a consumer's isolation level, so it is
   * configured. Default: none.
   */
  readCommitted?: (groupId: string) => boolean;
  /** Transactions of this cycle (transactions.ts): cluster-wide, written only with `clusterWide`. */
  transactions?: TransactionView;
}

export interface GroupSummary {
  groupId: string;
  maxLagSeconds: number;
  totalLag: number;
  status: number;
  /** Lag seconds of every committed partition (consumer-lag SLI samples). */
  partitionLagSeconds: number[];
}

export interface Derived {
  snapshot: ClusterSnapshot;
  groups: ReadonlyMap<string, GroupSummary>;
}

export async function deriveSnapshot(
  state: ClusterState,
  history: ClusterHistory,
  opts: DeriveOptions,
): Promise<Derived> {
  const b = new SnapshotBuilder(opts.cluster, opts.seriesLimit, opts.chunkPool);
  const now = opts.nowMs;
  const yielder = new Yielder();
  const liveBrokers = new Set(state.brokers.map((x) => x.id));
  const clusterWide = opts.clusterWide !== false;
  const statusFrom = opts.statusMinObservations ?? 0;

  // Cluster and brokers.
  if (clusterWide) addBrokerSeries(b, state);

  // Topics and partitions.
  let offline = 0;
  let urp = 0;
  let underMinIsr = 0;
  const partitions = partitionLookup(state);
  /** Escaped label bytes per topic, encoded once per cycle and shared by every series of it. */
  const topicBytes = new Map<string, Buffer>();
  const labels = new FragmentWriter();
  for (const t of state.topics) {
    await yielder.maybe();
    const tb = labelValueBytes(t.name);
    topicBytes.set(t.name, tb);
    if (!clusterWide) {
      // Only the end-offset history (lag seconds of this replica's groups).
      for (const p of t.partitions)
        if (p.highWatermark !== undefined && p.logStartOffset !== undefined) {
          const h = history.offsetHistory(t.name, p.partition, now);
          h.observe(p.highWatermark, now);
          h.trimBelow(p.logStartOffset);
        }
      continue;
    }
    b.add(Tier.topic, 'topicPartitions', { topic: t.name }, t.partitions.length);
    for (const p of t.partitions) {
      const l = labels.start().text('topic', tb).int('partition', p.partition);
      const isOffline = p.leader < 0 || !liveBrokers.has(p.leader);
      const isUrp = p.isr.length < p.replicas.length;
      if (isOffline) offline++;
      if (isUrp) urp++;
      b.addFragment(Tier.partition, 'partitionLeader', l, p.leader);
      b.addFragment(Tier.partition, 'partitionReplicas', l, p.replicas.length);
      b.addFragment(Tier.partition, 'partitionInSyncReplica', l, p.isr.length);
      b.addFragment(
        Tier.partition,
        'partitionLeaderIsPreferred',
        l,
        p.leader >= 0 && p.replicas[0] === p.leader ? 1 : 0,
      );
      b.addFragment(Tier.partition, 'partitionUnderReplicated', l, isUrp ? 1 : 0);
      b.addFragment(Tier.partition, 'partitionOffline', l, isOffline ? 1 : 0);
      if (t.minInsyncReplicas !== undefined) {
        const under = p.isr.length < t.minInsyncReplicas;
        if (under) underMinIsr++;
        b.addFragment(Tier.partition, 'partitionUnderMinIsr', l, under ? 1 : 0);
        b.addFragment(Tier.partition, 'partitionAtMinIsr', l, p.isr.length === t.minInsyncReplicas ? 1 : 0);
      }
      if (p.highWatermark !== undefined && p.logStartOffset !== undefined) {
        b.addFragment(Tier.partition, 'partitionCurrentOffset', l, p.highWatermark);
        b.addFragment(Tier.partition, 'partitionOldestOffset', l, p.logStartOffset);
        if (p.lastStableOffset !== undefined) {
          const lso = stableEnd(p as PartitionState & PartitionOffsets);
          b.addFragment(Tier.partition, 'partitionLastStableOffset', l, lso);
          b.addFragment(Tier.partition, 'partitionLsoLag', l, p.highWatermark - lso);
        }
        const h = history.offsetHistory(t.name, p.partition, now);
        h.observe(p.highWatermark, now);
        h.trimBelow(p.logStartOffset);
      }
    }
  }
  if (clusterWide && opts.transactions) addTransactionSeries(b, opts.transactions);
  if (clusterWide) {
    b.add(Tier.cluster, 'offlinePartitions', {}, offline);
    b.add(Tier.cluster, 'underReplicatedPartitions', {}, urp);
    b.add(Tier.cluster, 'underMinIsrPartitions', {}, underMinIsr);
  }

  // Groups.
  const summaries = new Map<string, GroupSummary>();
  for (const g of state.groups) {
    await yielder.maybe();
    const gl = { consumergroup: g.groupId };
    const gb = labelValueBytes(g.groupId);
    b.add(
      Tier.group,
      'consumerGroupInfo',
      { ...gl, type: g.type, state: g.state, assignor: g.assignor, coordinator: g.coordinator },
      1,
    );
    b.add(Tier.group, 'consumerGroupState', { ...gl, state: g.state }, 1);
    // Share and streams groups (and consumer groups on a broker without ConsumerGroupDescribe) are
    // listed, not described: their member count is unknown, so no series rather than a wrong 0.
    if (g.described) b.add(Tier.group, 'consumerGroupMembers', gl, g.members.length);
    // Share groups do not commit offsets (their lag is kafka_sharegroup_lag); streams groups are not
    // read here. Consumer-lag series and Burrow status are for classic and consumer groups only.
    if (g.type !== 'classic' && g.type !== 'consumer') continue;
    const owned = new Set<string>();
    for (const m of g.members)
      for (const a of m.assignments) for (const p of a.partitions) owned.add(tpKey(a.topic, p));
    const ends = opts.readCommitted?.(g.groupId) ? partitions.stableOffsets : partitions.offsets;
    const lag = groupLag(groupPartitions(g, partitions.ofTopic), ends);
    let maxLagSeconds = 0;
    let totalLag = 0;
    const partitionLagSeconds: number[] = [];
    const statuses: PartitionStatus[] = [];
    let statusWarming = false;
    for (const p of lag.partitions) {
      if (p.lag.kind !== 'committed') continue;
      const offs = ends(p.topic, p.partition)!;
      const entry = history.groupPartition(g.groupId, p.topic, p.partition, now);
      entry.push({ offset: p.lag.committed, lag: p.lag.lag });
      const status = evaluatePartitionStatus({
        window: entry,
        currentLag: p.lag.lag,
        ownedByMember: owned.size > 0 && owned.has(tpKey(p.topic, p.partition)),
      });
      const warming = entry.length < statusFrom;
      if (warming) statusWarming = true;
      else statuses.push(status);
      const seconds = estimateLagSeconds({
        committed: p.lag.effectiveOffset,
        highWatermark: offs.highWatermark,
        nowMs: now,
        recordTimestampMs: entry.recordOffset === p.lag.effectiveOffset ? entry.recordTimestampMs : undefined,
        points: history.offsetHistory(p.topic, p.partition, now).points(),
      }).seconds;
      maxLagSeconds = Math.max(maxLagSeconds, seconds);
      partitionLagSeconds.push(seconds);
      totalLag += p.lag.lag;
      if (!opts.aggregateLagToTopic) {
        const l = labels
          .start()
          .text('consumergroup', gb)
          .text('topic', topicBytes.get(p.topic)!)
          .int('partition', p.partition);
        b.addFragment(Tier.groupPartition, 'consumerGroupCurrentOffset', l, p.lag.committed);
        b.addFragment(Tier.groupPartition, 'consumerGroupLag', l, p.lag.lag);
        b.addFragment(Tier.groupPartition, 'consumerGroupLagSeconds', l, seconds);
        if (!warming) b.addFragment(Tier.groupPartition, 'consumerGroupPartitionStatus', l, status);
        b.addFragment(Tier.groupPartition, 'consumerGroupLagLostRecords', l, p.lag.lostRecords);
      }
    }
    for (const t of lag.topics) {
      b.add(Tier.group, 'consumerGroupLagSum', { ...gl, topic: t.topic }, t.lagSum);
      b.add(Tier.group, 'consumerGroupUncommittedPartitions', { ...gl, topic: t.topic }, t.uncommittedPartitions);
    }
    const status = evaluateGroupStatus(g.state !== 'Dead', statuses);
    // A group status over some partitions only could be a false OK: none until all are warm.
    if (!statusWarming) b.add(Tier.group, 'consumerGroupStatus', gl, status);
    b.add(Tier.group, 'consumerGroupMaxLagSeconds', gl, maxLagSeconds);
    summaries.set(g.groupId, { groupId: g.groupId, maxLagSeconds, totalLag, status, partitionLagSeconds });
  }
  if (opts.shareGroups) addShareGroupSeries(b, shareGroupLags(state, opts.shareGroups), opts.aggregateLagToTopic);
  return { snapshot: b.build(now), groups: summaries };
}

/**
 * Partitions of the cycle by topic and number, without a string key per partition (a cycle used
 * to build several maps keyed `topic\0partition`, 100k+ short-lived strings at 10k partitions).
 */
export function partitionLookup(state: ClusterState): {
  ofTopic(topic: string): readonly PartitionState[] | undefined;
  get(topic: string, partition: number): PartitionState | undefined;
  /** Log start and high watermark, when ListOffsets answered for the partition this cycle. */
  offsets(topic: string, partition: number): PartitionOffsets | undefined;
  /**
   * As `offsets`, with the end a read_committed consumer reads to (the last stable offset, see
   * stableEnd) in place of the high watermark.
   */
  stableOffsets(topic: string, partition: number): PartitionOffsets | undefined;
} {
  const byTopic = new Map<string, readonly PartitionState[]>();
  for (const t of state.topics) byTopic.set(t.name, t.partitions);
  const get = (topic: string, partition: number) => {
    const parts = byTopic.get(topic);
    if (!parts) return undefined;
    // Partitions are sorted by number and usually dense, so the number is the index.
    const at = parts[partition];
    return at?.partition === partition ? at : parts.find((p) => p.partition === partition);
  };
  const offsets = (topic: string, partition: number) => {
    const p = get(topic, partition);
    return p && p.highWatermark !== undefined && p.logStartOffset !== undefined
      ? (p as PartitionOffsets & PartitionState)
      : undefined;
  };
  return {
    ofTopic: (topic) => byTopic.get(topic),
    get,
    offsets,
    stableOffsets: (topic, partition) => {
      const p = offsets(topic, partition);
      return p && { logStartOffset: p.logStartOffset, highWatermark: stableEnd(p) };
    },
  };
}

/**
 * The end a read_committed consumer reads to: the last stable offset, never above the high
 * watermark (read in the same round, the LSO after it, so a larger LSO only means records came in
 * between the two answers); the high watermark itself when the LSO was not read this cycle (a
 * broker without ListOffsets v2), which makes a read_committed group's lag an upper bound.
 */
export function stableEnd(p: PartitionState & PartitionOffsets): number {
  return p.lastStableOffset === undefined ? p.highWatermark : Math.min(p.lastStableOffset, p.highWatermark);
}

/** Group-partitions whose record timestamp at the committed offset should be read this cycle. */
export async function timestampsToRead(
  state: ClusterState,
  history: ClusterHistory,
  /** Groups measured to the last stable offset (DeriveOptions.readCommitted). */
  readCommitted?: (groupId: string) => boolean,
): Promise<{ group: string; topic: string; partition: number; offset: number; leader: number }[]> {
  const yielder = new Yielder();
  const partitions = partitionLookup(state);
  const out: { group: string; topic: string; partition: number; offset: number; leader: number }[] = [];
  for (const g of state.groups) {
    await yielder.maybe();
    const ends = readCommitted?.(g.groupId) ? partitions.stableOffsets : partitions.offsets;
    for (const o of g.offsets) {
      if (o.offset < 0) continue;
      const range = ends(o.topic, o.partition);
      if (!range) continue;
      const offset = Math.max(o.offset, range.logStartOffset);
      if (offset >= range.highWatermark) continue; // caught up: nothing unconsumed to date
      if (history.recordTime(g.groupId, o.topic, o.partition, offset) === undefined)
        out.push({
          group: g.groupId,
          topic: o.topic,
          partition: o.partition,
          offset,
          leader: partitions.get(o.topic, o.partition)!.leader,
        });
    }
  }
  return out;
}

/** Cluster, broker and log-dir series (cluster-wide: in fleet mode only partition 0's holder). */
function addBrokerSeries(b: SnapshotBuilder, state: ClusterState): void {
  b.add(Tier.cluster, 'brokers', {}, state.brokers.length);
  b.add(Tier.cluster, 'controllerId', {}, state.controllerId);
  b.add(Tier.cluster, 'clusterInfo', { cluster_id: state.clusterId ?? '', controller_id: state.controllerId }, 1);
  for (const br of state.brokers)
    b.add(Tier.broker, 'brokerInfo', { id: br.id, address: `${br.host}:${br.port}`, rack: br.rack ?? '' }, 1);
  for (const d of state.logDirs ?? []) {
    const l = { broker: d.broker, logdir: d.path };
    b.add(Tier.broker, 'logDirOffline', l, d.error ? 1 : 0);
    b.add(
      Tier.broker,
      'logDirSizeBytes',
      l,
      d.partitions.reduce((s, p) => s + p.sizeBytes, 0),
    );
    if (d.totalBytes !== undefined && d.totalBytes >= 0) b.add(Tier.broker, 'logDirTotalBytes', l, d.totalBytes);
    if (d.usableBytes !== undefined && d.usableBytes >= 0) b.add(Tier.broker, 'logDirUsableBytes', l, d.usableBytes);
    for (const p of d.partitions)
      b.add(
        Tier.partition,
        'partitionLogSizeBytes',
        { broker: d.broker, topic: p.topic, partition: p.partition },
        p.sizeBytes,
      );
  }
}
