// Model validation, apart from generation (sloth's validate step): naming, required alerts,
// annotations, runbooks, promtool cases, overrides and metric names. Returns problems as lines.
import {
  GROUP_PROTOCOL_ALERTS,
  REQUIRED_ALERTS,
  TRANSACTION_ALERTS,
  promDurationSeconds,
  metricNamesIn,
} from '../common/index.js';
import { classifyMetricName } from './alternatives.js';
import { inhibitions } from './inhibitions.js';
import { alertsByName, allAlerts, type RuleModel } from './model.js';

/** Metric names every rule of the model reads, with the verdict for each. */
export function metricUsage(
  model: RuleModel,
): { name: string; rule: string; verdict: ReturnType<typeof classifyMetricName> }[] {
  const recorded = new Set(model.groups.flatMap((g) => g.records.map((r) => r.record)));
  const rules = model.groups.flatMap((g) => [
    ...g.records.map((r) => ({ rule: r.record, expr: r.expr })),
    ...g.alerts.map((a) => ({ rule: a.alert, expr: a.expr })),
  ]);
  return rules.flatMap(({ rule, expr }) =>
    metricNamesIn(expr).map((name) => ({ name, rule, verdict: classifyMetricName(name, recorded) })),
  );
}

export function validateModel(model: RuleModel): string[] {
  const problems: string[] = [];
  const groupNames = new Set<string>();
  for (const g of model.groups) {
    if (groupNames.has(g.name)) problems.push(`rule group ${g.name} is defined twice`);
    groupNames.add(g.name);
  }
  const byName = alertsByName(model);
  const disabled = new Set(
    Object.entries(model.config.overrides)
      .filter(([, o]) => o.disabled)
      .map(([n]) => n),
  );
  for (const name of Object.keys(model.config.overrides)) {
    if (!model.knownAlerts.has(name)) problems.push(`alerts.overrides.${name}: no alert has this name`);
  }
  // The group-protocol and transaction alerts are linked from dashboard panels: they must exist too (unless disabled).
  for (const name of [...REQUIRED_ALERTS, ...GROUP_PROTOCOL_ALERTS, ...TRANSACTION_ALERTS])
    if (!byName.has(name) && !disabled.has(name) && !(name.startsWith('KafkaSLO') && model.config.slos.length === 0))
      problems.push(`required alert ${name} is missing`);
  for (const [name, rules] of byName) {
    if (!/^Kafka[A-Za-z]+$/.test(name)) problems.push(`${name}: alert names are Kafka<CamelCase>`);
    if (new Set(rules.map((r) => r.labels.severity)).size > 1)
      problems.push(`${name}: rules with this name disagree on severity`);
    const withCases = rules.flatMap((r) => r.spec.cases);
    if (!withCases.some((c) => c.fires.length > 0)) problems.push(`${name}: needs a promtool case where it fires`);
    if (!withCases.some((c) => c.fires.length === 0))
      problems.push(`${name}: needs a healthy promtool case where it does not fire`);
  }
  for (const a of allAlerts(model)) {
    const rb = a.spec.runbook;
    if (!a.spec.summary.includes('{{ $labels.cluster }}')) problems.push(`${a.alert}: summary must name the cluster`);
    if (!a.spec.description.includes('{{ $labels.'))
      problems.push(`${a.alert}: description must name the affected object through its labels`);
    if (!rb.meaning || !rb.impact || !rb.escalate || rb.mitigation.length === 0)
      problems.push(`${a.alert}: runbook needs meaning, impact, mitigation and escalation`);
    if (rb.confirm.length === 0 || rb.queries.length === 0)
      problems.push(`${a.alert}: runbook needs confirming queries and commands`);
    if (rb.confirm.some((c) => c.mutates))
      problems.push(`${a.alert}: confirmation commands must not change the cluster`);
  }
  for (const i of inhibitions)
    for (const n of [i.source, ...i.targets])
      if (!byName.has(n) && !disabled.has(n)) problems.push(`inhibition ${i.source}: unknown alert ${n}`);
  const slos = model.config.slos.map((s) => s.name);
  if (new Set(slos).size !== slos.length) problems.push(`alerts.slos: SLO names must be unique (${slos.join(', ')})`);
  const w = model.config.windows;
  const samples = Math.floor(promDurationSeconds(w.rebalancing) / promDurationSeconds(w.rebalancingStep));
  if (model.config.thresholds.rebalancingMinutes > samples)
    problems.push(
      `alerts.thresholds.rebalancingMinutes (${model.config.thresholds.rebalancingMinutes}) exceeds the ${samples} samples in windows.rebalancing (${w.rebalancing} every ${w.rebalancingStep}): KafkaConsumerGroupRebalancing could never fire`,
    );
  for (const u of metricUsage(model))
    if (u.verdict === 'unknown')
      problems.push(`${u.rule}: metric ${u.name} is neither in the metric catalog nor a documented alternative`);
  return problems;
}
