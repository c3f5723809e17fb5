// State the collector keeps between cycles for one cluster: end-offset history per partition
// (lag seconds), commit windows per group-partition (status), and the record timestamps read at
// committed offsets (immutable per offset, so cached). Entries not seen for a while are dropped.
import { OffsetHistory } from '../lag/lag-seconds.js';
import { CommitWindow } from '../lag/status.js';

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
export const gtpKey = (group: string, topic: string, partition: number) => `${group}\u0000${topic}\u0000${partition}`;

interface Aged<T> {
  value: T;
  seenMs: number;
}

export class ClusterHistory {
  readonly offsets = new Map<string, Aged<OffsetHistory>>();
  readonly commits = new Map<string, Aged<CommitWindow>>();
  /** Record timestamp at a committed offset: key gtp -> { offset, timestampMs }. */
  readonly recordTimes = new Map<string, Aged<{ offset: number; timestampMs: number }>>();

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

  commitWindow(group: string, topic: string, partition: number, nowMs: number): CommitWindow {
    const k = gtpKey(group, topic, partition);
    let e = this.commits.get(k);
    if (!e) this.commits.set(k, (e = { value: new CommitWindow(this.statusWindow), seenMs: nowMs }));
    e.seenMs = nowMs;
    return e.value;
  }

  recordTime(group: string, topic: string, partition: number, offset: number): number | undefined {
    const e = this.recordTimes.get(gtpKey(group, topic, partition));
    return e && e.value.offset === offset ? e.value.timestampMs : undefined;
  }

  setRecordTime(group: string, topic: string, partition: number, offset: number, timestampMs: number, nowMs: number): void {
    this.recordTimes.set(gtpKey(group, topic, partition), { value: { offset, timestampMs }, seenMs: nowMs });
  }

  /** Drop entries not touched since `olderThanMs` (deleted topics and groups). */
  expire(olderThanMs: number): void {
    for (const m of [this.offsets, this.commits, this.recordTimes] as Map<string, Aged<unknown>>[]) {
      for (const [k, e] of m) if (e.seenMs < olderThanMs) m.delete(k);
    }
  }
}
