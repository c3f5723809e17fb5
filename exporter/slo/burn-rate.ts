// The exporter's own burn-rate estimate from in-memory counter history, for users without rule
// evaluation. Same definition as the recording rules the alerts part generates:
//   error ratio over w = increase(errors[w]) / increase(events[w]),  burn rate = ratio / (1 - objective)
// History is memory only: after a restart the windows refill (the Prometheus rules are the
// durable path). A window that is not yet covered by history uses what is there (like
// Prometheus' rate() over a range with fewer samples); with no events in the window it is 0.

import { durationSeconds, errorRatioWindows, burnRateOf } from '../../common/index.js';

/**
 * The standard windows (5m, 30m, 1h, 2h, 6h, 1d, 3d) in seconds, from the shared table
 * (common/slo/) so the exporter's estimate and the generated recording rules cover the same windows.
 */
const standardWindows = errorRatioWindows.map((name) => ({ name, seconds: durationSeconds(name) }));
export type BurnRateWindowName = string;

interface CounterSample {
  timeMs: number;
  events: number;
  errors: number;
}

/** Cumulative SLI counters of one SLO plus the history needed for the longest window. */
export class SliAccount {
  private eventsTotal = 0;
  private errorsTotal = 0;
  private readonly history: CounterSample[] = [];

  constructor(
    readonly objective: number,
    private readonly keepMs = standardWindows[standardWindows.length - 1].seconds * 1000,
    /** Minimum spacing of history samples; bounds memory for the 3-day window. */
    private readonly sampleEveryMs = 10_000,
  ) {
    if (!(objective > 0 && objective < 1))
      throw new Error(`SLO objective must be between 0 and 1 (exclusive), got ${objective}`);
  }

  /** Count `events` SLI events of which `errors` were bad. */
  record(events: number, errors: number, nowMs: number): void {
    if (events < 0 || errors < 0 || errors > events)
      throw new Error(`invalid SLI increment: ${errors} errors of ${events} events`);
    // Samples hold the totals after the increments at their time, so a window (from, now]
    // excludes what happened exactly at `from`, like Prometheus' increase().
    if (this.history.length === 0) this.history.push({ timeMs: nowMs - 1, events: 0, errors: 0 });
    this.eventsTotal += events;
    this.errorsTotal += errors;
    this.sample(nowMs);
  }

  totals(): { events: number; errors: number } {
    return { events: this.eventsTotal, errors: this.errorsTotal };
  }

  /** Take a history sample (also called on each collection so idle periods are covered). */
  sample(nowMs: number): void {
    const last = this.history[this.history.length - 1];
    // Window bases only need one sample per `sampleEveryMs`: the current totals are always exact.
    if (!last || nowMs - last.timeMs >= this.sampleEveryMs)
      this.history.push({ timeMs: nowMs, events: this.eventsTotal, errors: this.errorsTotal });
    while (this.history.length > 2 && this.history[1].timeMs <= nowMs - this.keepMs) this.history.shift();
  }

  /** Error ratio over the last `windowSeconds`. */
  errorRatio(windowSeconds: number, nowMs: number): number {
    if (this.history.length === 0) return 0;
    const from = nowMs - windowSeconds * 1000;
    // The newest sample at or before the window start; the oldest one when history is shorter.
    let base = this.history[0];
    for (const s of this.history) {
      if (s.timeMs <= from) base = s;
      else break;
    }
    const events = this.eventsTotal - base.events;
    const errors = this.errorsTotal - base.errors;
    return events > 0 ? errors / events : 0;
  }

  burnRate(windowSeconds: number, nowMs: number): number {
    return burnRateOf(this.errorRatio(windowSeconds, nowMs), this.objective);
  }

  /** Burn rate for every standard window. */
  burnRates(nowMs: number): { window: BurnRateWindowName; burnRate: number }[] {
    return standardWindows.map((w) => ({ window: w.name, burnRate: this.burnRate(w.seconds, nowMs) }));
  }
}
