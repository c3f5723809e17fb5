// `kafka-sre chaos run | schedule | history`. Exit codes: 0 every expectation held, 1 an
// expectation failed, the drill was aborted or the run failed, 2 bad spec / flags / pre-flight
// problem (nothing injected).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RuntimeFailure, UsageError } from '../../common/index.js';
import { renderHistoryHtml } from '../report/history-html.js';
import { writeReports } from '../report/write.js';
import { formatHistory, readHistory } from '../schedule/history.js';
import { loadScheduleFile, Scheduler } from '../schedule/scheduler.js';
import { loadSpecFile } from '../schema/parse.js';
import { formatDuration } from '../schema/duration.js';
import type { Journal } from './journal.js';
import { TargetLockedError } from './lock.js';
import { planText } from './plan.js';
import { runGameDay, type RunOutcome } from './runner.js';
import { describeSlowestWrite } from './slowest-write.js';
import { describeLeftBehind } from './left-behind.js';

const defaultStateDir = '.kafka-sre/chaos';

interface RunFlags {
  report?: string;
  dryRun?: boolean;
  stateDir: string;
  quiet?: boolean;
  metricsPort?: number;
}

/** SIGINT/SIGTERM abort the drill; the runner still rolls every fault back before exiting. */
function abortOnSignals(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (!ac.signal.aborted) process.stderr.write(`kafka-sre chaos: ${sig} received, rolling back and stopping\n`);
    ac.abort(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: ac.signal, dispose: () => (process.off('SIGINT', handler), process.off('SIGTERM', handler)) };
}

function summaryLines(o: RunOutcome, files: string[]): string {
  const out = [
    `game day ${o.spec.name}: ${o.journal.status.toUpperCase()}${o.journal.reason ? ` (${o.journal.reason})` : ''}`,
  ];
  for (const l of o.leftBehind) out.push(`  FAIL rollback: ${describeLeftBehind(l)}`);
  for (const a of o.alerts)
    out.push(
      `  ${a.passed ? 'PASS' : 'FAIL'} ${a.alert} on ${a.fault}: ${a.reason}${a.ttdMs !== undefined ? `, TTD ${formatDuration(a.ttdMs)}` : ''}${a.ttrMs !== undefined ? `, TTR ${formatDuration(a.ttrMs)}` : ''}`,
    );
  for (const n of o.notified)
    out.push(`  ${n.passed ? 'PASS' : 'FAIL'} ${n.alert} routed to ${n.receiver}: ${n.reason}`);
  for (const s of o.silent) out.push(`  ${s.passed ? 'PASS' : 'FAIL'} ${s.alert} must not fire: ${s.reason}`);
  if (o.data) out.push(`  ${o.data.passed ? 'PASS' : 'FAIL'} data: ${o.data.reason}`);
  for (const t of o.load?.failedThresholds ?? []) out.push(`  FAIL threshold ${t}`);
  if (o.prometheus.failed)
    out.push(
      `  prometheus: ${o.prometheus.failed} of ${o.prometheus.total} polls of ${o.prometheus.url} failed, last error ${o.prometheus.lastError}`,
    );
  if (o.load?.slowestWrite && !o.load.failedThresholds.length)
    out.push(`  load: ${describeSlowestWrite(o.load.slowestWrite)}`);
  for (const f of files) out.push(`  report: ${f}`);
  return out.join('\n') + '\n';
}

export function registerChaosRunnerCommands(chaos: Command): void {
  chaos
    .command('run')
    .description('run one game day: inject faults under load, verify alerts and data, write reports')
    .argument('<spec>', 'game-day spec (YAML)')
    .option('--report <dir>', 'report directory (default .kafka-sre/chaos/reports/<spec>-<run id>)')
    .option('--dry-run', 'print the plan and exit without contacting anything')
    .option('--state-dir <dir>', 'lock files and default reports', defaultStateDir)
    .option('--quiet', 'no live progress on stderr')
    .option(
      '--metrics-port <port>',
      'serve kafka_sre_gameday_* on 127.0.0.1:<port>/metrics during the drill (0 = free port)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          throw new UsageError(`--metrics-port: ${JSON.stringify(v)} is not a port`);
        return n;
      },
    )
    .action(async (specFile: string, flags: RunFlags) => {
      const loaded = await loadSpecFile(specFile);
      if (flags.dryRun) {
        process.stdout.write(planText(loaded));
        return;
      }
      const signals = abortOnSignals();
      let lastStatus = 0;
      let outcome: RunOutcome;
      try {
        outcome = await runGameDay({
          loaded,
          stateDir: flags.stateDir,
          signal: signals.signal,
          metricsPort: flags.metricsPort,
          onMetricsListening: (url) => process.stderr.write(`kafka-sre chaos: game-day metrics on ${url}\n`),
          onNotice: flags.quiet ? undefined : (line) => process.stderr.write(`kafka-sre chaos: ${line}\n`),
          onProgress: flags.quiet
            ? undefined
            : (p) => {
                if (Date.now() - lastStatus < 5000) return;
                lastStatus = Date.now();
                process.stderr.write(
                  `[${formatDuration(p.elapsedMs)}] ${p.phase}, ${formatDuration(p.timeLeftMs)} left at most; faults active: ${p.activeFaults.join(', ') || 'none'}; alerts firing: ${p.firing.join(', ') || 'none'}\n`,
                );
              },
        });
      } catch (e) {
        const journal = (e as { journal?: Journal }).journal;
        if (journal && !(e instanceof UsageError)) {
          const dir = flags.report ?? join(flags.stateDir, 'reports', `${loaded.spec.name}-${journal.runId}`);
          const { writeFile, mkdir } = await import('node:fs/promises');
          await mkdir(dir, { recursive: true });
          await writeFile(join(dir, 'journal.json'), JSON.stringify(journal.toJSON(), null, 2) + '\n');
          process.stderr.write(`kafka-sre chaos: journal written to ${join(dir, 'journal.json')}\n`);
        }
        if (e instanceof UsageError) throw e;
        if (e instanceof TargetLockedError) throw new RuntimeFailure(e.message);
        throw new RuntimeFailure(`game day failed: ${(e as Error).message}`);
      } finally {
        signals.dispose();
      }
      const dir = flags.report ?? join(flags.stateDir, 'reports', `${loaded.spec.name}-${outcome.journal.runId}`);
      const files = await writeReports(outcome, dir);
      process.stdout.write(summaryLines(outcome, files));
      process.exitCode = outcome.exitCode;
      // Everything is rolled back and written; a Kafka client retry timer left behind by a broker
      // that vanished mid-request must not keep the command alive (schedulers wait for the exit).
      setTimeout(() => process.exit(), 5000).unref();
    });

  chaos
    .command('schedule')
    .description('run game days on cron schedules (never two at once on one target), recording history')
    .argument('<file>', 'schedule file: YAML "schedules: [{spec: PATH, cron: EXPR, timezone?: TZ}]"')
    .option('--history <file>', 'history file (JSON lines)', join(defaultStateDir, 'history.jsonl'))
    .option('--report-root <dir>', 'reports go to <dir>/<spec>-<run id>', join(defaultStateDir, 'reports'))
    .option('--state-dir <dir>', 'lock files', defaultStateDir)
    .option('--once', 'run every scheduled spec once now, then exit (for CI and CronJobs)')
    .action(async (file: string, flags: { history: string; reportRoot: string; stateDir: string; once?: boolean }) => {
      const entries = await loadScheduleFile(file);
      const signals = abortOnSignals();
      const scheduler = new Scheduler({
        entries,
        historyFile: flags.history,
        reportRoot: flags.reportRoot,
        stateDir: flags.stateDir,
        signal: signals.signal,
        log: (l) => process.stdout.write(`kafka-sre chaos schedule: ${l}\n`),
      });
      try {
        if (flags.once) {
          for (const e of entries) await scheduler.trigger(e.spec);
          const history = await readHistory(flags.history);
          const mine = history.slice(-entries.length);
          if (mine.some((h) => h.exitCode === 2)) process.exitCode = 2;
          else if (mine.some((h) => h.exitCode !== 0)) process.exitCode = 1;
          return;
        }
        scheduler.start();
        await new Promise<void>((resolve) => signals.signal.addEventListener('abort', () => resolve(), { once: true }));
        await scheduler.stop();
      } finally {
        signals.dispose();
      }
    });

  chaos
    .command('history')
    .description('list recorded game days (from the scheduler history file)')
    .option('--history <file>', 'history file (JSON lines)', join(defaultStateDir, 'history.jsonl'))
    .option('--json', 'print JSON lines instead of a table')
    .option('--html <file>', 'write the history page (runs, verdicts, report links, TTD/TTR trends per scenario)')
    .option('--limit <n>', 'only the last N entries', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--limit: ${JSON.stringify(v)} is not a positive integer`);
      return n;
    })
    .action(async (flags: { history: string; json?: boolean; limit?: number; html?: string }) => {
      let entries = await readHistory(flags.history);
      if (flags.limit) entries = entries.slice(-flags.limit);
      if (flags.html) {
        const out = resolve(flags.html);
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, renderHistoryHtml(entries, out));
        process.stdout.write(`wrote ${out}: ${entries.length} run(s)\n`);
        return;
      }
      process.stdout.write(flags.json ? entries.map((e) => JSON.stringify(e) + '\n').join('') : formatHistory(entries));
    });
}
