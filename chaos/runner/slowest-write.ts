// The drill's slowest send and the fault windows it overlapped: a failed "max<N" write threshold
// then names the fault behind it instead of leaving the reader to guess from the timeline.
import type { Slowest } from '../load/k6-metrics.js';
import type { FaultWindow } from '../verify/alerts.js';

export interface SlowestWrite {
  seconds: number;
  startedAtMs: number;
  /** Start of the write, in ms after the drill started. */
  offsetMs: number;
  /** Faults active at any moment of the write. */
  faults: string[];
}

export function slowestWriteIn(w: Slowest, windows: FaultWindow[], drillStartMs: number): SlowestWrite {
  const endMs = w.startedAtMs + w.seconds * 1000;
  const faults = windows
    .filter((f) => f.injectedAt !== undefined && f.injectedAt <= endMs && (f.rolledBackAt ?? Infinity) >= w.startedAtMs)
    .map((f) => f.fault);
  return {
    seconds: w.seconds,
    startedAtMs: w.startedAtMs,
    offsetMs: Math.max(0, w.startedAtMs - drillStartMs),
    faults,
  };
}

/** "slowest write 42.0 s from +26.1 s, overlapping f5-quorum" */
export function describeSlowestWrite(w: SlowestWrite): string {
  return `slowest write ${w.seconds.toFixed(1)} s from +${(w.offsetMs / 1000).toFixed(1)} s, ${w.faults.length ? `overlapping ${w.faults.join(', ')}` : 'outside every fault window'}`;
}
