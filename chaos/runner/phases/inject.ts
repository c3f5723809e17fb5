// The fault schedule: each fault goes in `start` after the observe loop began and comes out
// `duration` after it went in. Its leftover (what to undo should the runner die) is written to the
// lock file BEFORE it is injected, so no fault is ever in without a record of it.
import type { TargetLock } from '../lock.js';
import type { Drill } from './drill.js';
import { rollBackFault } from './rollback.js';

/** One step of the schedule at `now`: inject the faults whose start has come, roll back the expired. */
export async function applyFaultSchedule(d: Drill, lock: TargetLock, t0: number, now: number): Promise<void> {
  for (let i = 0; i < d.faults.length; i++) {
    const f = d.faults[i];
    const w = d.windows[i];
    if (w.injectedAt === undefined && now >= t0 + f.spec.start) {
      await injectFault(d, lock, i);
    } else if (w.injectedAt !== undefined && w.rolledBackAt === undefined && now >= w.injectedAt + f.spec.duration) {
      await rollBackFault(d, lock, f.name);
    }
  }
}

/** Inject fault i; one that fails to go in is an error (its leftover is dropped: nothing went in). */
async function injectFault(d: Drill, lock: TargetLock, i: number): Promise<void> {
  const f = d.faults[i];
  const w = d.windows[i];
  await lock.addLeftover(await f.leftover(d.ctx));
  d.journal.add('fault-injecting', { fault: f.name, faultType: f.spec.type, description: w.description });
  try {
    d.active.set(f.name, await f.inject(d.ctx));
  } catch (e) {
    d.journal.add('fault-inject-failed', { fault: f.name, error: (e as Error).message });
    await lock.removeLeftover(f.name);
    throw e;
  }
  w.injectedAt = Date.now();
  d.metrics?.setFault(f.name, d.target.id, true);
  d.journal.add('fault-injected', { fault: f.name });
}
