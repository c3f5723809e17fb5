// Typed rule specifications: what every alert carries (severity, annotations, runbook, dashboard,
// routing hints, promtool cases). Rule modules under alerts/rules/ produce these; the model,
// validator and renderers consume them.
import type { AlertThresholds, AlertsConfig } from '../../common/config/index.js';
import type { DashboardUid } from '../../common/index.js';

export type Severity = 'page' | 'ticket';

/** A shell command a runbook shows; kept structured so a test can execute them. */
export interface RunbookCommand {
  /** One line of sh; may use the variables the runbook declares ($BOOTSTRAP, $GROUP, ...). */
  readonly sh: string;
  /** What the output tells you. */
  readonly why: string;
  /** True for commands that change the cluster (shown under mitigation only). */
  readonly mutates?: boolean;
}

export interface RunbookSpec {
  readonly meaning: string;
  readonly impact: string;
  /** PromQL to paste into Prometheus to confirm. */
  readonly queries: readonly string[];
  readonly confirm: readonly RunbookCommand[];
  readonly mitigation: readonly string[];
  readonly mitigationCommands?: readonly RunbookCommand[];
  readonly escalate: string;
}

/** One promtool input series. */
export interface CaseSeries {
  readonly series: string;
  readonly values: string;
}

/** A promtool case: input series and, at evalTime, the alerts expected (empty = healthy). */
export interface AlertCase {
  readonly name: string;
  readonly series: readonly CaseSeries[];
  readonly evalTime: string;
  /** Labels of each expected alert, without alertname and severity (added by the test writer). */
  readonly fires: readonly Record<string, string>[];
  /** promtool interval between input samples (default 1m). */
  readonly interval?: string;
}

export interface AlertSpec {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  readonly dashboard: DashboardUid;
  /** Labels besides cluster/alertname that Alertmanager should group by (topic, consumergroup). */
  readonly groupBy?: readonly string[];
  /** Extra static labels. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly runbook: RunbookSpec;
  /** At least one firing and one nearby healthy case, built from the default config. */
  readonly cases: readonly AlertCase[];
}

export interface RecordSpec {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroupSpec {
  readonly name: string;
  /** Which generated rule file the group goes to (kafka-sre-<file>.rules.yaml). */
  readonly file: 'kafka' | 'slo';
  readonly interval?: string;
  readonly records: readonly RecordSpec[];
  readonly alerts: readonly AlertSpec[];
}

/** What rule modules are given: thresholds and the PromQL building blocks for the selectors. */
export interface RuleContext {
  readonly config: AlertsConfig;
  readonly t: AlertThresholds;
}
