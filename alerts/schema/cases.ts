// Builders for promtool cases: series labelled the way the default scrape config labels them
// (job from the selectors, `cluster` on broker series added by relabeling).
import type { AlertsConfig } from '../../common/config/index.js';
import { equalityLabels } from './promql.js';
import type { CaseSeries } from './types.js';

export type Labels = Record<string, string>;

export const TEST_CLUSTER = 'c1';
export const TEST_BROKER = 'broker-1:7071';
export const TEST_EXPORTER = 'exporter:9308';

function render(name: string, labels: Labels): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${name}{${body}}`;
}

export interface CaseKit {
  /** A broker series (job, cluster, instance preset; `labels` override). */
  b(name: string, labels: Labels, values: string): CaseSeries;
  /** An exporter series. */
  e(name: string, labels: Labels, values: string): CaseSeries;
  /** A node_exporter series. */
  n(name: string, labels: Labels, values: string): CaseSeries;
  /** `up` for a broker / exporter target. */
  upBroker(values: string, labels?: Labels): CaseSeries;
  upExporter(values: string, labels?: Labels): CaseSeries;
  /** The labels `up` carries for the default broker / exporter target. */
  readonly brokerTarget: Labels;
  readonly exporterTarget: Labels;
}

export function caseKit(config: AlertsConfig): CaseKit {
  const brokerTarget = { ...equalityLabels(config.selectors.broker), cluster: TEST_CLUSTER, instance: TEST_BROKER };
  const exporterTarget = {
    ...equalityLabels(config.selectors.exporter),
    cluster: TEST_CLUSTER,
    instance: TEST_EXPORTER,
  };
  const nodeTarget = { ...equalityLabels(config.selectors.node), instance: 'broker-1:9100' };
  return {
    b: (name, labels, values) => ({ series: render(name, { ...brokerTarget, ...labels }), values }),
    e: (name, labels, values) => ({ series: render(name, { ...exporterTarget, ...labels }), values }),
    n: (name, labels, values) => ({ series: render(name, { ...nodeTarget, ...labels }), values }),
    upBroker: (values, labels = {}) => ({ series: render('up', { ...brokerTarget, ...labels }), values }),
    upExporter: (values, labels = {}) => ({ series: render('up', { ...exporterTarget, ...labels }), values }),
    brokerTarget,
    exporterTarget,
  };
}

/**
 * promtool values for a counter built from segments of (increment per step, steps), continuous:
 * counter([[0, 60], [5, 30]]) = 60 steps flat at 0, then +5 per step for 30 steps.
 */
export function counter(segments: readonly (readonly [number, number])[], start = 0): string {
  const parts = [String(start)];
  let last = start;
  for (const [inc, steps] of segments) {
    if (steps <= 0) continue;
    const first = round(last + inc);
    parts.push(`${first}+${round(inc)}x${steps - 1}`);
    last = round(first + inc * (steps - 1));
  }
  return parts.join(' ');
}

/** promtool values for a gauge from segments of (value, steps). */
export function gauge(segments: readonly (readonly [number, number])[]): string {
  return segments
    .filter(([, steps]) => steps > 0)
    .map(([v, steps]) => `${round(v)}x${steps - 1}`)
    .join(' ');
}

function round(x: number): number {
  return Number(x.toFixed(6));
}
