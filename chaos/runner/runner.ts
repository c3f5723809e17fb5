// The game-day runner: runGameDay (an embedded target is started around the drill) and
// runOnTarget, which calls the phases (phases/*.ts) in order, as Chaos Toolkit's runner does:
//   pre-flight -> lock (+ cleanup of a crashed run's leftovers) -> services (metrics, webhook,
//   silence) -> steady state before (gate) -> load -> observe loop (fault schedule, alert polls,
//   safety checks) -> rollback (ALWAYS, in finally) -> stop load and services -> steady state
//   after -> load verdict and data check -> expectations -> verdict (the caller writes the reports).
// The phases share one Drill (phases/drill.ts). Rollback runs on success, failure, abort (probe or
// budget), error and SIGINT/SIGTERM (the caller turns signals into `signal`). Verdicts are strict:
// a failed rollback fails the run and names the fault left in; every Prometheus poll goes through
// one poller so an expectation without evidence is FAIL (inconclusive); the data check reads the
// topic back independently of the load's consumer group.
import { defaultFaultRegistry } from '../faults/registry.js';
import type { EmbeddedStack } from '../embedded/stack.js';
import { embeddedSpecProblems, startEmbeddedTarget } from '../embedded/target.js';
import { captureSignals } from '../report/signals.js';
import { claimTarget, releaseTarget, undoStaleLeftovers } from './phases/claim-target.js';
import { abortReasonOf, enter, openDrill } from './phases/drill.js';
import { startLoad, stopLoad } from './phases/drill-load.js';
import { startServices, stopServices } from './phases/drill-services.js';
import { judgeExpectations } from './phases/expectations.js';
import { checkLoad, type LoadVerdict } from './phases/load-verdict.js';
import { observe } from './phases/observe-loop.js';
import { PreflightError, passPreflight, staticProblems } from './phases/preflight.js';
import { rollBackAll } from './phases/rollback.js';
import { steadyStateAfter, steadyStateBefore } from './phases/steady-state.js';
import { failRun, finishRun } from './phases/verdict.js';

export { PreflightError, preflight } from './phases/preflight.js';

export type { DataOutcome, LoadRunner, Phase, Progress, RunOptions, RunOutcome } from './run-types.js';
import type { RunOptions, RunOutcome } from './run-types.js';

/**
 * Runs one game day. An embedded target is started first (after the checks that need no cluster)
 * and stopped afterwards, whatever the drill's outcome.
 */
export async function runGameDay(opts: RunOptions): Promise<RunOutcome> {
  const t = opts.loaded.spec.target;
  if (t.kind !== 'embedded') return withSignals(await runOnTarget(opts));
  const problems = [
    ...embeddedSpecProblems(opts.loaded.spec),
    ...staticProblems(opts.loaded.spec, opts.registry ?? defaultFaultRegistry()),
  ];
  if (problems.length) throw new PreflightError(problems);
  const started = await startEmbeddedTarget(t, opts.loaded.spec, opts.onNotice);
  try {
    return await withSignals(
      await runOnTarget({ ...opts, metricsPort: opts.metricsPort ?? started.stack.runnerMetricsPort }, started.stack),
    );
  } finally {
    await started.dispose();
  }
}

/** The report's charts and budget, read while the target's Prometheus still answers (an embedded one stops next). */
async function withSignals(o: RunOutcome): Promise<RunOutcome> {
  if (!o.target || !o.poller) return o;
  return { ...o, signals: await captureSignals(o.poller, o.windowStartMs, o.windowEndMs) };
}

async function runOnTarget(opts: RunOptions, embedded?: EmbeddedStack): Promise<RunOutcome> {
  const d = openDrill(opts, embedded); // journal started, in pre-flight: the target is resolved
  try {
    await passPreflight(d);

    enter(d, 'lock');
    const { lock, stale } = await claimTarget(d);
    let abortReason: string | undefined;
    try {
      await undoStaleLeftovers(d, lock, stale);
      await startServices(d);

      enter(d, 'steady-state-before');
      await steadyStateBefore(d);

      if (d.spec.load) {
        enter(d, 'load');
        await startLoad(d, d.spec.load);
      }

      enter(d, 'observe');
      await observe(d, lock);
    } catch (e) {
      abortReason = abortReasonOf(d, e); // an error (not an abort) is thrown on, after the finally
    } finally {
      // ALWAYS: every fault still in comes out (a failing rollback leaves it named in d.leftBehind
      // and its leftover in the lock file), then the load drains and the services stop.
      enter(d, 'rollback');
      await rollBackAll(d, lock);
      await stopLoad(d);
      await stopServices(d);
      await releaseTarget(d, lock);
      await d.ctx.close();
    }

    if (!opts.signal?.aborted) {
      enter(d, 'steady-state-after');
      await steadyStateAfter(d);
    }
    let loadVerdict: LoadVerdict | undefined;
    if (d.load) {
      enter(d, 'data-check');
      loadVerdict = await checkLoad(d, d.load);
    }

    enter(d, 'report');
    return finishRun(d, { abortReason, ...judgeExpectations(d), ...loadVerdict });
  } catch (e) {
    throw failRun(d, e);
  } finally {
    await d.ctx.close();
  }
}
