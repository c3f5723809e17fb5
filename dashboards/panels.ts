// Small constructors for panel specs, so dashboard definitions read as lists of what they show.
import type { PanelKind, PanelSpec, QuerySpec, ThresholdStep } from './types.js';

/** The optional part of a panel spec, plus its size (each constructor has a default size). */
export type PanelOptions = Partial<
  Pick<
    PanelSpec,
    'w' | 'h' | 'unit' | 'min' | 'max' | 'decimals' | 'thresholds' | 'valueTexts' | 'runbooks' | 'drilldowns' | 'stack'
  >
>;

type Queries = QuerySpec | QuerySpec[];

function panel(
  kind: PanelKind,
  title: string,
  description: string,
  queries: Queries,
  opts: PanelOptions,
  size: { w: number; h: number },
): PanelSpec {
  return {
    kind,
    title,
    description,
    queries: Array.isArray(queries) ? queries : [queries],
    w: opts.w ?? size.w,
    h: opts.h ?? size.h,
    ...strip(opts),
  };
}

function strip(opts: PanelOptions): Omit<PanelOptions, 'w' | 'h'> {
  const { w: _w, h: _h, ...rest } = opts;
  return rest;
}

export const timeseries = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('timeseries', title, description, queries, opts, { w: 8, h: 8 });
export const stat = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('stat', title, description, queries, opts, { w: 4, h: 4 });
export const gauge = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('gauge', title, description, queries, opts, { w: 6, h: 6 });
export const bargauge = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('bargauge', title, description, queries, opts, { w: 8, h: 8 });
export const table = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('table', title, description, queries, opts, { w: 12, h: 8 });
export const heatmap = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('heatmap', title, description, queries, opts, { w: 12, h: 8 });
export const stateTimeline = (title: string, description: string, queries: Queries, opts: PanelOptions = {}) =>
  panel('state-timeline', title, description, queries, opts, { w: 12, h: 8 });

export function text(title: string, content: string, opts: { w?: number; h?: number } = {}): PanelSpec {
  return { kind: 'text', title, description: title, content, queries: [], w: opts.w ?? 24, h: opts.h ?? 3 };
}

/** A time-series query. */
export const q = (expr: string, legend?: string, extra: Partial<QuerySpec> = {}): QuerySpec => ({
  expr,
  ...(legend === undefined ? {} : { legend }),
  ...extra,
});
/** An instant query (stat / gauge / table of "now"). */
export const instant = (expr: string, legend?: string, extra: Partial<QuerySpec> = {}): QuerySpec =>
  q(expr, legend, { instant: true, ...extra });

/** Colours for "higher is worse": red from `critical` (orange from `warn`). */
export function redFrom(critical: number, warn?: number): ThresholdStep[] {
  const steps: ThresholdStep[] = [{ value: null, color: 'green' }];
  if (warn !== undefined) steps.push({ value: warn, color: 'orange' });
  steps.push({ value: critical, color: 'red' });
  return steps;
}

/** Colours for "lower is worse": red below `critical` (orange below `warn`). */
export function redBelow(critical: number, warn?: number): ThresholdStep[] {
  const steps: ThresholdStep[] = [{ value: null, color: 'red' }];
  if (warn !== undefined) steps.push({ value: critical, color: 'orange' }, { value: warn, color: 'green' });
  else steps.push({ value: critical, color: 'green' });
  return steps;
}

/**
 * `expr or on (labels) 0 * baseline`: an error-rate panel shows zero lines (not "No data") for
 * the groups that have no error series yet; `baseline` is grouped by `on`.
 */
export function orZero(expr: string, baseline: string, on: readonly string[]): string {
  return `(${expr}) or on (${on.join(', ')}) (0 * ${baseline})`;
}
