// The runner's public types: its options, progress, the load it drives and the run's outcome.
// Kept apart from runner.ts so the phase modules (runner/phases/) can name them without an import
// cycle through the orchestration.
import type { FaultRegistry } from '../faults/registry.js';
import type { LoadControl, ResolvedTarget } from '../faults/types.js';
import type { DataCheckResult } from '../load/data-check.js';
import type { K6Summary, Slowest } from '../load/k6-metrics.js';
import type { LoadedSpec } from '../schema/parse.js';
import type { GameDaySpec } from '../schema/schema.js';
import type { AlertExpectationResult, AlertPoll, FaultWindow, MustNotFireResult } from '../verify/alerts.js';
import type { NotificationResult } from '../verify/webhook.js';
import type { PollAccount, PrometheusPoller } from '../verify/prometheus-poller.js';
import type { ReportSignals } from '../report/signals.js';
import type { Journal } from './journal.js';
import type { LeftBehind } from './left-behind.js';
import type { SlowestWrite } from './slowest-write.js';
import type { ProbeResult } from './probes.js';

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
  /** What the report charts, read from Prometheus as the drill ended (before an embedded target stops). */
  signals?: ReportSignals;
  windowStartMs: number;
  windowEndMs: number;
}
