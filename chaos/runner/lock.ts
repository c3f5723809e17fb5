// One drill per target at a time: a lock file per target, created with O_EXCL. It also carries
// the leftovers of the faults currently injected (written before each injection), so when a run
// dies without rolling back, the next run on that target finds them and undoes them first.
import { hostname } from 'node:os';
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Leftover } from '../faults/types.js';

export interface LockContent {
  runId: string;
  pid: number;
  host: string;
  spec: string;
  target: string;
  startedAt: string;
  leftovers: Leftover[];
}

export class TargetLockedError extends Error {
  constructor(readonly holder: LockContent) {
    super(
      `target ${holder.target} is locked by game day "${holder.spec}" (run ${holder.runId}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`,
    );
    this.name = 'TargetLockedError';
  }
}

export function lockFileFor(stateDir: string, target: string): string {
  return join(stateDir, 'locks', `${target.replace(/[^A-Za-z0-9_.-]+/g, '_')}.lock.json`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class TargetLock {
  private constructor(
    readonly file: string,
    private content: LockContent,
  ) {}

  /**
   * Take the lock. A lock held by a live process throws TargetLockedError; a stale one (its
   * process is gone) is taken over and its leftovers returned for cleanup.
   */
  static async acquire(
    stateDir: string,
    info: Omit<LockContent, 'pid' | 'host' | 'startedAt' | 'leftovers'>,
  ): Promise<{ lock: TargetLock; stale?: LockContent }> {
    const file = lockFileFor(stateDir, info.target);
    await mkdir(join(stateDir, 'locks'), { recursive: true });
    const content: LockContent = {
      ...info,
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      leftovers: [],
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fh = await open(file, 'wx');
        await fh.writeFile(JSON.stringify(content, null, 2));
        await fh.close();
        return { lock: new TargetLock(file, content) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder: LockContent;
      try {
        holder = JSON.parse(await readFile(file, 'utf8')) as LockContent;
      } catch {
        // Unreadable (a crash mid-write): nothing to recover from it, treat as stale.
        holder = {
          runId: '?',
          pid: -1,
          host: hostname(),
          spec: '?',
          target: info.target,
          startedAt: '?',
          leftovers: [],
        };
      }
      if (holder.host === hostname() && holder.pid > 0 && alive(holder.pid)) throw new TargetLockedError(holder);
      if (holder.host !== hostname()) throw new TargetLockedError(holder);
      // Stale: take it over atomically, keeping the old leftovers until they are cleaned up.
      const lock = new TargetLock(file, { ...content, leftovers: holder.leftovers ?? [] });
      await lock.write();
      return { lock, stale: holder };
    }
    throw new Error(`could not take lock ${file}`);
  }

  get leftovers(): readonly Leftover[] {
    return this.content.leftovers;
  }

  private async write(): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.content, null, 2));
    await rename(tmp, this.file);
  }

  async addLeftover(l: Leftover): Promise<void> {
    this.content.leftovers = [...this.content.leftovers.filter((x) => x.fault !== l.fault), l];
    await this.write();
  }

  async removeLeftover(fault: string): Promise<void> {
    this.content.leftovers = this.content.leftovers.filter((x) => x.fault !== fault);
    await this.write();
  }

  async release(): Promise<void> {
    await unlink(this.file).catch(() => {});
  }
}
