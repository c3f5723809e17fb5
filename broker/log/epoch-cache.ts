// Leader epoch -> start offset, persisted as Kafka's `leader-epoch-checkpoint`. Replication uses it to
// answer OffsetForLeaderEpoch and to truncate a returning follower's divergent tail.
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export class LeaderEpochCache {
  entries: EpochEntry[] = [];
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, 'leader-epoch-checkpoint');
    for (const line of readCheckpoint(this.path)) {
      const [e, o] = line.split(' ').map(Number);
      if (Number.isInteger(e) && Number.isInteger(o)) this.entries.push({ epoch: e, startOffset: o });
    }
  }

  latestEpoch(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1].epoch : -1;
  }

  /** Records that `epoch` starts at `startOffset` (only when the epoch grows). */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || epoch <= this.latestEpoch()) return;
    this.entries.push({ epoch, startOffset });
    this.persist();
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= `epoch` and its end offset (start of the next epoch, or
   * the log end offset for the latest epoch). { -1, -1 } when no epoch at or below it is known.
   */
  endOffsetFor(epoch: number, logEndOffset: number): { leaderEpoch: number; endOffset: number } {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].epoch <= epoch) {
        const next = this.entries[i + 1];
        return { leaderEpoch: this.entries[i].epoch, endOffset: next ? next.startOffset : logEndOffset };
      }
    }
    return { leaderEpoch: -1, endOffset: -1 };
  }

  /** Drops epochs starting at or after `offset` (truncation of the log end). */
  truncateFromEnd(offset: number): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.startOffset < offset);
    if (this.entries.length !== before) this.persist();
  }

  /** Moves the first epoch's start up to the log start offset (retention). */
  truncateFromStart(offset: number): void {
    let changed = false;
    while (this.entries.length > 1 && this.entries[1].startOffset <= offset) {
      this.entries.shift();
      changed = true;
    }
    if (this.entries.length > 0 && this.entries[0].startOffset < offset) {
      this.entries[0] = { epoch: this.entries[0].epoch, startOffset: offset };
      changed = true;
    }
    if (changed) this.persist();
  }

  clear(): void {
    this.entries = [];
    this.persist();
  }

  persist(): void {
    writeCheckpoint(
      this.path,
      this.entries.map((e) => `${e.epoch} ${e.startOffset}`),
    );
  }
}
