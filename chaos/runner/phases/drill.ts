// One game day's state, shared by the phases runOnTarget calls in order (phases/*.ts). The phases
// are plain functions over this object, not closures inside one long function, so each reads on
// its own and what they share is exactly what is listed here.
import { randomUUID } from 'node:crypto';
import type { EmbeddedStack } from '../../embedded/stack.js';
import { defaultFaultRegistry, type FaultRegistry } from '../../faults/registry.js';
import type { Fault, FaultContext, ResolvedTarget, RollbackHandle } from '../../faults/types.js';
import type { GameDaySpec } from '../../schema/schema.js';
import type { AlertPoll, FailedPoll, FaultWindow } from '../../verify/alerts.js';
import { PrometheusClient } from '../../verify/prometheus.js';
import { PrometheusPoller } from '../../verify/prometheus-poller.js';
import type { WebhookReceiver } from '../../verify/webhook.js';
import { faultContext } from '../fault-context.js';
import type { Silence } from '../hygiene.js';
import { Journal } from '../journal.js';
import type { LeftBehind } from '../left-behind.js';
import type { RunnerMetrics } from '../metrics.js';
import type { LoadRunner, Phase, RunOptions, RunOutcome } from '../run-types.js';
import { resolveTarget } from '../target.js';

/** A fault's window (the verdicts' time base) with what the reports say of it. */
export type FaultRecord = FaultWindow & { type: string; description: string };

export interface Drill {
  readonly opts: RunOptions;
  readonly spec: GameDaySpec;
  readonly registry: FaultRegistry;
  readonly runId: string;
  readonly journal: Journal;
  readonly target: ResolvedTarget;
  /** The spec's faults, in spec order. */
  readonly faults: Fault[];
  /** One per fault, in the same order: when it went in and when it came out. */
  readonly windows: FaultRecord[];
  /** The alert polls that answered (the failed ones are in the poller's records). */
  readonly polls: AlertPoll[];
  readonly probes: RunOutcome['probes'];
  /** Faults whose rollback failed: still injected when the run ends, and they fail it. */
  readonly leftBehind: LeftBehind[];
  /** Rollback handles of the faults injected now, by fault name. */
  readonly active: Map<string, RollbackHandle>;
  readonly ctx: FaultContext & { close(): Promise<void> };
  /** Every Prometheus poll of the drill goes through this one poller (it records failures). */
  readonly prom: PrometheusPoller;
  /** Where the run is (progress lines show it). */
  phase: Phase;
  load?: LoadRunner;
  metrics?: RunnerMetrics;
  webhook?: WebhookReceiver;
  silence?: Silence;
}

/**
 * Start the run's record and resolve its target. The journal has `run-started` and the pre-flight
 * phase when this returns: resolving the target is pre-flight's first check, and a target that
 * cannot be resolved throws before anything else (no journal is written then).
 */
export function openDrill(opts: RunOptions, embedded?: EmbeddedStack): Drill {
  const { spec, file } = opts.loaded;
  const registry = opts.registry ?? defaultFaultRegistry();
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  const journal = new Journal(runId, spec.name, file, '?');
  journal.add('run-started', { spec: spec.name, file });
  const faults = spec.faults.map((f) => registry.create(f));
  const windows = faults.map((f) => ({ fault: f.name, type: f.spec.type, description: '' }) as FaultRecord);

  journal.add('phase', { phase: 'pre-flight' });
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
  const d: Drill = {
    opts,
    spec,
    registry,
    runId,
    journal,
    target,
    faults,
    windows,
    polls: [],
    probes: { before: [], during: [], after: [] },
    leftBehind: [],
    active: new Map(),
    // Faults that act on the load reach it through the context; the load starts later.
    ctx: faultContext(target, () => d.load),
    prom: new PrometheusPoller(new PrometheusClient(target.prometheusUrl)),
    phase: 'pre-flight',
  };
  return d;
}

/** Move to the next phase; the journal records every phase change. */
export function enter(d: Drill, phase: Phase): void {
  d.phase = phase;
  d.journal.add('phase', { phase });
}

/**
 * Stops the drill early without being an error (failed steady state, probe failures, an abort
 * condition, max duration, a signal, a failed scheduled rollback): faults are still rolled back,
 * the verdicts still evaluated, and the run ends `aborted`.
 */
export class AbortDrill extends Error {}

/**
 * The drill stopped early: an AbortDrill is journaled and its reason returned; anything else is
 * an error, journaled and thrown again.
 */
export function abortReasonOf(d: Drill, e: unknown): string {
  if (e instanceof AbortDrill) {
    d.journal.add('abort', { reason: e.message });
    return e.message;
  }
  d.journal.add('error', { error: (e as Error).message });
  throw e;
}

/** One poll of Prometheus's alerts; a poll that did not answer is journaled, never fatal. */
export async function pollAlerts(d: Drill): Promise<void> {
  const r = await d.prom.alerts();
  if (r.ok) d.polls.push(r.value);
  else d.journal.add('alerts-poll-failed', { error: r.error });
}

/** Alert polls that did not answer: no evidence for the verdicts. */
export function failedAlertPolls(d: Drill): FailedPoll[] {
  return d.prom
    .records({ kind: 'alerts' })
    .flatMap((r) => (r.ok ? [] : [{ at: r.at, error: r.error ?? 'unknown error' }]));
}

/** The window of the fault an expectation names (the first fault's when it names none). */
export function windowFor(d: Drill, name: string | undefined): FaultWindow {
  return d.windows.find((w) => w.fault === name) ?? d.windows[0];
}
