// Verification of alert expectations from what the runner observed: a series of polls of
// Prometheus' /api/v1/alerts, and when each fault was injected and rolled back. Pure functions,
// so the rules (what counts as detected, recovered, too late) are unit-tested on their own.
// Times are the runner's poll times: time-to-detect is precise to one poll interval.

export interface ObservedAlert {
  name: string;
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

export interface AlertPoll {
  at: number;
  alerts: ObservedAlert[];
}

export interface FaultWindow {
  fault: string;
  injectedAt?: number;
  rolledBackAt?: number;
}

export interface AlertRule {
  alert: string;
  labels: Record<string, string>;
}

export interface AlertExpectationResult {
  kind: 'fires';
  alert: string;
  labels: Record<string, string>;
  fault: string;
  passed: boolean;
  /** Final when the outcome cannot change any more (resolved, or a deadline passed). */
  settled: boolean;
  reason: string;
  firedAt?: number;
  resolvedAt?: number;
  /** Time to detect: first firing poll - injection. */
  ttdMs?: number;
  /** Time to recover: first poll without the alert after rollback - rollback. */
  ttrMs?: number;
  fireWithinMs: number;
  resolveWithinMs: number;
}

export interface MustNotFireResult {
  kind: 'silent';
  alert: string;
  labels: Record<string, string>;
  passed: boolean;
  reason: string;
  firedAt?: number;
}

export function matches(a: ObservedAlert, rule: AlertRule): boolean {
  if (a.name !== rule.alert) return false;
  for (const [k, v] of Object.entries(rule.labels)) if (a.labels[k] !== v) return false;
  return true;
}

const firing = (p: AlertPoll, rule: AlertRule) => p.alerts.some((a) => a.state === 'firing' && matches(a, rule));

export function evaluateFires(
  exp: AlertRule & { fireWithin: number; resolveWithin: number },
  polls: readonly AlertPoll[],
  window: FaultWindow,
  now: number,
): AlertExpectationResult {
  const base = { kind: 'fires' as const, alert: exp.alert, labels: exp.labels, fault: window.fault, fireWithinMs: exp.fireWithin, resolveWithinMs: exp.resolveWithin };
  const fail = (reason: string, settled: boolean, extra: Partial<AlertExpectationResult> = {}) => ({ ...base, passed: false, settled, reason, ...extra });
  const { injectedAt, rolledBackAt } = window;
  if (injectedAt === undefined) return fail(`fault ${window.fault} was never injected`, true);
  // Dirty only if still firing at the last poll before the fault: in a multi-fault drill the same
  // alert may have fired and resolved for an earlier fault (F8: long pause, then a short one).
  const before = polls.findLast((p) => p.at < injectedAt);
  if (before && firing(before, exp)) return fail(`already firing before the fault was injected (at ${new Date(before.at).toISOString()}): the steady state was not clean`, true);
  const fireDeadline = injectedAt + exp.fireWithin;
  const fired = polls.find((p) => p.at >= injectedAt && firing(p, exp));
  if (!fired || fired.at > fireDeadline) {
    if (fired) return fail(`fired ${fired.at - injectedAt} ms after the fault, later than fireWithin ${exp.fireWithin} ms`, true, { firedAt: fired.at, ttdMs: fired.at - injectedAt });
    const settled = now > fireDeadline;
    return fail(settled ? `did not fire within ${exp.fireWithin} ms of the fault` : 'waiting for the alert to fire', settled);
  }
  const detected = { firedAt: fired.at, ttdMs: fired.at - injectedAt };
  if (rolledBackAt === undefined) return fail('fired; the fault was not rolled back yet', false, detected);
  const resolveDeadline = rolledBackAt + exp.resolveWithin;
  const resolved = polls.find((p) => p.at >= rolledBackAt && p.at >= fired.at && !firing(p, exp));
  if (!resolved || resolved.at > resolveDeadline) {
    if (resolved) return fail(`resolved ${resolved.at - rolledBackAt} ms after rollback, later than resolveWithin ${exp.resolveWithin} ms`, true, { ...detected, resolvedAt: resolved.at, ttrMs: resolved.at - rolledBackAt });
    const settled = now > resolveDeadline;
    return fail(settled ? `still firing ${exp.resolveWithin} ms after rollback` : 'waiting for the alert to resolve', settled, detected);
  }
  return { ...base, passed: true, settled: true, reason: 'fired and resolved in time', ...detected, resolvedAt: resolved.at, ttrMs: resolved.at - rolledBackAt };
}

export function evaluateMustNotFire(rule: AlertRule, polls: readonly AlertPoll[]): MustNotFireResult {
  const hit = polls.find((p) => firing(p, rule));
  const base = { kind: 'silent' as const, alert: rule.alert, labels: rule.labels };
  return hit ? { ...base, passed: false, reason: `fired at ${new Date(hit.at).toISOString()}`, firedAt: hit.at } : { ...base, passed: true, reason: 'never fired' };
}

/** Which alerts fired during the drill, with first and last firing poll (for the timeline). */
export function alertTimeline(polls: readonly AlertPoll[]): { name: string; labels: Record<string, string>; from: number; to: number }[] {
  const spans = new Map<string, { name: string; labels: Record<string, string>; from: number; to: number }>();
  const out: { name: string; labels: Record<string, string>; from: number; to: number }[] = [];
  for (const p of polls) {
    const seen = new Set<string>();
    for (const a of p.alerts) {
      if (a.state !== 'firing') continue;
      const key = `${a.name}${JSON.stringify(a.labels)}`;
      seen.add(key);
      const s = spans.get(key);
      if (s) s.to = p.at;
      else spans.set(key, { name: a.name, labels: a.labels, from: p.at, to: p.at });
    }
    for (const [key, s] of spans) {
      if (!seen.has(key)) {
        out.push(s);
        spans.delete(key);
      }
    }
  }
  return [...out, ...spans.values()].sort((a, b) => a.from - b.from);
}
