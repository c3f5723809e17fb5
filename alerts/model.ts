// Spec -> model: collect every rule group from the rule modules, apply the per-alert overrides
// of the config (for, severity, disabled) and fill the annotations every alert carries.
import type { AlertsConfig } from '../common/config/index.js';
import { runbookUrl } from '../common/index.js';
import { brokerRules } from './rules/brokers.js';
import { ruleKit } from './rules/common.js';
import { consumerRules } from './rules/consumers.js';
import { exporterRules } from './rules/exporter.js';
import { probeRules } from './rules/probe.js';
import { replicationRules } from './rules/replication.js';
import { securityRules } from './rules/security.js';
import { sloRuleGroups } from './rules/slo.js';
import { storageRules } from './rules/storage.js';
import { topicRules } from './rules/topics.js';
import type { AlertSpec, RecordSpec, RuleGroupSpec, Severity } from './schema/types.js';

export interface AlertModel {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  readonly annotations: Readonly<Record<'summary' | 'description' | 'runbook_url' | 'dashboard', string>>;
  readonly spec: AlertSpec;
}

export interface GroupModel {
  readonly name: string;
  readonly file: RuleGroupSpec['file'];
  /** Only when the spec sets one; otherwise Prometheus' global evaluation_interval applies. */
  readonly interval?: string;
  readonly records: readonly RecordSpec[];
  readonly alerts: readonly AlertModel[];
}

export interface RuleModel {
  readonly config: AlertsConfig;
  readonly groups: readonly GroupModel[];
  /** Every alert name the specs define, including ones disabled by overrides. */
  readonly knownAlerts: ReadonlySet<string>;
}

/** Every rule group in evaluation-file order, before overrides. */
export function ruleGroupSpecs(config: AlertsConfig): RuleGroupSpec[] {
  const kit = ruleKit(config);
  return [
    brokerRules(kit),
    replicationRules(kit),
    storageRules(kit),
    consumerRules(kit),
    topicRules(kit),
    securityRules(kit),
    probeRules(kit),
    exporterRules(kit),
    ...sloRuleGroups(kit),
  ];
}

export function dashboardUrl(config: AlertsConfig, uid: string): string {
  const base = config.dashboardBaseUrl.replace(/\/+$/, '');
  return `${base}/d/${uid}?var-cluster={{ $labels.cluster }}`;
}

function toModel(config: AlertsConfig, spec: AlertSpec): AlertModel | undefined {
  const o = config.overrides[spec.alert] ?? {};
  if (o.disabled) return undefined;
  return {
    alert: spec.alert,
    expr: spec.expr,
    for: o.for ?? spec.for,
    labels: { ...(spec.labels ?? {}), severity: o.severity ?? spec.severity },
    annotations: {
      summary: spec.summary,
      description: spec.description,
      runbook_url: runbookUrl(spec.alert, config.runbookBaseUrl),
      dashboard: dashboardUrl(config, spec.dashboard),
    },
    spec,
  };
}

export function buildModel(config: AlertsConfig): RuleModel {
  const specs = ruleGroupSpecs(config);
  const knownAlerts = new Set(specs.flatMap((g) => g.alerts.map((a) => a.alert)));
  const groups = specs.map((g) => ({
    name: g.name,
    file: g.file,
    ...(g.interval ? { interval: g.interval } : {}),
    records: g.records,
    alerts: g.alerts.map((a) => toModel(config, a)).filter((a): a is AlertModel => a !== undefined),
  }));
  return { config, groups, knownAlerts };
}

/** Every alert of the model, in file order. */
export function allAlerts(model: RuleModel): AlertModel[] {
  return model.groups.flatMap((g) => g.alerts);
}

/** One entry per alert name (SLO alerts have one rule per SLO under a shared name). */
export function alertsByName(model: RuleModel): Map<string, AlertModel[]> {
  const out = new Map<string, AlertModel[]>();
  for (const a of allAlerts(model)) out.set(a.alert, [...(out.get(a.alert) ?? []), a]);
  return out;
}
