// Lag in seconds: how old the oldest unconsumed record (the one at the committed offset) is.
//
// Sources, best first:
// 1. `record`: the timestamp of the record at the committed offset, read from the partition
//    (exact; what kafka-lag-exporter cannot do). The reader caches it per committed offset.
// 2. `interpolated`: the write time of that record estimated from (offset, time) points. A point
//    says "the end offset was `offset` from `firstSeenMs` to `lastSeenMs`" (high-watermark samples
//    taken by the collector) or "records from `offset` on have timestamps >= t" (ListOffsets by
//    timestamp anchors, firstSeen = lastSeen = t). Record r was therefore written after the
//    lastSeen of the last point with offset <= r and at or before the firstSeen of the first point
//    with offset > r; we interpolate linearly inside that bracket.
// 3. `lower-bound`: the committed offset is older than every point (replay from 0 right after
//    the exporter started): the record is at least as old as the oldest point, so we report that
//    age. It grows with wall time like the true value, never jumps, never goes negative.
// The estimate for a fixed committed offset only depends on points that never change once
// recorded, so it rises exactly with wall time and has no saw-tooth from the poll interval; a
// caught-up consumer (committed >= end offset) is 0 however long the topic stays idle.

export interface OffsetTimePoint {
  offset: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export type LagSecondsMethod = 'caught-up' | 'record' | 'interpolated' | 'lower-bound';

export interface LagSecondsEstimate {
  seconds: number;
  method: LagSecondsMethod;
}

export interface LagSecondsInput {
  /** Committed offset after lifting to the log start (see offset-lag.ts). */
  committed: number;
  highWatermark: number;
  nowMs: number;
  /** Timestamp of the record at `committed`, when it could be read. */
  recordTimestampMs?: number;
  /** Points sorted by offset (OffsetHistory.points()). */
  points: readonly OffsetTimePoint[];
}

export function estimateLagSeconds(input: LagSecondsInput): LagSecondsEstimate {
  const { committed, highWatermark, nowMs, points } = input;
  if (committed >= highWatermark) return { seconds: 0, method: 'caught-up' };
  const age = (t: number) => Math.max(0, (nowMs - t) / 1000);
  if (input.recordTimestampMs !== undefined && input.recordTimestampMs > 0)
    return { seconds: age(input.recordTimestampMs), method: 'record' };
  // Upper bracket: first point whose offset is above the committed record.
  let upper = -1;
  for (let i = 0; i < points.length; i++) {
    if (points[i].offset > committed) {
      upper = i;
      break;
    }
  }
  // The end offset itself is a point "now" when no sample is above the record yet.
  const up = upper >= 0 ? points[upper] : { offset: highWatermark, firstSeenMs: nowMs, lastSeenMs: nowMs };
  const lowIdx = upper >= 0 ? upper - 1 : points.length - 1;
  if (lowIdx < 0 || points[lowIdx].offset > committed) return { seconds: age(up.firstSeenMs), method: 'lower-bound' };
  const low = points[lowIdx];
  const span = up.offset - low.offset;
  const from = Math.min(low.lastSeenMs, up.firstSeenMs);
  const fraction = span > 0 ? (committed - low.offset + 1) / span : 1;
  const written = from + fraction * (up.firstSeenMs - from);
  return { seconds: age(Math.min(written, nowMs)), method: 'interpolated' };
}

/**
 * Per-partition (offset, time) history: one point per distinct high watermark, bounded in size.
 * When full, the two neighbours closest in time are merged, so recent detail and old reach are
 * both kept.
 */
export class OffsetHistory {
  private readonly pts: OffsetTimePoint[] = [];

  constructor(private readonly maxPoints = 16) {
    if (maxPoints < 3) throw new Error('OffsetHistory needs at least 3 points');
  }

  /** Record that the partition's end offset was `offset` at `timeMs`. */
  observe(offset: number, timeMs: number): void {
    const last = this.pts[this.pts.length - 1];
    if (last && offset === last.offset) {
      last.lastSeenMs = Math.max(last.lastSeenMs, timeMs);
      return;
    }
    if (last && offset < last.offset) {
      // The end went backwards (topic recreated, truncation): older points no longer describe it.
      this.pts.length = 0;
    }
    this.pts.push({ offset, firstSeenMs: timeMs, lastSeenMs: timeMs });
    this.compact();
  }

  /** Add a ListOffsets-by-timestamp anchor: records from `offset` on have timestamps >= timeMs. */
  anchor(offset: number, timeMs: number): void {
    if (this.pts.some((p) => p.offset === offset)) return;
    const i = this.pts.findIndex((p) => p.offset > offset);
    const pt = { offset, firstSeenMs: timeMs, lastSeenMs: timeMs };
    if (i < 0) this.pts.push(pt);
    else this.pts.splice(i, 0, pt);
    this.compact();
  }

  /** Forget points for records retention removed, keeping one at or below the log start. */
  trimBelow(logStartOffset: number): void {
    let keepFrom = 0;
    for (let i = 0; i < this.pts.length; i++) if (this.pts[i].offset <= logStartOffset) keepFrom = i;
    if (keepFrom > 0) this.pts.splice(0, keepFrom);
  }

  points(): readonly OffsetTimePoint[] {
    return this.pts;
  }

  private compact(): void {
    while (this.pts.length > this.maxPoints) {
      // Merge the interior point whose neighbours are closest in time: least information lost.
      let best = 1;
      let bestGap = Infinity;
      for (let i = 1; i < this.pts.length - 1; i++) {
        const gap = this.pts[i + 1].firstSeenMs - this.pts[i - 1].lastSeenMs;
        if (gap < bestGap) {
          bestGap = gap;
          best = i;
        }
      }
      this.pts.splice(best, 1);
    }
  }
}
