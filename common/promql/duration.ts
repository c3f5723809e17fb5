// Prometheus durations (15m, 1m30s, 500ms, 30d) in seconds. Pure module: no imports, no I/O.

const unitSeconds: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/** Seconds of a Prometheus duration such as 15m, 1m30s or 500ms (the sum of its parts). */
export function promDurationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * unitSeconds[m[2]];
  return total;
}
