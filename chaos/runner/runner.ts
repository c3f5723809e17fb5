// The game-day runner. Phases, in order:
//   validate -> pre-flight -> lock (+ cleanup of a crashed run's leftovers) -> hygiene ->
//   steady state before -> start load -> inject/observe loop -> rollback (ALWAYS, in finally) ->
//   stop load -> steady state after -> data check -> verdict (the caller writes the reports).
// One loop owns the mutable state (which faults are in, the alert polls); faults, probes and the
// verifier are plain functions it calls. Rollback runs on success, failure, abort (probe or
// budget), error and SIGINT/SIGTERM (the caller turns signals into `signal`). Verdicts are strict:
// a failed rollback fails the run and names the fault left in; every Prometheus poll goes through
// one poller so an expectation without evidence is FAIL (inconclusive); the data check reads the
// topic back independently of the load's consumer group.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Toxiproxy } from 'toxiproxy-node-client';
import { UsageError } from '../../common/index.js';
import { LauncherClient } from '../faults/launcher-client.js';
import { defaultFaultRegistry, type FaultRegistry } from '../faults/registry.js';
import type { Fault, FaultContext, LoadControl, ResolvedTarget, RollbackHandle } from '../faults/types.js';
import { judgeData, type DataCheckResult } from '../load/data-check.js';
import { failedThresholds, type K6Summary, type Slowest } from '../load/k6-metrics.js';
import { LoadDriver } from '../load/driver.js';
import type { LoadedSpec } from '../spec/parse.js';
import { alertsNamedBy, type GameDaySpec } from '../spec/schema.js';
import {
  evaluateFires,
  evaluateMustNotFire,
  type AlertExpectationResult,
  type AlertPoll,
  type FailedPoll,
  type FaultWindow,
  type MustNotFireResult,
} from '../verify/alerts.js';
import {
  evaluateNotification,
  startWebhookReceiver,
  type NotificationResult,
  type WebhookReceiver,
} from '../verify/webhook.js';
import { PrometheusClient } from '../verify/prometheus.js';
import { PrometheusPoller, type PollAccount } from '../verify/prometheus-poller.js';
import { describeLeftBehind, describeTarget, type LeftBehind } from './left-behind.js';
import { alertmanagerReady, createSilence, expireSilence, hasDrillRoute, type Silence } from './hygiene.js';
import { Journal } from './journal.js';
import { TargetLock } from './lock.js';
import { describeSlowestWrite, slowestWriteIn, type SlowestWrite } from './slowest-write.js';
import { startRunnerMetrics, type RunnerMetrics } from './metrics.js';
import { prometheusCheck, runProbe, type ProbeResult } from './probes.js';
import { checkAllowList, resolveTarget, saslOrUsage } from './target.js';
import { resolveSasl } from '../spec/sasl.js';
import type { EmbeddedStack } from '../embedded/stack.js';
import { embeddedSpecProblems, startEmbeddedTarget } from '../embedded/target.js';

export type Phase =
  | 'validate'
  | 'pre-flight'
  | 'lock'
  | 'steady-state-before'
  | 'load'
  | 'observe'
  | 'rollback'
  | 'steady-state-after'
  | 'data-check'
  | 'report';

export interface Progress {
  phase: Phase;
  elapsedMs: number;
  timeLeftMs: number;
  activeFaults: string[];
  firing: string[];
}

/** The load side as the runner needs it (the built-in driver; tests may plug another). */
export interface LoadRunner extends LoadControl {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** After stop(): the ack log against an independent read of the topic (never throws). */
  dataCheck(): Promise<DataCheckResult>;
  summary(): K6Summary;
  /** The slowest send, so a failed latency threshold names the fault behind it. */
  slowestWrite?(): Slowest | null;
}

export interface RunOptions {
  loaded: LoadedSpec;
  /** Lock files live under <stateDir>/locks. */
  stateDir: string;
  registry?: FaultRegistry;
  /** Aborts the drill (rollback still runs): SIGINT/SIGTERM in the CLI. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  createLoad?: (spec: NonNullable<GameDaySpec['load']>, target: ResolvedTarget, runId: string) => LoadRunner;
  /** Serve kafka_sre_gameday_* on 127.0.0.1:<port>/metrics during the drill (0 = any free port). */
  metricsPort?: number;
  /** Called with the metrics URL once it listens. */
  onMetricsListening?: (url: string) => void;
  /** Progress lines outside the drill itself (starting and stopping an embedded cluster). */
  onNotice?: (line: string) => void;
}

export interface DataOutcome {
  result: DataCheckResult;
  passed: boolean;
  reason: string;
}

export interface RunOutcome {
  journal: Journal;
  spec: GameDaySpec;
  target?: ResolvedTarget;
  exitCode: 0 | 1;
  faults: (FaultWindow & { type: string; description: string })[];
  alerts: AlertExpectationResult[];
  silent: MustNotFireResult[];
  notified: NotificationResult[];
  probes: { before: ProbeResult[]; during: ProbeResult[]; after: ProbeResult[] };
  data?: DataOutcome;
  load?: { summary: K6Summary; failedThresholds: string[]; slowestWrite?: SlowestWrite };
  polls: AlertPoll[];
  /** Faults still injected at the end because their rollback failed (the run then fails). */
  leftBehind: LeftBehind[];
  /** Every Prometheus poll of the drill, counted (verdicts without evidence are inconclusive). */
  prometheus: PollAccount & { url: string };
  /** The drill's poller, for whatever still reads Prometheus for this run (report charts). */
  poller?: PrometheusPoller;
  windowStartMs: number;
  windowEndMs: number;
}

export class PreflightError extends UsageError {
  constructor(readonly problems: string[]) {
    super(`pre-flight failed, nothing was injected:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PreflightError';
  }
}

class AbortDrill extends Error {}

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

/** Build the context faults act through; clients are created lazily and closed by `close`. */
function faultContext(
  target: ResolvedTarget,
  load: () => LoadControl | undefined,
): FaultContext & { close(): Promise<void> } {
  let toxiproxy: Toxiproxy | undefined;
  let launcher: LauncherClient | undefined;
  let admin: Promise<Admin> | undefined;
  return {
    target,
    proxy() {
      if (!target.proxyApiUrl)
        throw new Error('this fault needs target.proxyApiUrl (the Toxiproxy-compatible proxy API)');
      return (toxiproxy ??= new Toxiproxy(target.proxyApiUrl));
    },
    launcher() {
      if (!target.launcherUrl)
        throw new Error('this fault needs target.launcherUrl (the cluster launcher admin API, issue 4)');
      return (launcher ??= new LauncherClient(target.launcherUrl));
    },
    admin() {
      admin ??= (async () => {
        const a = new Kafka({
          clientId: 'kafka-sre-gameday',
          brokers: target.bootstrapServers,
          logLevel: logLevel.NOTHING,
          sasl: target.sasl,
          retry: { retries: 2 },
        }).admin();
        await a.connect();
        return a;
      })();
      return admin;
    },
    load() {
      const l = load();
      if (!l) throw new Error("this fault needs the spec's load section (it acts on the runner's own clients)");
      return l;
    },
    async close() {
      // Idempotent: the runner closes in its inner and outer finally blocks.
      const a = admin;
      admin = undefined;
      if (a) await (await a.catch(() => undefined))?.disconnect().catch(() => {});
    },
  };
}

/** Everything that can be checked without changing the target. Returns the problems found. */
export async function preflight(
  spec: GameDaySpec,
  target: ResolvedTarget,
  faults: Fault[],
  registry: FaultRegistry,
  ctx: FaultContext,
): Promise<string[]> {
  const problems = checkAllowList(target, spec.target.allowedHosts);
  if (problems.length) return problems;
  const needs = new Set(faults.map((f) => registry.factory(f.spec.type).needs));
  const checks: Promise<string | undefined>[] = [];
  const attempt = (fn: () => Promise<unknown>, what: string) =>
    checks.push(
      fn().then(
        () => undefined,
        (e: Error) => `${what}: ${e.message}`,
      ),
    );
  attempt(() => new PrometheusClient(target.prometheusUrl, 3000).ready(), 'target.prometheusUrl');
  if (needs.has('proxy')) {
    if (!target.proxyApiUrl) problems.push('network faults need target.proxyApiUrl');
    else
      attempt(async () => {
        await ctx.proxy().getVersion();
        const have = await ctx.proxy().getAll();
        for (const f of faults) {
          if (registry.factory(f.spec.type).needs !== 'proxy') continue;
          const { proxiesOf } = await import('../faults/network.js');
          for (const p of proxiesOf(f.spec as Parameters<typeof proxiesOf>[0], target))
            if (!have[p])
              throw new Error(
                `fault ${f.name}: no proxy named "${p}" (proxies: ${Object.keys(have).join(', ') || 'none'})`,
              );
        }
      }, 'target.proxyApiUrl');
  }
  if (needs.has('launcher')) {
    if (!target.launcherUrl)
      problems.push(
        'process faults (kill, pause, controller, log-dir) need target.launcherUrl, the cluster launcher admin API (issue 4)',
      );
    else attempt(() => ctx.launcher().cluster(), 'target.launcherUrl');
  }
  problems.push(...staticProblems(spec, registry));
  if (
    !target.launcherUrl &&
    faults.some((f) => f.spec.type === 'broker-isolate' && f.spec.target.broker === 'active-controller')
  )
    problems.push('broker-isolate of the active controller needs target.launcherUrl (to find it)');
  if (spec.load?.sasl) {
    try {
      resolveSasl(spec.load.sasl);
    } catch (e) {
      problems.push(`load.sasl: ${(e as Error).message}`);
    }
  }
  if (needs.has('kafka') || spec.load || spec.steadyState.probes.some((p) => p.type === 'produce-consume')) {
    attempt(async () => {
      await (await ctx.admin()).describeCluster();
    }, 'target.bootstrapServers');
  }
  if (spec.hygiene.mode !== 'none') {
    const am = target.alertmanagerUrl;
    if (!am) problems.push(`hygiene.mode ${spec.hygiene.mode} needs target.alertmanagerUrl`);
    else if (spec.hygiene.mode === 'silence') attempt(() => alertmanagerReady(am), 'target.alertmanagerUrl');
    else
      attempt(async () => {
        if (!(await hasDrillRoute(am, spec.hygiene.label.name)))
          throw new Error(
            `no route on label "${spec.hygiene.label.name}" in the running Alertmanager config: drill alerts would page`,
          );
      }, 'target.alertmanagerUrl');
  }
  for (const r of await Promise.all(checks)) if (r) problems.push(r);
  return problems;
}

/**
 * Runs one game day. An embedded target is started first (after the checks that need no cluster)
 * and stopped afterwards, whatever the drill's outcome.
 */
export async function runGameDay(opts: RunOptions): Promise<RunOutcome> {
  const t = opts.loaded.spec.target;
  if (t.kind !== 'embedded') return runOnTarget(opts);
  const problems = [
    ...embeddedSpecProblems(opts.loaded.spec),
    ...staticProblems(opts.loaded.spec, opts.registry ?? defaultFaultRegistry()),
  ];
  if (problems.length) throw new PreflightError(problems);
  const started = await startEmbeddedTarget(t, opts.loaded.spec, opts.onNotice);
  try {
    return await runOnTarget(
      { ...opts, metricsPort: opts.metricsPort ?? started.stack.runnerMetricsPort },
      started.stack,
    );
  } finally {
    await started.dispose();
  }
}

/** Spec problems no target can fix (checked again, with the target's, in preflight). */
function staticProblems(spec: GameDaySpec, registry: FaultRegistry): string[] {
  const problems: string[] = [];
  if (spec.faults.some((f) => registry.factory(f.type).needs === 'load') && !spec.load)
    problems.push('client-side faults need a load section');
  if (spec.faults.some((f) => f.type === 'credentials-revoke') && !spec.load?.sasl)
    problems.push('credentials-revoke needs load.sasl (the credentials it revokes)');
  return problems;
}

async function runOnTarget(opts: RunOptions, embedded?: EmbeddedStack): Promise<RunOutcome> {
  const { spec, file } = opts.loaded;
  const registry = opts.registry ?? defaultFaultRegistry();
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  const journal = new Journal(runId, spec.name, file, '?');
  let phase: Phase = 'validate';
  const enter = (p: Phase) => {
    phase = p;
    journal.add('phase', { phase: p });
  };
  journal.add('run-started', { spec: spec.name, file });
  const faults = spec.faults.map((f) => registry.create(f));
  const windows = faults.map(
    (f) =>
      ({ fault: f.name, type: f.spec.type, description: '' }) as FaultWindow & { type: string; description: string },
  );
  const polls: AlertPoll[] = [];
  const leftBehind: LeftBehind[] = [];
  const probes: RunOutcome['probes'] = { before: [], during: [], after: [] };

  enter('pre-flight');
  const target = resolveTarget(spec.target, { embedded });
  journal.target = target.id;
  if (embedded)
    journal.add('embedded-target', {
      bootstrap: embedded.bootstrap,
      prometheusUrl: embedded.prometheusUrl,
      proxyApiUrl: embedded.proxyApiUrl,
      launcherUrl: embedded.launcherUrl,
      pids: embedded.pids(),
    });
  windows.forEach((w, i) => (w.description = faults[i].describe(target)));
  let load: LoadRunner | undefined;
  const ctx = faultContext(target, () => load);
  // Every Prometheus poll of the drill goes through this one poller (it records failures).
  const prom = new PrometheusPoller(new PrometheusClient(target.prometheusUrl));
  const outcome = (): Omit<RunOutcome, 'exitCode' | 'alerts' | 'silent' | 'notified'> => ({
    journal,
    spec,
    faults: windows,
    probes,
    polls,
    leftBehind,
    prometheus: { url: prom.url, ...prom.account() },
    poller: prom,
    windowStartMs: journal.startedAtMs,
    windowEndMs: journal.endedAtMs ?? Date.now(),
  });
  /** Alert polls that did not answer: no evidence for the verdicts. */
  const failedAlertPolls = (): FailedPoll[] =>
    prom.records({ kind: 'alerts' }).flatMap((r) => (r.ok ? [] : [{ at: r.at, error: r.error ?? 'unknown error' }]));
  const pollAlerts = async (): Promise<void> => {
    const r = await prom.alerts();
    if (r.ok) polls.push(r.value);
    else journal.add('alerts-poll-failed', { error: r.error });
  };
  try {
    const problems = await preflight(spec, target, faults, registry, ctx);
    if (problems.length) {
      journal.add('pre-flight-failed', { problems });
      throw new PreflightError(problems);
    }
    journal.add('pre-flight-ok');

    enter('lock');
    const { lock, stale } = await TargetLock.acquire(opts.stateDir, { runId, spec: spec.name, target: target.id });
    const active = new Map<string, RollbackHandle>();
    let metrics: RunnerMetrics | undefined;
    let webhook: WebhookReceiver | undefined;
    let silence: Silence | undefined;
    let abortReason: string | undefined;
    let dataOutcome: DataOutcome | undefined;
    let loadOut: RunOutcome['load'];
    try {
      if (stale) {
        journal.add('stale-lock', { previousRun: stale.runId, pid: stale.pid, leftovers: stale.leftovers.length });
        for (const left of stale.leftovers) {
          try {
            await registry.factory(left.type).cleanup(left, ctx);
            await lock.removeLeftover(left.fault);
            journal.add('leftover-cleaned', { fault: left.fault, faultType: left.type, data: left.data });
          } catch (e) {
            journal.add('leftover-cleanup-failed', {
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

      if (opts.metricsPort !== undefined) {
        metrics = await startRunnerMetrics(spec.name, opts.metricsPort);
        metrics.setActive(true);
        for (const f of faults) metrics.setFault(f.name, target.id, false);
        journal.add('metrics-listening', { url: metrics.url });
        opts.onMetricsListening?.(metrics.url);
      }
      if (spec.expectations.notifications.length && target.webhookListen) {
        webhook = await startWebhookReceiver(target.webhookListen, (n) =>
          journal.add('notification', {
            receiver: n.receiver,
            status: n.status,
            alerts: n.alerts.map((a) => `${a.labels.alertname ?? '?'}:${a.status}`),
          }),
        );
        journal.add('webhook-listening', { url: webhook.url });
      }
      if (spec.hygiene.mode === 'silence' && target.alertmanagerUrl) {
        const names = alertsNamedBy(spec);
        if (names.length) {
          silence = await createSilence(target.alertmanagerUrl, names, {
            drill: spec.name,
            runId,
            endsAt: new Date(Date.now() + spec.safety.maxDuration + 300_000),
          });
          journal.add('silence-created', { id: silence.id, alerts: names });
        }
      }

      enter('steady-state-before');
      for (const p of spec.steadyState.probes.filter((p) => p.when.includes('before'))) {
        const r = await runProbe(p, prom, target.bootstrapServers, target.sasl);
        probes.before.push(r);
        journal.add('probe', { phase: 'before', ...r });
      }
      const failedBefore = probes.before.filter((r) => !r.ok);
      if (failedBefore.length)
        throw new AbortDrill(
          `steady state not met before the drill: ${failedBefore.map((r) => `${r.probe}: ${r.detail}`).join('; ')}`,
        );
      await pollAlerts();

      if (spec.load) {
        enter('load');
        load = (
          opts.createLoad ??
          ((l, t, id) =>
            new LoadDriver({
              bootstrapServers: t.bootstrapServers,
              runId: id,
              spec: l,
              sasl: l.sasl ? saslOrUsage(l.sasl, 'load.sasl') : undefined,
            }))
        )(spec.load, target, runId);
        await load.start();
        journal.add('load-started', { producers: spec.load.producers, rate: spec.load.rate, topic: spec.load.topic });
      }

      enter('observe');
      const t0 = Date.now();
      const deadline = t0 + spec.safety.maxDuration;
      const abortCounts = new Map<string, number>();
      let probeFailures = 0;
      let nextProbeAt = t0 + spec.steadyState.interval;
      while (true) {
        if (opts.signal?.aborted) throw new AbortDrill(`interrupted (${String(opts.signal.reason ?? 'signal')})`);
        const now = Date.now();
        if (now > deadline) throw new AbortDrill(`safety.maxDuration ${spec.safety.maxDuration} ms reached`);
        // Fault schedule.
        for (let i = 0; i < faults.length; i++) {
          const f = faults[i];
          const w = windows[i];
          if (w.injectedAt === undefined && now >= t0 + f.spec.start) {
            await lock.addLeftover(await f.leftover(ctx));
            journal.add('fault-injecting', { fault: f.name, faultType: f.spec.type, description: w.description });
            try {
              active.set(f.name, await f.inject(ctx));
            } catch (e) {
              journal.add('fault-inject-failed', { fault: f.name, error: (e as Error).message });
              await lock.removeLeftover(f.name);
              throw e;
            }
            w.injectedAt = Date.now();
            metrics?.setFault(f.name, target.id, true);
            journal.add('fault-injected', { fault: f.name });
          } else if (
            w.injectedAt !== undefined &&
            w.rolledBackAt === undefined &&
            now >= w.injectedAt + f.spec.duration
          ) {
            await rollbackOne(f.name);
          }
        }
        // Alerts.
        await pollAlerts();
        // Continuous steady-state checks and abort conditions.
        if (Date.now() >= nextProbeAt) {
          nextProbeAt += spec.steadyState.interval;
          for (const p of spec.steadyState.probes.filter((p) => p.when.includes('during'))) {
            const r = await runProbe(p, prom, target.bootstrapServers, target.sasl);
            probes.during.push(r);
            journal.add('probe', { phase: 'during', ...r });
            probeFailures = r.ok ? 0 : probeFailures + 1;
            if (spec.safety.abortOnProbeFailures > 0 && probeFailures >= spec.safety.abortOnProbeFailures)
              throw new AbortDrill(`probe ${p.name} failed ${probeFailures} times in a row: ${r.detail}`);
          }
          for (const c of spec.safety.abortWhen) {
            const r = await prometheusCheck(prom, c.name, { ...c, ifEmpty: 'pass' });
            // Unanswered, the condition cannot be evaluated: journaled (and counted by the poller).
            if (r.inconclusive) journal.add('abort-condition-unavailable', { condition: c.name, detail: r.detail });
            // The condition describes the danger: "true" means abort.
            const n = r.ok ? (abortCounts.get(c.name) ?? 0) + 1 : 0;
            abortCounts.set(c.name, n);
            if (n >= c.consecutive)
              throw new AbortDrill(`abort condition ${c.name} held ${n} times in a row: ${r.detail}`);
          }
        }
        const last = Date.now();
        const allBack = windows.every((w) => w.rolledBackAt !== undefined);
        const failed = failedAlertPolls();
        const settled = spec.expectations.alerts.every(
          (e) => evaluateFires(e, polls, windowFor(e.fault), last, failed).settled,
        );
        onProgress(last, deadline);
        if (allBack && settled) break;
        await sleep(spec.pollInterval, opts.signal);
      }
      async function rollbackOne(name: string): Promise<void> {
        const h = active.get(name);
        const w = windows.find((x) => x.fault === name)!;
        if (!h) return;
        journal.add('fault-rolling-back', { fault: name });
        try {
          await h.rollback();
        } catch (e) {
          // The drill is no longer under control: stop it; the finally block tries once more and
          // names the fault if it is still in.
          journal.add('rollback-failed', { fault: name, error: (e as Error).message });
          throw new AbortDrill(`rollback of fault ${name} failed: ${(e as Error).message}`);
        }
        active.delete(name);
        w.rolledBackAt = Date.now();
        metrics?.setFault(name, target.id, false);
        await lock.removeLeftover(name);
        journal.add('fault-rolled-back', { fault: name });
      }
    } catch (e) {
      if (e instanceof AbortDrill) {
        abortReason = e.message;
        journal.add('abort', { reason: e.message });
      } else {
        journal.add('error', { error: (e as Error).message });
        throw e;
      }
    } finally {
      // ALWAYS: every fault still in is rolled back, newest first; a failing rollback fails the run
      // (it names the fault left in) and its leftover stays in the lock file for the next run.
      enter('rollback');
      for (const f of [...faults].reverse()) {
        const h = active.get(f.name);
        if (!h) continue;
        try {
          journal.add('fault-rolling-back', { fault: f.name, forced: true });
          await h.rollback();
          active.delete(f.name);
          const w = windows.find((x) => x.fault === f.name)!;
          w.rolledBackAt = Date.now();
          metrics?.setFault(f.name, target.id, false);
          await lock.removeLeftover(f.name);
          journal.add('fault-rolled-back', { fault: f.name });
        } catch (e) {
          const left: LeftBehind = {
            fault: f.name,
            type: f.spec.type,
            target: describeTarget(f.spec.target),
            description: windows.find((x) => x.fault === f.name)!.description,
            error: (e as Error).message,
            lockFile: lock.file,
          };
          leftBehind.push(left);
          journal.add('rollback-failed', { fault: f.name, forced: true, error: left.error });
          const { type: faultType, ...rest } = left;
          journal.add('fault-left-injected', { ...rest, faultType });
        }
      }
      if (load) {
        try {
          await load.stop();
          journal.add('load-stopped');
        } catch (e) {
          journal.add('load-stop-failed', { error: (e as Error).message });
        }
      }
      if (silence) {
        await expireSilence(silence).then(
          () => journal.add('silence-expired', { id: silence!.id }),
          (e: Error) => journal.add('silence-expire-failed', { id: silence!.id, error: e.message }),
        );
      }
      if (metrics) await metrics.close();
      if (webhook) await webhook.close();
      if (lock.leftovers.length === 0) await lock.release();
      else journal.add('lock-kept', { file: lock.file, leftovers: lock.leftovers.map((l) => l.fault) });
      await ctx.close();
    }

    if (!opts.signal?.aborted) {
      enter('steady-state-after');
      for (const p of spec.steadyState.probes.filter((p) => p.when.includes('after'))) {
        const r = await runProbe(p, prom, target.bootstrapServers, target.sasl);
        probes.after.push(r);
        journal.add('probe', { phase: 'after', ...r });
      }
    }
    if (load) {
      enter('data-check');
      const summary = load.summary();
      const slowest = load.slowestWrite?.() ?? null;
      const slowestWrite = slowest ? slowestWriteIn(slowest, windows, journal.startedAtMs) : undefined;
      if (slowestWrite) journal.add('load-slowest-write', { ...slowestWrite });
      const failed = failedThresholds(summary).map((t) =>
        slowestWrite && t.startsWith('kafka_writer_write_seconds:')
          ? `${t} (${describeSlowestWrite(slowestWrite)})`
          : t,
      );
      loadOut = { summary, failedThresholds: failed, ...(slowestWrite ? { slowestWrite } : {}) };
      if (spec.expectations.data) {
        const result = await load.dataCheck();
        dataOutcome = { result, ...judgeData(result, spec.expectations.data) };
        journal.add('data-check', { ...result, passed: dataOutcome.passed, reason: dataOutcome.reason });
      }
    }

    enter('report');
    const end = Date.now();
    const failedPolls = failedAlertPolls();
    const alerts = spec.expectations.alerts.map((e) => evaluateFires(e, polls, windowFor(e.fault), end, failedPolls));
    const silent = spec.expectations.mustNotFire.map((m) => evaluateMustNotFire(m, polls, failedPolls));
    const account = prom.account();
    if (account.failed) journal.add('prometheus-polls-failed', { url: prom.url, ...account });
    const notified = spec.expectations.notifications.map((n) =>
      evaluateNotification(n, webhook?.notifications ?? [], windowFor(n.fault)),
    );
    for (const n of notified)
      journal.add('expectation', { notification: n.alert, receiver: n.receiver, passed: n.passed, reason: n.reason });
    for (const a of alerts)
      journal.add('expectation', {
        alert: a.alert,
        fault: a.fault,
        passed: a.passed,
        reason: a.reason,
        ttdMs: a.ttdMs,
        ttrMs: a.ttrMs,
        ...(a.inconclusive ? { inconclusive: true } : {}),
      });
    for (const s of silent)
      journal.add('expectation', {
        mustNotFire: s.alert,
        passed: s.passed,
        reason: s.reason,
        ...(s.inconclusive ? { inconclusive: true } : {}),
      });
    // A fault still injected comes first: it is what an operator must act on now.
    const leftLines = leftBehind.map(describeLeftBehind);
    const failures = [
      ...leftLines,
      ...alerts.filter((a) => !a.passed).map((a) => `${a.alert}: ${a.reason}`),
      ...silent.filter((s) => !s.passed).map((s) => `${s.alert} must not fire: ${s.reason}`),
      ...notified.filter((n) => !n.passed).map((n) => `${n.alert} -> ${n.receiver}: ${n.reason}`),
      ...(dataOutcome && !dataOutcome.passed ? [`data: ${dataOutcome.reason}`] : []),
      ...(loadOut?.failedThresholds ?? []).map((t) => `threshold ${t}`),
      ...probes.after.filter((r) => !r.ok).map((r) => `steady state after: ${r.probe}: ${r.detail}`),
    ];
    if (abortReason) journal.finish('aborted', [...leftLines, abortReason].join('; '));
    else if (failures.length) journal.finish('failed', failures.join('; '));
    else journal.finish('passed');
    return {
      ...outcome(),
      target,
      alerts,
      silent,
      notified,
      data: dataOutcome,
      load: loadOut,
      exitCode: journal.status === 'passed' ? 0 : 1,
    };
  } catch (e) {
    // A run error with a fault still in: the error names it too (only the journal is written then).
    if (leftBehind.length && e instanceof Error)
      e.message = [e.message, ...leftBehind.map(describeLeftBehind)].join('; ');
    if (journal.status === 'running') journal.finish('error', (e as Error).message);
    (e as { journal?: Journal }).journal = journal;
    throw e;
  } finally {
    await ctx.close();
  }

  function windowFor(name: string | undefined): FaultWindow {
    return windows.find((w) => w.fault === name) ?? windows[0];
  }
  function onProgress(now: number, deadline: number): void {
    if (!opts.onProgress) return;
    const last = polls[polls.length - 1];
    opts.onProgress({
      phase,
      elapsedMs: now - journal.startedAtMs,
      timeLeftMs: Math.max(0, deadline - now),
      activeFaults: windows
        .filter((w) => w.injectedAt !== undefined && w.rolledBackAt === undefined)
        .map((w) => w.fault),
      firing: [...new Set((last?.alerts ?? []).filter((a) => a.state === 'firing').map((a) => a.name))],
    });
  }
}
