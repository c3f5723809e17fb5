// Offset lag per partition and per group: high watermark minus committed offset, with the fixes
// peers lack. A commit below the log start is lifted to the log start (the records in between
// were deleted by retention: reported as lost, not as lag); lag is never negative; a partition
// without a commit is reported as uncommitted instead of -1 folded into sums. Which partitions a
// group's lag covers is the cluster model's groupPartitions (kafka-client/model.ts).
import type { GroupPartition } from '../../kafka-client/index.js';

export interface PartitionOffsets {
  /** Log start offset (ListOffsets earliest). */
  logStartOffset: number;
  /** High watermark (ListOffsets latest): the end a read_committed/uncommitted consumer can read. */
  highWatermark: number;
}

export type PartitionLag =
  | { kind: 'uncommitted' }
  | {
      kind: 'committed';
      /** The offset the group committed (as fetched). */
      committed: number;
      /** Committed offset after lifting to [logStart, highWatermark]. */
      effectiveOffset: number;
      /** highWatermark - effectiveOffset, never negative. */
      lag: number;
      /** Records between the committed offset and the log start: deleted before consumption. */
      lostRecords: number;
    };

/** Lag of one partition; `committed` is undefined or negative (-1 from OffsetFetch) without a commit. */
export function partitionLag(offsets: PartitionOffsets, committed: number | undefined): PartitionLag {
  if (committed === undefined || committed < 0 || !Number.isFinite(committed)) return { kind: 'uncommitted' };
  const start = Math.max(0, offsets.logStartOffset);
  const hw = Math.max(start, offsets.highWatermark);
  const lostRecords = committed < start ? start - committed : 0;
  // A commit above the high watermark (e.g. read before a truncation) is clamped: lag 0, not negative.
  const effectiveOffset = Math.min(Math.max(committed, start), hw);
  return { kind: 'committed', committed, effectiveOffset, lag: hw - effectiveOffset, lostRecords };
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  lag: PartitionLag;
}

export interface GroupTopicLag {
  topic: string;
  /** Sum over committed partitions only. */
  lagSum: number;
  lostRecordsSum: number;
  committedPartitions: number;
  uncommittedPartitions: number;
}

export interface GroupLag {
  partitions: GroupPartitionLag[];
  topics: GroupTopicLag[];
}

/**
 * Lag of a group over the partitions it has committed on (or is assigned). `offsetsOf` returns
 * the partition's offsets, or undefined when the partition is unknown to the snapshot (deleted
 * topic, filtered): such partitions are skipped rather than guessed.
 */
export function groupLag(
  inputs: readonly GroupPartition[],
  offsetsOf: (topic: string, partition: number) => PartitionOffsets | undefined,
): GroupLag {
  const partitions: GroupPartitionLag[] = [];
  const topics = new Map<string, GroupTopicLag>();
  for (const input of inputs) {
    const offsets = offsetsOf(input.topic, input.partition);
    if (!offsets) continue;
    const lag = partitionLag(offsets, input.committed);
    partitions.push({ topic: input.topic, partition: input.partition, lag });
    let t = topics.get(input.topic);
    if (!t) {
      t = { topic: input.topic, lagSum: 0, lostRecordsSum: 0, committedPartitions: 0, uncommittedPartitions: 0 };
      topics.set(input.topic, t);
    }
    if (lag.kind === 'committed') {
      t.lagSum += lag.lag;
      t.lostRecordsSum += lag.lostRecords;
      t.committedPartitions++;
    } else {
      t.uncommittedPartitions++;
    }
  }
  return { partitions, topics: [...topics.values()] };
}
