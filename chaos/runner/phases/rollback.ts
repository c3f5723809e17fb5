// Every way a fault comes out. A scheduled rollback (its duration is over) that fails aborts the
// drill: it is no longer under control. The forced rollback at the end runs ALWAYS (success,
// failure, abort, error, signal), newest fault first; a fault it cannot roll back either is left
// injected: named in the verdict, and its leftover stays in the lock file for the next run.
import type { TargetLock } from '../lock.js';
import { describeTarget, type LeftBehind } from '../left-behind.js';
import { AbortDrill, type Drill } from './drill.js';

/** The scheduled rollback of one fault (nothing when it is not in). */
export async function rollBackFault(d: Drill, lock: TargetLock, name: string): Promise<void> {
  const h = d.active.get(name);
  const w = d.windows.find((x) => x.fault === name)!;
  if (!h) return;
  d.journal.add('fault-rolling-back', { fault: name });
  try {
    await h.rollback();
  } catch (e) {
    // The drill is no longer under control: stop it; the forced rollback tries once more and
    // names the fault if it is still in.
    d.journal.add('rollback-failed', { fault: name, error: (e as Error).message });
    throw new AbortDrill(`rollback of fault ${name} failed: ${(e as Error).message}`);
  }
  d.active.delete(name);
  w.rolledBackAt = Date.now();
  d.metrics?.setFault(name, d.target.id, false);
  await lock.removeLeftover(name);
  d.journal.add('fault-rolled-back', { fault: name });
}

/** Roll back every fault still in, newest first; never throws (failures go to d.leftBehind). */
export async function rollBackAll(d: Drill, lock: TargetLock): Promise<void> {
  for (const f of [...d.faults].reverse()) {
    const h = d.active.get(f.name);
    if (!h) continue;
    try {
      d.journal.add('fault-rolling-back', { fault: f.name, forced: true });
      await h.rollback();
      d.active.delete(f.name);
      const w = d.windows.find((x) => x.fault === f.name)!;
      w.rolledBackAt = Date.now();
      d.metrics?.setFault(f.name, d.target.id, false);
      await lock.removeLeftover(f.name);
      d.journal.add('fault-rolled-back', { fault: f.name });
    } catch (e) {
      const left: LeftBehind = {
        fault: f.name,
        type: f.spec.type,
        target: describeTarget(f.spec.target),
        description: d.windows.find((x) => x.fault === f.name)!.description,
        error: (e as Error).message,
        lockFile: lock.file,
      };
      d.leftBehind.push(left);
      d.journal.add('rollback-failed', { fault: f.name, forced: true, error: left.error });
      const { type: faultType, ...rest } = left;
      d.journal.add('fault-left-injected', { ...rest, faultType });
    }
  }
}
