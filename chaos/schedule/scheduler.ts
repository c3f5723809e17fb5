// Recurring game days on cron expressions (croner). Never two drills at once on one target:
// a trigger whose target is busy (in this process, or locked by another process) is recorded as
// skipped. Every run or skip lands in the history file.
import { Cron } from 'croner';
import { z } from 'zod';
import { parseDocument } from 'yaml';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../../common/index.js';
import { loadSpecFile } from '../schema/parse.js';
import { targetId } from '../runner/target.js';
import { TargetLockedError } from '../runner/lock.js';
import { runGameDay } from '../runner/runner.js';
import { writeReports } from '../report/write.js';
import { appendHistory, type HistoryEntry } from './history.js';

export const scheduleFileSchema = z.strictObject({
  schedules: z
    .array(
      z.strictObject({
        spec: z.string().min(1),
        cron: z.string().min(1),
        timezone: z.string().optional(),
      }),
    )
    .min(1),
});

export interface ScheduleEntry {
  spec: string;
  cron: string;
  timezone?: string;
}

/** Read a schedule file; spec paths are relative to it. Cron expressions are checked here. */
export async function loadScheduleFile(file: string): Promise<ScheduleEntry[]> {
  let raw: unknown;
  try {
    raw = parseDocument(await readFile(file, 'utf8')).toJS();
  } catch (e) {
    throw new UsageError(`cannot read schedule file ${file}: ${(e as Error).message}`);
  }
  const r = scheduleFileSchema.safeParse(raw);
  if (!r.success)
    throw new UsageError(
      `invalid schedule file ${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data.schedules.map((s, i) => {
    try {
      new Cron(s.cron, { paused: true, timezone: s.timezone }).stop();
    } catch (e) {
      throw new UsageError(`schedules[${i}].cron ${JSON.stringify(s.cron)}: ${(e as Error).message}`);
    }
    return { ...s, spec: isAbsolute(s.spec) ? s.spec : resolve(dirname(file), s.spec) };
  });
}

export interface SchedulerOptions {
  entries: ScheduleEntry[];
  historyFile: string;
  reportRoot: string;
  stateDir: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export class Scheduler {
  private readonly jobs: Cron[] = [];
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly opts: SchedulerOptions) {}

  start(): void {
    for (const e of this.opts.entries) {
      const job = new Cron(e.cron, { timezone: e.timezone, protect: true }, () => this.trigger(e.spec));
      this.jobs.push(job);
      this.opts.log?.(`scheduled ${e.spec} on "${e.cron}", next ${job.nextRun()?.toISOString() ?? 'never'}`);
    }
  }

  /** Run one spec now (what a cron tick does); resolves when the run and its history entry are done. */
  trigger(specFile: string): Promise<void> {
    const p = this.runOne(specFile).finally(() => this.running.delete(p));
    this.running.add(p);
    return p;
  }

  private async runOne(specFile: string): Promise<void> {
    const startedAt = new Date().toISOString();
    let entry: HistoryEntry;
    try {
      const loaded = await loadSpecFile(specFile);
      const target = { id: targetId(loaded.spec.target) };
      if (this.busy.has(target.id)) {
        entry = {
          spec: loaded.spec.name,
          file: specFile,
          target: target.id,
          startedAt,
          endedAt: new Date().toISOString(),
          status: 'skipped',
          exitCode: 0,
          reason: 'another game day is running on this target',
        };
      } else {
        this.busy.add(target.id);
        try {
          const outcome = await runGameDay({ loaded, stateDir: this.opts.stateDir, signal: this.opts.signal });
          const reportDir = join(this.opts.reportRoot, `${loaded.spec.name}-${outcome.journal.runId}`);
          await writeReports(outcome, reportDir);
          entry = {
            spec: loaded.spec.name,
            file: specFile,
            target: target.id,
            runId: outcome.journal.runId,
            startedAt,
            endedAt: new Date().toISOString(),
            status: outcome.journal.status as HistoryEntry['status'],
            exitCode: outcome.exitCode,
            reportDir,
            reason: outcome.journal.reason,
            alerts: outcome.alerts.map((a) => ({
              alert: a.alert,
              fault: a.fault,
              passed: a.passed,
              ttdMs: a.ttdMs,
              ttrMs: a.ttrMs,
            })),
          };
        } finally {
          this.busy.delete(target.id);
        }
      }
    } catch (e) {
      const locked = e instanceof TargetLockedError;
      entry = {
        spec: specFile,
        file: specFile,
        target: locked ? e.holder.target : '?',
        startedAt,
        endedAt: new Date().toISOString(),
        status: locked ? 'skipped' : 'error',
        exitCode: locked ? 0 : e instanceof UsageError ? 2 : 1,
        reason: (e as Error).message,
      };
    }
    await appendHistory(this.opts.historyFile, entry);
    this.opts.log?.(
      `${entry.startedAt} ${entry.spec}: ${entry.status}${entry.reason ? ` (${entry.reason.split('\n')[0]})` : ''}`,
    );
  }

  async stop(): Promise<void> {
    for (const j of this.jobs) j.stop();
    await Promise.allSettled([...this.running]);
  }
}
