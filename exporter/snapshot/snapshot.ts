// The immutable snapshot that /metrics serves: series per catalog family for one cluster.
// Built once per collection by SnapshotBuilder, then only read. Each series is kept as its
// finished exposition line (`name{labels} value\n`): one string per series instead of a sample
// object, a label object and label strings, which keeps a 200k-series snapshot small and makes
// rendering a join. Series are admitted by tier (cluster, broker, topic, group, partition,
// group-partition), so when the cardinality guard hits the limit the most detailed series go
// first and cluster health is always kept.
import { exporterMetrics } from '../../common/metrics/exporter.js';
import { SeriesBudget } from '../cardinality.js';

type Catalog = typeof exporterMetrics;
/** Snapshot families are the catalog's gauges (counters and histograms live in the live registry). */
export type FamilyKey = { [K in keyof Catalog]: Catalog[K]['type'] extends 'gauge' ? K : never }[keyof Catalog];
export type LabelValues = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: LabelValues;
  readonly value: number;
}

export interface ClusterSnapshot {
  readonly cluster: string;
  readonly takenAtMs: number;
  /** Exposition text per family: lines with labels in catalog order, each ending in a newline. */
  readonly families: ReadonlyMap<FamilyKey, string>;
  readonly seriesCount: number;
  readonly droppedSeries: number;
}

/** Admission order of the cardinality guard: lower tiers are kept first. */
export const Tier = { cluster: 0, broker: 1, topic: 2, group: 3, partition: 4, groupPartition: 5 } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];

export const escapeLabelValue = (v: string) => (/[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v);

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class SnapshotBuilder {
  // One bucket per tier: admission walks them in order, no sort and no second copy needed.
  private readonly tiers: { key: FamilyKey; line: string }[][] = Object.values(Tier).map(() => []);
  private readonly clusterLabel: string;

  constructor(
    private readonly cluster: string,
    private readonly seriesLimit: number,
  ) {
    this.clusterLabel = `cluster="${escapeLabelValue(cluster)}"`;
  }

  private readonly prefixes = new Map<FamilyKey, string>();

  /** Add a series (without the `cluster` label, which the builder adds). Labels go in catalog order. */
  add(tier: Tier, key: FamilyKey, labels: Readonly<Record<string, string | number>>, value: number): void {
    let frag = '';
    for (const l of exporterMetrics[key].labels) {
      if (l === 'cluster') continue;
      const v = labels[l];
      if (v === undefined) throw new Error(`${exporterMetrics[key].name}: label ${l} is missing`);
      frag += `,${l}="${typeof v === 'number' ? v : escapeLabelValue(v)}"`;
    }
    this.addFragment(tier, key, frag, value);
  }

  /**
   * Fast path for hot loops: `fragment` is the escaped label part after the cluster label, in
   * catalog order (`,topic="t",partition="0"`), built once and shared by every family of the
   * same object (see labelFragment).
   */
  addFragment(tier: Tier, key: FamilyKey, fragment: string, value: number): void {
    let prefix = this.prefixes.get(key);
    if (prefix === undefined) this.prefixes.set(key, (prefix = `${exporterMetrics[key].name}{${this.clusterLabel}`));
    this.tiers[tier].push({ key, line: prefix + fragment + '} ' + formatValue(value) + '\n' });
  }

  build(takenAtMs: number): ClusterSnapshot {
    const budget = new SeriesBudget(this.seriesLimit);
    const lines = new Map<FamilyKey, string[]>();
    for (const bucket of this.tiers) {
      for (const { key, line } of bucket) {
        if (!budget.take()) continue;
        let list = lines.get(key);
        if (!list) lines.set(key, (list = []));
        list.push(line);
      }
      bucket.length = 0;
    }
    // Joining flattens the concatenated line strings (V8 cons strings) into one flat string per
    // family, so a snapshot costs about its exposition size in memory.
    const families = new Map<FamilyKey, string>();
    for (const [key, list] of lines) families.set(key, list.join(''));
    return Object.freeze({ cluster: this.cluster, takenAtMs, families, seriesCount: budget.admitted, droppedSeries: budget.droppedSeries });
  }
}

/** `,name="value"` pairs in the given order, escaped: the shared label part for addFragment. */
export function labelFragment(pairs: readonly (readonly [string, string | number])[]): string {
  let out = '';
  for (const [k, v] of pairs) out += `,${k}="${typeof v === 'number' ? v : escapeLabelValue(v)}"`;
  return out;
}

/** Parse one exposition line back into labels and value (for tests and the OTel bridge). */
export function parseLine(line: string): Sample {
  const open = line.indexOf('{');
  const close = line.lastIndexOf('}');
  const labels: Record<string, string> = {};
  for (const m of line.slice(open + 1, close).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return { labels, value: Number(line.slice(close + 2).trim()) };
}

/** The samples of one family of a snapshot. */
export function samplesOf(snapshot: ClusterSnapshot, key: FamilyKey): Sample[] {
  const text = snapshot.families.get(key);
  return text ? text.split('\n').filter(Boolean).map(parseLine) : [];
}
