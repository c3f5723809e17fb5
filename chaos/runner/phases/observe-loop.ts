// The observe loop, the drill proper: every pollInterval it advances the fault schedule, polls
// Prometheus's alerts and, every steadyState.interval, the safety checks. It ends when every fault
// is rolled back and every alert expectation is settled, or throws AbortDrill (signal,
// safety.maxDuration, the safety checks, a failed scheduled rollback).
import { evaluateFires } from '../../verify/alerts.js';
import type { TargetLock } from '../lock.js';
import { AbortDrill, failedAlertPolls, pollAlerts, windowFor, type Drill } from './drill.js';
import { applyFaultSchedule } from './inject.js';
import { SafetyWatch } from './safety.js';

export async function observe(d: Drill, lock: TargetLock): Promise<void> {
  const { spec, opts } = d;
  const t0 = Date.now();
  const deadline = t0 + spec.safety.maxDuration;
  const safety = new SafetyWatch(d, t0);
  while (true) {
    if (opts.signal?.aborted) throw new AbortDrill(`interrupted (${String(opts.signal.reason ?? 'signal')})`);
    const now = Date.now();
    if (now > deadline) throw new AbortDrill(`safety.maxDuration ${spec.safety.maxDuration} ms reached`);
    await applyFaultSchedule(d, lock, t0, now);
    await pollAlerts(d);
    await safety.checkIfDue();
    const last = Date.now();
    const allBack = d.windows.every((w) => w.rolledBackAt !== undefined);
    const failed = failedAlertPolls(d);
    const settled = spec.expectations.alerts.every(
      (e) => evaluateFires(e, d.polls, windowFor(d, e.fault), last, failed).settled,
    );
    reportProgress(d, last, deadline);
    if (allBack && settled) break;
    await sleep(spec.pollInterval, opts.signal);
  }
}

/** The progress line's data (RunOptions.onProgress), once per loop. */
function reportProgress(d: Drill, now: number, deadline: number): void {
  if (!d.opts.onProgress) return;
  const last = d.polls[d.polls.length - 1];
  d.opts.onProgress({
    phase: d.phase,
    elapsedMs: now - d.journal.startedAtMs,
    timeLeftMs: Math.max(0, deadline - now),
    activeFaults: d.windows
      .filter((w) => w.injectedAt !== undefined && w.rolledBackAt === undefined)
      .map((w) => w.fault),
    firing: [...new Set((last?.alerts ?? []).filter((a) => a.state === 'firing').map((a) => a.name))],
  });
}

/** Sleep that a signal cuts short (the loop then sees it and aborts at once). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
