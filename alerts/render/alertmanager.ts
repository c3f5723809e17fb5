// Model -> alertmanager.yml: route by severity to the page and ticket receivers, group by
// cluster and alertname (plus topic/consumergroup for the alerts that name them), inhibit
// symptoms while their cause fires.
import { inhibitions } from '../inhibitions.js';
import { alertsByName, type RuleModel } from '../model.js';
import type { Severity } from '../schema/types.js';
import { toYaml } from './yaml.js';

export const BASE_GROUP_BY = ['cluster', 'alertname'] as const;

interface Route {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

const regexOf = (names: readonly string[]) => names.join('|');

/** Child routes for alerts of `severity` that group by extra labels. */
function groupingRoutes(model: RuleModel, severity: Severity): Route[] {
  const byLabels = new Map<string, string[]>();
  for (const [name, rules] of alertsByName(model)) {
    const a = rules[0];
    if (a.labels.severity !== severity || !a.spec.groupBy?.length) continue;
    const key = a.spec.groupBy.join(',');
    byLabels.set(key, [...(byLabels.get(key) ?? []), name]);
  }
  return [...byLabels].map(([labels, names]) => ({
    matchers: [`alertname=~"${regexOf(names)}"`],
    group_by: [...BASE_GROUP_BY, ...labels.split(',')],
  }));
}

export function alertmanagerConfig(model: RuleModel): Record<string, unknown> {
  const am = model.config.alertmanager;
  const present = new Set(alertsByName(model).keys());
  const severityRoute = (severity: Severity, repeat: string): Route => {
    const r: Route = { receiver: severity, matchers: [`severity="${severity}"`], repeat_interval: repeat };
    const children = groupingRoutes(model, severity);
    if (children.length) r.routes = children;
    return r;
  };
  const receiver = (name: string, url: string) =>
    url ? { name, webhook_configs: [{ url, send_resolved: true }] } : { name };
  const inhibit_rules = inhibitions
    .filter((i) => present.has(i.source))
    .map((i) => ({ ...i, targets: i.targets.filter((t) => present.has(t)) }))
    .filter((i) => i.targets.length > 0)
    .map((i) => ({
      source_matchers: [`alertname="${i.source}"`],
      target_matchers: [`alertname=~"${regexOf(i.targets)}"`],
      equal: [...i.equal],
    }));
  return {
    route: {
      receiver: 'ticket',
      group_by: [...BASE_GROUP_BY],
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.ticketRepeatInterval,
      routes: [severityRoute('page', am.pageRepeatInterval), severityRoute('ticket', am.ticketRepeatInterval)],
    },
    receivers: [receiver('page', am.pageWebhookUrl), receiver('ticket', am.ticketWebhookUrl)],
    inhibit_rules,
  };
}

export function renderAlertmanager(model: RuleModel): string {
  return toYaml(alertmanagerConfig(model));
}
