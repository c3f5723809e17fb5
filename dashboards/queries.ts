// Every query the dashboards send to Prometheus (panel targets, variable queries, annotation
// queries), with Grafana's template variables replaced by concrete values, so a test can run
// them against a real Prometheus. Queries marked fault-only may return nothing while healthy.
import type { DashboardUid } from '../common/index.js';
import { alertAnnotationExpr, gamedayFaultExpr } from './annotations.js';
import { dashboardSpecs } from './registry.js';
import type { DashboardThresholds } from './thresholds.js';
import { variableSelector } from './variables.js';

export interface DashboardQuery {
  dashboard: DashboardUid;
  /** Panel title, `variable <name>` or `annotation <name>`. */
  source: string;
  /** The query as stored in the dashboard. */
  expr: string;
  /** Why it may be empty on a healthy cluster; absent for queries that must return data. */
  faultOnly?: string;
  /** Why it is empty unless the cluster runs a kind of workload (share groups); see QuerySpec.workloadOnly. */
  workloadOnly?: string;
}

/** What the checks put in place of Grafana's variables ("All" for every filter). */
export const substitutions: Readonly<Record<string, string>> = {
  cluster: '.*',
  instance: '.*',
  broker: '.*',
  topic: '.*',
  consumergroup: '.*',
  __rate_interval: '1m',
  __interval: '30s',
  __range: '1h',
};

export function substitute(expr: string, values: Readonly<Record<string, string>> = substitutions): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = values[name];
      if (value === undefined) throw new Error(`no value for template variable ${whole} in ${expr}`);
      return value;
    },
  );
}

export function dashboardQueries(thresholds?: DashboardThresholds): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const spec of dashboardSpecs(thresholds)) {
    for (const v of spec.variables)
      out.push({ dashboard: spec.uid, source: `variable ${v}`, expr: variableSelector(v) });
    out.push({
      dashboard: spec.uid,
      source: 'annotation Firing alerts',
      expr: alertAnnotationExpr(),
      faultOnly: 'no alert fires on a healthy cluster',
    });
    if (spec.gamedayAnnotations)
      out.push({
        dashboard: spec.uid,
        source: 'annotation Game-day faults',
        expr: gamedayFaultExpr(),
        faultOnly: 'the chaos runner exposes fault series only during a game day',
      });
    for (const row of spec.rows) {
      for (const panel of row.panels) {
        for (const q of panel.queries)
          out.push({
            dashboard: spec.uid,
            source: panel.title,
            expr: q.expr,
            ...(q.faultOnly ? { faultOnly: q.faultOnly } : {}),
            ...(q.workloadOnly ? { workloadOnly: q.workloadOnly } : {}),
          });
      }
    }
  }
  return out;
}
