// Share-group lag (KIP-932): what a share group has not yet finished on a partition, from the
// share-partition start offset (SPSO) that DescribeShareGroupOffsets reports and the partition's
// end offset. Pure: the exporter's collector (collect/share-groups.ts) and `kafka-sre groups
// describe` (ops/) compute the same number from it.
import type { ShareGroupPartitionOffset } from '../../kafka-client/index.js';

export interface ShareLagPartition {
  topic: string;
  partition: number;
  lag: number;
}

export interface ShareGroupLag {
  groupId: string;
  /** Partitions with a lag this cycle, in the order the broker answered. */
  partitions: ShareLagPartition[];
  /** Per topic: sum over `partitions` (a topic with no lag-bearing partition has no sum). */
  topics: { topic: string; lagSum: number }[];
  /** Partitions without a series this cycle, and why. */
  skipped: { topic: string; partition: number; reason: 'error' | 'no-start-offset' | 'no-end-offset' }[];
}

/**
 * Share lag of one group. `endOffset` is the partition's high watermark as this cycle's
 * ListOffsets read it (the value behind kafka_topic_partition_current_offset); undefined for a
 * partition that did not answer, or a topic outside the exporter's filters: no series then, as
 * for consumer lag.
 *
 * The value: end offset - SPSO, never negative, lowered to the broker's v1 `Lag` when that is
 * present. Both count the records from the SPSO to the end; the broker's also leaves out records
 * already acknowledged or archived past the SPSO (acknowledged out of order, so the SPSO could not
 * move over them), which are done and no backlog, so when it is present it is the better number.
 * It is capped by end - SPSO because the broker computed it against its own, later high watermark:
 * the cap keeps the lag within this cycle's end offset, so lag and current offset series agree.
 * Without the broker's lag (v0, or -1 when the coordinator has no replica of the partition)
 * end - SPSO is used alone.
 */
export function shareGroupLag(
  groupId: string,
  offsets: readonly ShareGroupPartitionOffset[],
  endOffset: (topic: string, partition: number) => number | undefined,
): ShareGroupLag {
  const partitions: ShareLagPartition[] = [];
  const skipped: ShareGroupLag['skipped'] = [];
  const sums = new Map<string, number>();
  for (const o of offsets) {
    if (o.error) {
      skipped.push({ topic: o.topic, partition: o.partition, reason: 'error' });
      continue;
    }
    const end = endOffset(o.topic, o.partition);
    if (end === undefined) {
      skipped.push({ topic: o.topic, partition: o.partition, reason: 'no-end-offset' });
      continue;
    }
    if (o.startOffset === undefined) {
      // No share-partition state yet: nothing was ever acquired for this group here.
      skipped.push({ topic: o.topic, partition: o.partition, reason: 'no-start-offset' });
      continue;
    }
    const toEnd = Math.max(0, end - o.startOffset);
    const lag = o.lag !== undefined && o.lag >= 0 ? Math.min(o.lag, toEnd) : toEnd;
    partitions.push({ topic: o.topic, partition: o.partition, lag });
    sums.set(o.topic, (sums.get(o.topic) ?? 0) + lag);
  }
  return { groupId, partitions, topics: [...sums].map(([topic, lagSum]) => ({ topic, lagSum })), skipped };
}
