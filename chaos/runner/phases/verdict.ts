// The run's end. A run that got through: its verdict (passed, failed or aborted) goes into the
// journal and the outcome the reports are written from. A run error: the error carries the journal
// (the only report written then) and names any fault left injected.
import type { Journal } from '../journal.js';
import { describeLeftBehind } from '../left-behind.js';
import type { RunOutcome } from '../run-types.js';
import type { Drill } from './drill.js';
import type { ExpectationVerdicts } from './expectations.js';
import type { LoadVerdict } from './load-verdict.js';

export interface Verdicts extends ExpectationVerdicts, Partial<LoadVerdict> {
  /** Why the drill stopped early (AbortDrill), if it did. */
  abortReason?: string;
}

export function finishRun(d: Drill, v: Verdicts): RunOutcome {
  const { journal, probes, prom } = d;
  // A fault still injected comes first: it is what an operator must act on now.
  const leftLines = d.leftBehind.map(describeLeftBehind);
  const failures = [
    ...leftLines,
    ...v.alerts.filter((a) => !a.passed).map((a) => `${a.alert}: ${a.reason}`),
    ...v.silent.filter((s) => !s.passed).map((s) => `${s.alert} must not fire: ${s.reason}`),
    ...v.notified.filter((n) => !n.passed).map((n) => `${n.alert} -> ${n.receiver}: ${n.reason}`),
    ...(v.data && !v.data.passed ? [`data: ${v.data.reason}`] : []),
    ...(v.load?.failedThresholds ?? []).map((t) => `threshold ${t}`),
    ...probes.after.filter((r) => !r.ok).map((r) => `steady state after: ${r.probe}: ${r.detail}`),
  ];
  if (v.abortReason) journal.finish('aborted', [...leftLines, v.abortReason].join('; '));
  else if (failures.length) journal.finish('failed', failures.join('; '));
  else journal.finish('passed');
  return {
    journal,
    spec: d.spec,
    faults: d.windows,
    probes,
    polls: d.polls,
    leftBehind: d.leftBehind,
    prometheus: { url: prom.url, ...prom.account() },
    poller: prom,
    windowStartMs: journal.startedAtMs,
    windowEndMs: journal.endedAtMs ?? Date.now(),
    target: d.target,
    alerts: v.alerts,
    silent: v.silent,
    notified: v.notified,
    data: v.data,
    load: v.load,
    exitCode: journal.status === 'passed' ? 0 : 1,
  };
}

/** A run error, ready to throw: it names any fault left injected and carries the journal. */
export function failRun(d: Drill, e: unknown): unknown {
  const { journal, leftBehind } = d;
  // A run error with a fault still in: the error names it too (only the journal is written then).
  if (leftBehind.length && e instanceof Error)
    e.message = [e.message, ...leftBehind.map(describeLeftBehind)].join('; ');
  if (journal.status === 'running') journal.finish('error', (e as Error).message);
  (e as { journal?: Journal }).journal = journal;
  return e;
}
