// State the collector keeps between cycles for one cluster: end-offset history per partition
// (lag seconds), and per group-partition the commit window (status) and the record timestamp
// read at the committed offset (immutable per offset, so cached). Entries not seen for a while
// are dropped. One entry per group-partition holds both (the window as a ring of numbers), so
// 20k group-partitions cost 20k small objects rather than the 300k they used to.
import { OffsetHistory } from '../lag/lag-seconds.js';
import { CommitWindow } from '../lag/status.js';

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
export const gtpKey = (group: string, topic: string, partition: number) => `${group}\u0000${topic}\u0000${partition}`;

interface Aged<T> {
  value: T;
  seenMs: number;
}

/** Everything kept for one group-partition. */
export class GroupPartitionHistory extends CommitWindow {
  seenMs: number;
  /** Committed offset whose record timestamp is known (-1: none). */
  recordOffset = -1;
  recordTimestampMs = 0;
  constructor(size: number, nowMs: number) {
    super(size);
    this.seenMs = nowMs;
  }
}

export class ClusterHistory {
  readonly offsets = new Map<string, Aged<OffsetHistory>>();
  readonly groupPartitions = new Map<string, GroupPartitionHistory>();

  constructor(
    private readonly statusWindow = 10,
    private readonly historyPoints = 16,
  ) {}

  offsetHistory(topic: string, partition: number, nowMs: number): OffsetHistory {
    const k = tpKey(topic, partition);
    let e = this.offsets.get(k);
    if (!e) this.offsets.set(k, (e = { value: new OffsetHistory(this.historyPoints), seenMs: nowMs }));
    e.seenMs = nowMs;
    return e.value;
  }

  private entry(group: string, topic: string, partition: number, nowMs: number): GroupPartitionHistory {
    const k = gtpKey(group, topic, partition);
    let e = this.groupPartitions.get(k);
    if (!e) this.groupPartitions.set(k, (e = new GroupPartitionHistory(this.statusWindow, nowMs)));
    return e;
  }

  /** The commit window and cached record timestamp of a group-partition, marked as seen now. */
  groupPartition(group: string, topic: string, partition: number, nowMs: number): GroupPartitionHistory {
    const e = this.entry(group, topic, partition, nowMs);
    e.seenMs = nowMs;
    return e;
  }

  commitWindow(group: string, topic: string, partition: number, nowMs: number): CommitWindow {
    const e = this.entry(group, topic, partition, nowMs);
    e.seenMs = nowMs;
    return e;
  }

  recordTime(group: string, topic: string, partition: number, offset: number): number | undefined {
    const e = this.groupPartitions.get(gtpKey(group, topic, partition));
    return e && e.recordOffset === offset ? e.recordTimestampMs : undefined;
  }

  setRecordTime(group: string, topic: string, partition: number, offset: number, timestampMs: number, nowMs: number): void {
    const e = this.entry(group, topic, partition, nowMs);
    e.recordOffset = offset;
    e.recordTimestampMs = timestampMs;
    e.seenMs = nowMs;
  }

  /** Drop entries not touched since `olderThanMs` (deleted topics and groups). */
  expire(olderThanMs: number): void {
    for (const [k, e] of this.offsets) if (e.seenMs < olderThanMs) this.offsets.delete(k);
    for (const [k, e] of this.groupPartitions) if (e.seenMs < olderThanMs) this.groupPartitions.delete(k);
  }
}
