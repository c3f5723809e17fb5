// While the drill runs, every steadyState.interval: the `during` probes and the spec's
// safety.abortWhen conditions. Either can stop the drill (AbortDrill) before it does real harm:
// probes after abortOnProbeFailures failures in a row, a condition after holding `consecutive`
// times in a row.
import { prometheusCheck } from '../probes.js';
import { AbortDrill, type Drill } from './drill.js';
import { probe, probesFor } from './steady-state.js';

export class SafetyWatch {
  private probeFailures = 0;
  private readonly abortCounts = new Map<string, number>();
  private nextCheckAt: number;

  /** t0: when the observe loop began (the first check is one interval later). */
  constructor(
    private readonly d: Drill,
    t0: number,
  ) {
    this.nextCheckAt = t0 + d.spec.steadyState.interval;
  }

  /** Check when an interval has passed since the last check; throws AbortDrill to stop the drill. */
  async checkIfDue(): Promise<void> {
    const { d } = this;
    if (Date.now() < this.nextCheckAt) return;
    this.nextCheckAt += d.spec.steadyState.interval;
    for (const p of probesFor(d, 'during')) {
      const r = await probe(d, p, 'during');
      this.probeFailures = r.ok ? 0 : this.probeFailures + 1;
      if (d.spec.safety.abortOnProbeFailures > 0 && this.probeFailures >= d.spec.safety.abortOnProbeFailures)
        throw new AbortDrill(`probe ${p.name} failed ${this.probeFailures} times in a row: ${r.detail}`);
    }
    for (const c of d.spec.safety.abortWhen) {
      const r = await prometheusCheck(d.prom, c.name, { ...c, ifEmpty: 'pass' });
      // Unanswered, the condition cannot be evaluated: journaled (and counted by the poller).
      if (r.inconclusive) d.journal.add('abort-condition-unavailable', { condition: c.name, detail: r.detail });
      // The condition describes the danger: "true" means abort.
      const n = r.ok ? (this.abortCounts.get(c.name) ?? 0) + 1 : 0;
      this.abortCounts.set(c.name, n);
      if (n >= c.consecutive) throw new AbortDrill(`abort condition ${c.name} held ${n} times in a row: ${r.detail}`);
    }
  }
}
