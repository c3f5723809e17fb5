// Steady state, as in Chaos Toolkit's hypothesis: the probes that say the system is healthy,
// checked before the drill (a gate: no fault goes into a system that is already unwell), during it
// (see safety.ts) and after it (a verdict: the system came back).
import type { ProbeSpec } from '../../schema/schema.js';
import { runProbe, type ProbeResult } from '../probes.js';
import { AbortDrill, pollAlerts, type Drill } from './drill.js';

type When = 'before' | 'during' | 'after';

/** The spec's probes for one moment of the drill, in spec order. */
export function probesFor(d: Drill, when: When): ProbeSpec[] {
  return d.spec.steadyState.probes.filter((p) => p.when.includes(when));
}

/** Run one probe, keep its result for the report and journal it. */
export async function probe(d: Drill, p: ProbeSpec, when: When): Promise<ProbeResult> {
  const r = await runProbe(p, d.prom, d.target.bootstrapServers, d.target.sasl);
  d.probes[when].push(r);
  d.journal.add('probe', { phase: when, ...r });
  return r;
}

/**
 * The gate: every `before` probe must pass or the drill aborts with nothing injected. Then the
 * first alert poll, the baseline that tells an alert already firing from one a fault raised.
 */
export async function steadyStateBefore(d: Drill): Promise<void> {
  for (const p of probesFor(d, 'before')) await probe(d, p, 'before');
  const failedBefore = d.probes.before.filter((r) => !r.ok);
  if (failedBefore.length)
    throw new AbortDrill(
      `steady state not met before the drill: ${failedBefore.map((r) => `${r.probe}: ${r.detail}`).join('; ')}`,
    );
  await pollAlerts(d);
}

/** The `after` probes; a failed one fails the run (the verdict reads d.probes.after). */
export async function steadyStateAfter(d: Drill): Promise<void> {
  for (const p of probesFor(d, 'after')) await probe(d, p, 'after');
}
