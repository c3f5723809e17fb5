// What the replica manager needs from one partition's log. The adapter in log-adapter.ts maps the
// log helper's PartitionLog (broker/log) onto it; keeping this port narrow lets replication
// (issue 4) add follower appends without touching the handlers. Its results are broker/log's own
// AppendResult and ReadResult.
import type { ActiveProducer, AppendResult, ReadResult } from '../log/index.js';

export interface LocalLog {
  logStartOffset(): number;
  logEndOffset(): number;
  /** Validate (CRC, sizes, producer sequence) and append producer batches as leader. Throws LogError. */
  appendAsLeader(records: Buffer, leaderEpoch: number): AppendResult;
  /**
   * Whole batches from the one containing `offset`, below `maxOffset`, up to `maxBytes`; when
   * `minOneBatch`, at least the first batch even if it is larger than `maxBytes`.
   */
  read(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): ReadResult;
  /** Append a leader's batches as they are (offsets, epochs, producer state kept). Throws LogError. */
  appendAsFollower(records: Buffer): AppendResult;
  /** Remove every record at or above `offset` (divergent tail of a former leader). */
  truncateTo(offset: number): number;
  /** Drop everything and start the log empty at `offset` (the leader no longer has what we had). */
  truncateFullyAndStartAt(offset: number): void;
  /** Follow the leader's log start offset (DeleteRecords, retention) without deleting past our end. */
  maybeIncrementLogStartOffset(offset: number): void;
  /** Latest leader epoch in this log (-1 when empty) and the end offset of an epoch (OffsetForLeaderEpoch). */
  latestEpoch(): number;
  endOffsetForEpoch(epoch: number): { leaderEpoch: number; endOffset: number };
  /** DeleteRecords: advance the log start offset to `offset` (<= log end); returns the new log start. Throws LogError. */
  deleteRecordsBefore(offset: number): number;
  /** First offset whose timestamp is >= ts (ListOffsets), or null when none. */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null;
  sizeBytes(): number;
  numSegments(): number;
  /** First offset of the oldest open transaction, -1 when none (bounds the last stable offset). */
  firstUnstableOffset(): number;
  /** Every producer the partition keeps state for, with its open transaction (DescribeProducers). */
  activeProducers(): ActiveProducer[];
  /** The epoch of the producer's transaction open on this partition, -1 when none (KIP-890 verification). */
  openTransactionEpoch?(producerId: number): number;
  /** Producer ids in the partition's producer state (ProducerIdCount). */
  producerIdCount?(): number;
  /** Aborted transactions overlapping [from, to) (read_committed fetches). */
  abortedTransactions(from: number, to: number): { producerId: number; firstOffset: number }[];
}
