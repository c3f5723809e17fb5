// A process is its PID plus its start time: PIDs are reused, so a PID recorded earlier may name an
// unrelated process by the time it is signalled. Linux gives the start time (clock ticks after boot)
// as field 22 of /proc/<pid>/stat; a PID whose start time changed is no longer the process recorded.
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat; null where /proc is not readable. */
  startTime: string | null;
}

/** Start time of a process (clock ticks after boot, /proc/<pid>/stat field 22), if readable. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The identity of a running process, or null when it is gone. */
export function processIdentity(pid: number): ProcessIdentity | null {
  const start = processStartTime(pid);
  if (start !== undefined) return { pid, startTime: start };
  try {
    process.kill(pid, 0);
    return { pid, startTime: null };
  } catch {
    return null;
  }
}

/** Whether `id` still names the same running process. */
export function stillSameProcess(id: ProcessIdentity): boolean {
  const now = processIdentity(id.pid);
  if (now === null) return false;
  return id.startTime === null || now.startTime === null || now.startTime === id.startTime;
}

/**
 * Signal the process only if it is still the one recorded: 'signalled', 'gone' (exited), or
 * 'replaced' (its PID now belongs to another process, which is left alone).
 */
export function signalIfSame(id: ProcessIdentity, signal: NodeJS.Signals): 'signalled' | 'gone' | 'replaced' {
  const now = processIdentity(id.pid);
  if (now === null) return 'gone';
  if (id.startTime !== null && now.startTime !== null && now.startTime !== id.startTime) return 'replaced';
  try {
    process.kill(id.pid, signal);
    return 'signalled';
  } catch {
    return 'gone';
  }
}
