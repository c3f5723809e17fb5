// Burrow-style lag status over a sliding window of commit observations (Burrow's evaluator
// rules, re-expressed for a polling exporter; numbers as Burrow's StatusConstant).
//
// Burrow reads every commit from __consumer_offsets with its commit timestamp. An exporter only
// sees the committed offset at each collection (OffsetFetch carries no commit time), so the
// window holds one observation per collection: (committed offset, lag at that time, time).
// Consequences, documented in exporter/README.md:
// - Burrow's "stopped" rule (now - last commit > span of the window) cannot see commit times.
//   We call a partition STOP when the committed offset did not move over the whole window, it
//   still has lag, no live member of the group owns it, and the end offset was not at or below
//   the committed offset at any time in the window (Burrow's "recent lag zero" grace).
// - STALL is the same picture with a member still assigned (alive but not making progress).
// Rule order (worst first, first match wins), only when the current lag is > 0:
//   STOP -> (skip the rest if the lag was 0 anywhere in the window) -> REWIND -> STALL -> WARN.

import { GroupStatus, PartitionStatus } from '../../common/metrics/index.js';

export interface CommitObservation {
  offset: number;
  lag: number;
  timeMs?: number;
}

/** Observations by index, oldest first: an array of them, or a CommitWindow (no object per observation). */
export interface ObservationSeries {
  readonly length: number;
  offsetAt(i: number): number;
  lagAt(i: number): number;
}

export interface PartitionStatusInput {
  /** Oldest first, at most the configured window length (default 10). */
  window: readonly CommitObservation[] | ObservationSeries;
  currentLag: number;
  /** True when a live member of the group has this partition assigned. */
  ownedByMember: boolean;
  /** Minimum number of observations before anything but OK is reported (Burrow's completeness). */
  minObservations?: number;
}

const seriesOf = (w: readonly CommitObservation[] | ObservationSeries): ObservationSeries =>
  Array.isArray(w)
    ? {
        length: w.length,
        offsetAt: (i) => (w as readonly CommitObservation[])[i].offset,
        lagAt: (i) => (w as readonly CommitObservation[])[i].lag,
      }
    : (w as ObservationSeries);

export function evaluatePartitionStatus(input: PartitionStatusInput): PartitionStatus {
  const { currentLag } = input;
  const w = seriesOf(input.window);
  const n = w.length;
  const minObs = input.minObservations ?? 2;
  if (currentLag <= 0 || n < Math.max(2, minObs)) return PartitionStatus.OK;
  let offsetsNeverMoved = true;
  let lagWasZero = false;
  for (let i = 0; i < n; i++) {
    if (w.offsetAt(i) !== w.offsetAt(0)) offsetsNeverMoved = false;
    if (w.lagAt(i) === 0) lagWasZero = true;
  }
  if (offsetsNeverMoved && !input.ownedByMember && !lagWasZero) return PartitionStatus.STOP;
  if (lagWasZero) return PartitionStatus.OK;
  for (let i = 1; i < n; i++) if (w.offsetAt(i) < w.offsetAt(i - 1)) return PartitionStatus.REWIND;
  if (offsetsNeverMoved) return PartitionStatus.STALL;
  let lagNeverDecreased = true;
  for (let i = 1; i < n; i++) if (w.lagAt(i) < w.lagAt(i - 1)) lagNeverDecreased = false;
  return lagNeverDecreased ? PartitionStatus.WARN : PartitionStatus.OK;
}

/** Group status: NOTFOUND without any known partition; otherwise the worst partition decides. */
export function evaluateGroupStatus(found: boolean, partitions: readonly PartitionStatus[]): GroupStatus {
  if (!found) return GroupStatus.NOTFOUND;
  let status: GroupStatus = GroupStatus.OK;
  for (const p of partitions) {
    if (p === PartitionStatus.STOP || p === PartitionStatus.STALL || p === PartitionStatus.REWIND)
      return GroupStatus.ERR;
    if (p === PartitionStatus.WARN) status = GroupStatus.WARN;
  }
  return status;
}

/**
 * Sliding window of observations per (group, topic, partition): a ring of (offset, lag) pairs in
 * one number array. An exporter holds one per group-partition (20k at the benchmark's scale), so
 * an object per observation (200k objects, each with a boxed timestamp) was most of its
 * long-lived heap; the status rules need only offsets and lags.
 */
export class CommitWindow implements ObservationSeries {
  private readonly pairs: number[];
  private start = 0;
  length = 0;
  constructor(private readonly size = 10) {
    this.pairs = new Array<number>(2 * size).fill(0);
  }
  push(o: CommitObservation): void {
    const slot = (this.start + this.length) % this.size;
    this.pairs[2 * slot] = o.offset;
    this.pairs[2 * slot + 1] = o.lag;
    if (this.length < this.size) this.length++;
    else this.start = (this.start + 1) % this.size;
  }
  offsetAt(i: number): number {
    return this.pairs[2 * ((this.start + i) % this.size)];
  }
  lagAt(i: number): number {
    return this.pairs[2 * ((this.start + i) % this.size) + 1];
  }
  /** Forget every observation (a window with a gap in it would compare commits far apart). */
  clear(): void {
    this.start = 0;
    this.length = 0;
  }
  /** The observations as objects, oldest first (tests, debugging). */
  observations(): CommitObservation[] {
    return Array.from({ length: this.length }, (_, i) => ({ offset: this.offsetAt(i), lag: this.lagAt(i) }));
  }
}
