// Shape of a metric catalog entry. Alerts and dashboards reference metrics only through the
// catalog, so a rename is one edit and a test can prove every referenced name is emitted.
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';
/** Who emits the series: the reference broker, the exporter, the chaos runner or the proxy. */
export type MetricSource = 'broker' | 'exporter' | 'chaos' | 'proxy';

export interface MetricDef {
  /** Exposition name; for histograms/summaries the base name (without _bucket/_count/_sum). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly source: MetricSource;
}

/** Declare a catalog section; keeps literal names so lookups are typed. */
export function defineMetrics<const T extends Record<string, Omit<MetricDef, 'source'>>>(
  source: MetricSource,
  defs: T,
): { readonly [K in keyof T]: T[K] & { readonly source: MetricSource } } {
  const out: Record<string, MetricDef> = {};
  for (const [key, def] of Object.entries(defs)) out[key] = { ...def, source };
  return out as { readonly [K in keyof T]: T[K] & { readonly source: MetricSource } };
}
