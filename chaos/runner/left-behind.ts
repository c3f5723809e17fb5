// A fault whose rollback failed is still injected when the run ends: the run fails, and the
// verdict, stdout and every report name it (type, target, error) so an operator can undo it by
// hand now rather than learn of it from the next run's lock file.
import type { FaultSpec } from '../schema/schema.js';

export interface LeftBehind {
  fault: string;
  type: string;
  /** The spec's target, e.g. "broker 2" or "proxy kafka0". */
  target: string;
  /** What the fault does (its describe()). */
  description: string;
  /** The rollback's error. */
  error: string;
  /** The lock file that keeps its leftover for the next run to undo. */
  lockFile: string;
}

/** "broker 2", "broker 0, listener client", "group g1". */
export function describeTarget(target: FaultSpec['target']): string {
  return Object.entries(target)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** One line: which fault, where, why it is still in, and where its leftover is kept. */
export function describeLeftBehind(l: LeftBehind): string {
  return `fault ${l.fault} left injected (${l.type} on ${l.target}: ${l.description}): rollback failed: ${l.error}; undo it by hand (its leftover is kept in ${l.lockFile} for the next run)`;
}
