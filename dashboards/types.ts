// The dashboard model: what each dashboard shows, independent of Grafana's JSON. Definitions
// build these; render.ts turns them into Grafana dashboards through the foundation SDK, and
// queries.ts walks them to check every query against a real Prometheus.
import type { DashboardUid, LinkedAlert } from '../common/index.js';

export type PanelKind = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table' | 'heatmap' | 'state-timeline' | 'text';
export type VariableName = 'cluster' | 'instance' | 'broker' | 'topic' | 'consumergroup';
/**
 * Every dashboard declares every filter variable: promql.ts adds a matcher for each label a
 * series has, so a query may reference any of them.
 */
export const allVariables: readonly VariableName[] = ['cluster', 'instance', 'broker', 'topic', 'consumergroup'];

export interface QuerySpec {
  expr: string;
  /** Legend template, e.g. `{{topic}}`. */
  legend?: string;
  /** Instant query (tables, stats of "now"). */
  instant?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  /**
   * Set when the query is expected to return nothing on a healthy cluster (it shows a fault):
   * the reason is listed in the README's fault-only table and the live check allows emptiness.
   */
  faultOnly?: string;
  /**
   * Set when the query reads series that exist only for a kind of workload the cluster may not run
   * (share groups): empty while healthy as well as during a fault, so the live check allows
   * emptiness and the fault watch does not wait for data. Listed in the README's table of them.
   */
  workloadOnly?: string;
}

export interface ThresholdStep {
  value: number | null;
  color: 'green' | 'yellow' | 'orange' | 'red' | 'blue' | 'text';
}

export interface ValueText {
  value: number;
  text: string;
  color: ThresholdStep['color'];
}

export interface PanelSpec {
  kind: PanelKind;
  title: string;
  /** Shown as the panel's (i) tooltip: what it shows and what a bad value means. */
  description: string;
  /** Grid width (of 24) and height. */
  w: number;
  h: number;
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  /** Colour steps; the first step has value null. Match them to the alert that reads the panel. */
  thresholds?: ThresholdStep[];
  /** Value mappings for state panels (e.g. Burrow status numbers to names). */
  valueTexts?: ValueText[];
  queries: QuerySpec[];
  /** Alerts this panel backs: each gets a runbook link. */
  runbooks?: LinkedAlert[];
  /** Drill-down links to other dashboards (the current variables and time range are carried). */
  drilldowns?: DashboardUid[];
  stack?: boolean;
  /** Markdown for text panels. */
  content?: string;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  uid: DashboardUid;
  title: string;
  description: string;
  tags: string[];
  variables: readonly VariableName[];
  rows: RowSpec[];
  /** Default time range, e.g. now-6h. */
  from: string;
  /** Show the chaos fault annotation (game day) in addition to the alert annotations. */
  gamedayAnnotations?: boolean;
}
