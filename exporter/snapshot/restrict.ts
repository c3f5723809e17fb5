// A served snapshot cut down to a replica's current share (fleet mode). When a collection cycle
// fails after a rebalance, the previous snapshot still holds the groups of the old assignment;
// another replica exports those now, so serving them would duplicate their series in the fleet's
// union. Only the failure path calls this: it parses lines, which a normal cycle never does.
import { exporterMetrics } from '../../common/metrics/index.js';
import { compressPiece, type Piece } from '../metrics/gzip-exposition.js';
import { familyBytes, parseLine, type ClusterSnapshot, type FamilyKey } from './snapshot.js';

/** The label that says which consumer or share group a family's series belong to, if any. */
function groupLabel(key: FamilyKey): string | undefined {
  const labels = exporterMetrics[key].labels as readonly string[];
  return labels.includes('consumergroup') ? 'consumergroup' : labels.includes('sharegroup') ? 'sharegroup' : undefined;
}

/**
 * The snapshot with only the series this replica still owns: per-group series of groups `owns`
 * accepts, and series without a group label (brokers, topics, partitions: the cluster-wide ones)
 * only when `clusterWide`. Returns the same snapshot when nothing is dropped.
 */
export function restrictSnapshot(
  snapshot: ClusterSnapshot,
  owns: (groupId: string) => boolean,
  clusterWide: boolean,
): ClusterSnapshot {
  const families = new Map<FamilyKey, readonly Piece[]>();
  let kept = 0;
  let dropped = false;
  for (const key of snapshot.families.keys()) {
    const label = groupLabel(key);
    const lines = familyBytes(snapshot, key).toString('utf8').split('\n').filter(Boolean);
    if (label === undefined && !clusterWide) {
      if (lines.length > 0) dropped = true;
      continue;
    }
    const keep = label === undefined ? lines : lines.filter((l) => owns(parseLine(l).labels[label] ?? ''));
    if (keep.length !== lines.length) dropped = true;
    kept += keep.length;
    if (keep.length > 0) families.set(key, [compressPiece(Buffer.from(keep.join('\n') + '\n'))]);
  }
  if (!dropped) return snapshot;
  return {
    cluster: snapshot.cluster,
    takenAtMs: snapshot.takenAtMs,
    families,
    seriesCount: kept,
    droppedSeries: snapshot.droppedSeries,
  };
}
