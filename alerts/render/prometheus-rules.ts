// Model -> Prometheus rule files (one per RuleGroupSpec.file) and the same groups as a
// Kubernetes PrometheusRule manifest.
import type { AlertModel, GroupModel, RuleModel } from '../model.js';
import type { RecordSpec } from '../schema/types.js';
import { toYaml } from './yaml.js';

export interface PromRecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
export interface PromAlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface PromRuleGroup {
  name: string;
  interval?: string;
  rules: (PromRecordingRule | PromAlertingRule)[];
}

function recordingRule(r: RecordSpec): PromRecordingRule {
  return r.labels ? { record: r.record, expr: r.expr, labels: { ...r.labels } } : { record: r.record, expr: r.expr };
}

function alertingRule(a: AlertModel, withAnnotations: boolean): PromAlertingRule {
  return {
    alert: a.alert,
    expr: a.expr,
    for: a.for,
    labels: { ...a.labels },
    annotations: withAnnotations ? { ...a.annotations } : {},
  };
}

/**
 * `withAnnotations: false` is for promtool unit tests only: promtool compares annotations
 * exactly, and the rendered templates (humanize...) are checked by `promtool check rules`.
 */
export function promGroup(g: GroupModel, withAnnotations = true): PromRuleGroup {
  const rules = [...g.records.map(recordingRule), ...g.alerts.map((a) => alertingRule(a, withAnnotations))];
  return g.interval ? { name: g.name, interval: g.interval, rules } : { name: g.name, rules };
}

/** Rule file name for a group's file key. */
export function ruleFileName(file: GroupModel['file']): string {
  return `${file}.rules.yaml`;
}

/** file name -> YAML text, in model order. */
export function renderRuleFiles(model: RuleModel, withAnnotations = true): Map<string, string> {
  const byFile = new Map<string, PromRuleGroup[]>();
  for (const g of model.groups) {
    if (g.records.length === 0 && g.alerts.length === 0) continue;
    const name = ruleFileName(g.file);
    byFile.set(name, [...(byFile.get(name) ?? []), promGroup(g, withAnnotations)]);
  }
  return new Map([...byFile].map(([name, groups]) => [name, toYaml({ groups })]));
}

export function renderPrometheusRule(model: RuleModel): string {
  const k = model.config.kubernetes;
  const metadata: Record<string, unknown> = { name: k.name };
  if (k.namespace) metadata.namespace = k.namespace;
  metadata.labels = { ...k.labels };
  const groups = model.groups.filter((g) => g.records.length + g.alerts.length > 0).map((g) => promGroup(g));
  return toYaml({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata, spec: { groups } });
}
