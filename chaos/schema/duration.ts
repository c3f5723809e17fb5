// Durations in game-day specs are strings with a unit ("500ms", "30s", "2m", "1m30s", "1h"):
// a bare number would be ambiguous (seconds? milliseconds?), so it is rejected.
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Parse a duration; throws an Error whose message says what is wrong. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s.startsWith('-')) throw new Error(`negative duration ${JSON.stringify(text)}: durations must be >= 0`);
  if (s === '') throw new Error('empty duration: use e.g. "30s", "2m", "500ms"');
  if (s === '0') return 0;
  let ms = 0;
  part.lastIndex = 0;
  let at = 0;
  while (at < s.length) {
    part.lastIndex = at;
    const m = part.exec(s);
    if (!m)
      throw new Error(
        `bad duration ${JSON.stringify(text)}: use a number with a unit (ms, s, m, h), e.g. "30s", "2m", "1m30s"`,
      );
    ms += Number(m[1]) * unitMs[m[2]];
    at = part.lastIndex;
  }
  return Math.round(ms);
}

/** Format milliseconds back to the spec's notation (for plans and reports). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}
