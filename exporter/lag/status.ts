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

export const PartitionStatus = { OK: 1, WARN: 2, STOP: 4, STALL: 5, REWIND: 6 } as const;
export type PartitionStatus = (typeof PartitionStatus)[keyof typeof PartitionStatus];
export const GroupStatus = { NOTFOUND: 0, OK: 1, WARN: 2, ERR: 3 } as const;
export type GroupStatus = (typeof GroupStatus)[keyof typeof GroupStatus];

export interface CommitObservation {
  offset: number;
  lag: number;
  timeMs: number;
}

export interface PartitionStatusInput {
  /** Oldest first, at most the configured window length (default 10). */
  window: readonly CommitObservation[];
  currentLag: number;
  /** True when a live member of the group has this partition assigned. */
  ownedByMember: boolean;
  /** Minimum number of observations before anything but OK is reported (Burrow's completeness). */
  minObservations?: number;
}

export function evaluatePartitionStatus(input: PartitionStatusInput): PartitionStatus {
  const { window, currentLag } = input;
  const minObs = input.minObservations ?? 2;
  if (currentLag <= 0 || window.length < Math.max(2, minObs)) return PartitionStatus.OK;
  const offsetsNeverMoved = window.every((o) => o.offset === window[0].offset);
  const lagWasZero = window.some((o) => o.lag === 0);
  if (offsetsNeverMoved && !input.ownedByMember && !lagWasZero) return PartitionStatus.STOP;
  if (lagWasZero) return PartitionStatus.OK;
  for (let i = 1; i < window.length; i++) if (window[i].offset < window[i - 1].offset) return PartitionStatus.REWIND;
  if (offsetsNeverMoved) return PartitionStatus.STALL;
  let lagNeverDecreased = true;
  for (let i = 1; i < window.length; i++) if (window[i].lag < window[i - 1].lag) lagNeverDecreased = false;
  return lagNeverDecreased ? PartitionStatus.WARN : PartitionStatus.OK;
}

/** Group status: NOTFOUND without any known partition; otherwise the worst partition decides. */
export function evaluateGroupStatus(found: boolean, partitions: readonly PartitionStatus[]): GroupStatus {
  if (!found) return GroupStatus.NOTFOUND;
  let status: GroupStatus = GroupStatus.OK;
  for (const p of partitions) {
    if (p === PartitionStatus.STOP || p === PartitionStatus.STALL || p === PartitionStatus.REWIND) return GroupStatus.ERR;
    if (p === PartitionStatus.WARN) status = GroupStatus.WARN;
  }
  return status;
}

/** Sliding window of observations per (group, topic, partition). */
export class CommitWindow {
  private readonly obs: CommitObservation[] = [];
  constructor(private readonly size = 10) {}
  push(o: CommitObservation): void {
    this.obs.push(o);
    if (this.obs.length > this.size) this.obs.splice(0, this.obs.length - this.size);
  }
  observations(): readonly CommitObservation[] {
    return this.obs;
  }
}
