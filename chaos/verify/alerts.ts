// Verification of alert expectations from what the runner observed: a series of polls of
// Prometheus' /api/v1/alerts, and when each fault was injected and rolled back. Pure functions,
// so the rules (what counts as detected, recovered, too late) are unit-tested on their own.
// Times are the runner's poll times: time-to-detect is precise to one poll interval.
// Failed polls are no evidence: a verdict that rests on the absence of an alert (did not fire, did
// not resolve, never fired) is FAIL "inconclusive" when polls in its window failed.
import { accountOf, describeInconclusive } from './prometheus-poller.js';

export type { AlertPoll, ObservedAlert } from './observe.js';
import type { AlertPoll, ObservedAlert } from './observe.js';

/** A poll of the alerts API that did not answer (Prometheus unreachable, timeout, error). */
export interface FailedPoll {
  at: number;
  error: string;
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
  /** Failed because polls in the deciding window failed: no evidence either way. */
  inconclusive?: boolean;
}

export interface MustNotFireResult {
  kind: 'silent';
  alert: string;
  labels: Record<string, string>;
  passed: boolean;
  reason: string;
  firedAt?: number;
  /** Never seen firing, but polls failed: no evidence that it did not fire. */
  inconclusive?: boolean;
}

export function matches(a: ObservedAlert, rule: AlertRule): boolean {
  if (a.name !== rule.alert) return false;
  for (const [k, v] of Object.entries(rule.labels)) if (a.labels[k] !== v) return false;
  return true;
}

const firing = (p: AlertPoll, rule: AlertRule) => p.alerts.some((a) => a.state === 'firing' && matches(a, rule));

type FiresExpectation = AlertRule & { fireWithin: number; resolveWithin: number };

/** Polls (answered and failed) in [from, to] and their failures, for an inconclusive verdict. */
function evidenceIn(polls: readonly AlertPoll[], failed: readonly FailedPoll[], from: number, to: number) {
  const inWindow = (at: number) => at >= from && at <= to;
  return accountOf(
    [
      ...polls.filter((p) => inWindow(p.at)).map((p) => ({ at: p.at, ok: true })),
      ...failed.filter((f) => inWindow(f.at)).map((f) => ({ at: f.at, ok: false, error: f.error })),
    ].sort((a, b) => a.at - b.at),
  );
}

/**
 * Fires within fireWithin of the injection and resolves within resolveWithin of the rollback.
 * `failed`: the alert polls that did not answer. A failure that rests on polls not seeing the
 * alert (or seeing it late, or still) becomes inconclusive when polls of its window failed.
 */
export function evaluateFires(
  exp: FiresExpectation,
  polls: readonly AlertPoll[],
  window: FaultWindow,
  now: number,
  failed: readonly FailedPoll[] = [],
): AlertExpectationResult {
  const { result, decidedIn } = judgeFires(exp, polls, window, now);
  if (!decidedIn || !result.settled || failed.length === 0) return result;
  const evidence = evidenceIn(polls, failed, decidedIn.from, decidedIn.to);
  if (evidence.failed === 0) return result;
  if (!result.passed)
    return {
      ...result,
      inconclusive: true,
      reason: `${describeInconclusive(evidence)}; the polls that answered show: ${result.reason}`,
    };
  // Seen firing and resolved in time: that holds; the gaps only make TTD/TTR upper bounds.
  return {
    ...result,
    reason: `${result.reason} (${evidence.failed} of ${evidence.total} polls in its window failed: TTD/TTR are upper bounds)`,
  };
}

function judgeFires(
  exp: FiresExpectation,
  polls: readonly AlertPoll[],
  window: FaultWindow,
  now: number,
): { result: AlertExpectationResult; decidedIn?: { from: number; to: number } } {
  const base = {
    kind: 'fires' as const,
    alert: exp.alert,
    labels: exp.labels,
    fault: window.fault,
    fireWithinMs: exp.fireWithin,
    resolveWithinMs: exp.resolveWithin,
  };
  const fail = (reason: string, settled: boolean, extra: Partial<AlertExpectationResult> = {}) => ({
    ...base,
    passed: false,
    settled,
    reason,
    ...extra,
  });
  const { injectedAt, rolledBackAt } = window;
  // Definite failures (nothing injected, alert seen before the fault) carry no evidence window.
  if (injectedAt === undefined) return { result: fail(`fault ${window.fault} was never injected`, true) };
  // Dirty only if still firing at the last poll before the fault: in a multi-fault drill the same
  // alert may have fired and resolved for an earlier fault (F8: long pause, then a short one).
  const before = polls.findLast((p) => p.at < injectedAt);
  if (before && firing(before, exp))
    return {
      result: fail(
        `already firing before the fault was injected (at ${new Date(before.at).toISOString()}): the steady state was not clean`,
        true,
      ),
    };
  const fireDeadline = injectedAt + exp.fireWithin;
  const fireWindow = { from: injectedAt, to: fireDeadline };
  const fired = polls.find((p) => p.at >= injectedAt && firing(p, exp));
  if (!fired || fired.at > fireDeadline) {
    if (fired)
      return {
        result: fail(
          `fired ${fired.at - injectedAt} ms after the fault, later than fireWithin ${exp.fireWithin} ms`,
          true,
          { firedAt: fired.at, ttdMs: fired.at - injectedAt },
        ),
        decidedIn: fireWindow,
      };
    const settled = now > fireDeadline;
    return {
      result: fail(
        settled ? `did not fire within ${exp.fireWithin} ms of the fault` : 'waiting for the alert to fire',
        settled,
      ),
      decidedIn: fireWindow,
    };
  }
  const detected = { firedAt: fired.at, ttdMs: fired.at - injectedAt };
  if (rolledBackAt === undefined) return { result: fail('fired; the fault was not rolled back yet', false, detected) };
  const resolveDeadline = rolledBackAt + exp.resolveWithin;
  const resolveWindow = { from: rolledBackAt, to: resolveDeadline };
  const resolved = polls.find((p) => p.at >= rolledBackAt && p.at >= fired.at && !firing(p, exp));
  if (!resolved || resolved.at > resolveDeadline) {
    if (resolved)
      return {
        result: fail(
          `resolved ${resolved.at - rolledBackAt} ms after rollback, later than resolveWithin ${exp.resolveWithin} ms`,
          true,
          { ...detected, resolvedAt: resolved.at, ttrMs: resolved.at - rolledBackAt },
        ),
        decidedIn: resolveWindow,
      };
    const settled = now > resolveDeadline;
    return {
      result: fail(
        settled ? `still firing ${exp.resolveWithin} ms after rollback` : 'waiting for the alert to resolve',
        settled,
        detected,
      ),
      decidedIn: resolveWindow,
    };
  }
  return {
    result: {
      ...base,
      passed: true,
      settled: true,
      reason: 'fired and resolved in time',
      ...detected,
      resolvedAt: resolved.at,
      ttrMs: resolved.at - rolledBackAt,
    },
    decidedIn: { from: injectedAt, to: resolved.at },
  };
}

/**
 * Never firing in any poll of the drill. Seen firing is a definite failure; never seen but with
 * failed polls is inconclusive (the alert may have fired in a gap), never a pass.
 */
export function evaluateMustNotFire(
  rule: AlertRule,
  polls: readonly AlertPoll[],
  failed: readonly FailedPoll[] = [],
): MustNotFireResult {
  const hit = polls.find((p) => firing(p, rule));
  const base = { kind: 'silent' as const, alert: rule.alert, labels: rule.labels };
  if (hit) return { ...base, passed: false, reason: `fired at ${new Date(hit.at).toISOString()}`, firedAt: hit.at };
  if (failed.length === 0) return { ...base, passed: true, reason: 'never fired' };
  const evidence = evidenceIn(polls, failed, -Infinity, Infinity);
  return {
    ...base,
    passed: false,
    inconclusive: true,
    reason: `${describeInconclusive(evidence)}; not firing in the ${evidence.total - evidence.failed} polls that answered`,
  };
}

/** Which alerts fired during the drill, with first and last firing poll (for the timeline). */
export function alertTimeline(
  polls: readonly AlertPoll[],
): { name: string; labels: Record<string, string>; from: number; to: number }[] {
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
