// One drill per target: the target's lock is taken before anything changes it, a crashed run's
// leftovers (recorded in its lock file) are undone first, and the lock is kept at the end while a
// fault whose rollback failed is still in, so the next run undoes it.
import { TargetLock, type LockContent } from '../lock.js';
import type { Drill } from './drill.js';

/** Take the target's lock; a live holder throws TargetLockedError, a dead one is returned as stale. */
export function claimTarget(d: Drill): Promise<{ lock: TargetLock; stale?: LockContent }> {
  return TargetLock.acquire(d.opts.stateDir, { runId: d.runId, spec: d.spec.name, target: d.target.id });
}

/** Undo what a dead run left injected; one that cannot be undone stops this run (it is an error). */
export async function undoStaleLeftovers(d: Drill, lock: TargetLock, stale: LockContent | undefined): Promise<void> {
  if (!stale) return;
  d.journal.add('stale-lock', { previousRun: stale.runId, pid: stale.pid, leftovers: stale.leftovers.length });
  for (const left of stale.leftovers) {
    try {
      await d.registry.factory(left.type).cleanup(left, d.ctx);
      await lock.removeLeftover(left.fault);
      d.journal.add('leftover-cleaned', { fault: left.fault, faultType: left.type, data: left.data });
    } catch (e) {
      d.journal.add('leftover-cleanup-failed', {
        fault: left.fault,
        faultType: left.type,
        error: (e as Error).message,
      });
      throw new Error(
        `could not clean up leftover ${left.type} "${left.fault}" from run ${stale.runId}: ${(e as Error).message}`,
      );
    }
  }
}

/** Release the lock, unless a leftover is still recorded in it (a fault left injected). */
export async function releaseTarget(d: Drill, lock: TargetLock): Promise<void> {
  if (lock.leftovers.length === 0) await lock.release();
  else d.journal.add('lock-kept', { file: lock.file, leftovers: lock.leftovers.map((l) => l.fault) });
}
