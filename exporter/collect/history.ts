// State the collector keeps between cycles for one cluster: end-offset history per partition
// (lag seconds), and per group-partition the commit window (status) and the record timestamp
// read at the committed offset (immutable per offset, so cached). Entries not seen for a while
// are dropped.
//
// Memory at scale (20k group-partitions): one entry per group-partition holds both the window (a
// ring of numbers) and the record time, and entries are found through nested maps (group ->
// topic -> array by partition number) rather than a `group\0topic\0partition` string per entry:
// no key string is kept per entry, and none is built per lookup each cycle.
import { OffsetHistory } from '../lag/lag-seconds.js';
import { CommitWindow } from '../lag/status.js';

/** Values by topic, then partition number (partitions are small dense integers). */
class ByPartition<T extends { seenMs: number }> {
  private readonly topics = new Map<string, (T | undefined)[]>();

  get(topic: string, partition: number): T | undefined {
    return this.topics.get(topic)?.[partition];
  }

  set(topic: string, partition: number, value: T): void {
    let parts = this.topics.get(topic);
    if (!parts) this.topics.set(topic, (parts = []));
    parts[partition] = value;
  }

  /** Drop values not seen since `olderThanMs`; true when nothing is left. */
  expire(olderThanMs: number): boolean {
    for (const [topic, parts] of this.topics) {
      let left = 0;
      for (let p = 0; p < parts.length; p++) {
        const v = parts[p];
        if (v === undefined) continue;
        if (v.seenMs < olderThanMs) parts[p] = undefined;
        else left++;
      }
      if (left === 0) this.topics.delete(topic);
    }
    return this.topics.size === 0;
  }

  get size(): number {
    let n = 0;
    for (const parts of this.topics.values()) for (const v of parts) if (v !== undefined) n++;
    return n;
  }
}

class AgedOffsetHistory extends OffsetHistory {
  constructor(
    points: number,
    public seenMs: number,
  ) {
    super(points);
  }
}

/** Everything kept for one group-partition. */
export class GroupPartitionHistory extends CommitWindow {
  /** Committed offset whose record timestamp is known (-1: none). */
  recordOffset = -1;
  recordTimestampMs = 0;
  constructor(
    size: number,
    public seenMs: number,
  ) {
    super(size);
  }
}

export class ClusterHistory {
  private readonly offsets = new ByPartition<AgedOffsetHistory>();
  private readonly groups = new Map<string, ByPartition<GroupPartitionHistory>>();

  constructor(
    private readonly statusWindow = 10,
    private readonly historyPoints = 16,
    /**
     * A group-partition not seen for this long starts a new window (fleet mode: a group that
     * moved away and back must not compare commits from before and after its absence).
     */
    private readonly windowGapMs = Infinity,
  ) {}

  offsetHistory(topic: string, partition: number, nowMs: number): OffsetHistory {
    let e = this.offsets.get(topic, partition);
    if (!e) this.offsets.set(topic, partition, (e = new AgedOffsetHistory(this.historyPoints, nowMs)));
    e.seenMs = nowMs;
    return e;
  }

  /** The commit window and cached record timestamp of a group-partition, marked as seen now. */
  groupPartition(group: string, topic: string, partition: number, nowMs: number): GroupPartitionHistory {
    let byPartition = this.groups.get(group);
    if (!byPartition) this.groups.set(group, (byPartition = new ByPartition()));
    let e = byPartition.get(topic, partition);
    if (!e) byPartition.set(topic, partition, (e = new GroupPartitionHistory(this.statusWindow, nowMs)));
    else if (nowMs - e.seenMs > this.windowGapMs) e.clear();
    e.seenMs = nowMs;
    return e;
  }

  commitWindow(group: string, topic: string, partition: number, nowMs: number): CommitWindow {
    return this.groupPartition(group, topic, partition, nowMs);
  }

  recordTime(group: string, topic: string, partition: number, offset: number): number | undefined {
    const e = this.groups.get(group)?.get(topic, partition);
    return e && e.recordOffset === offset ? e.recordTimestampMs : undefined;
  }

  setRecordTime(
    group: string,
    topic: string,
    partition: number,
    offset: number,
    timestampMs: number,
    nowMs: number,
  ): void {
    const e = this.groupPartition(group, topic, partition, nowMs);
    e.recordOffset = offset;
    e.recordTimestampMs = timestampMs;
  }

  /** Drop entries not touched since `olderThanMs` (deleted topics and groups). */
  expire(olderThanMs: number): void {
    this.offsets.expire(olderThanMs);
    for (const [group, byPartition] of this.groups) if (byPartition.expire(olderThanMs)) this.groups.delete(group);
  }

  /** Entries kept: partitions with offset history, group-partitions with a window (tests, debugging). */
  get sizes(): { partitions: number; groupPartitions: number } {
    let groupPartitions = 0;
    for (const g of this.groups.values()) groupPartitions += g.size;
    return { partitions: this.offsets.size, groupPartitions };
  }
}
