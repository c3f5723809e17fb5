// /metrics exposition. Two registries, disjoint families:
// - the snapshots: the latest immutable snapshot of every cluster, already exposition bytes per
//   family (snapshot.ts); a publish only orders those buffers behind their HELP/TYPE headers, and
//   a scrape writes them as they are, so it costs a socket write however large the cluster is and
//   however many scrapers there are;
// - the live registry: exporter self-metrics, SLI counters and burn rates, and probe histograms,
//   which change between collections.
// Every name comes from the catalog (common/metrics/exporter.ts).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { exporterMetrics } from '../../common/metrics/index.js';
import type { ClusterSnapshot, FamilyKey } from '../snapshot/snapshot.js';
import { compressPart, gzipBody, type CompressedPart } from './gzip-exposition.js';

type Key = keyof typeof exporterMetrics;
type KeysOfType<T extends string> = { [K in Key]: (typeof exporterMetrics)[K]['type'] extends T ? K : never }[Key];

/** Probe latency buckets in seconds: 1 ms .. 10 s. */
export const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function catalogGauge<K extends KeysOfType<'gauge'>>(key: K, registry: Registry): Gauge<string> {
  const d = exporterMetrics[key];
  return new Gauge({ name: d.name, help: d.help, labelNames: [...d.labels], registers: [registry] });
}
export function catalogCounter<K extends KeysOfType<'counter'>>(key: K, registry: Registry): Counter<string> {
  const d = exporterMetrics[key];
  return new Counter({ name: d.name, help: d.help, labelNames: [...d.labels], registers: [registry] });
}
export function catalogHistogram<K extends KeysOfType<'histogram'>>(
  key: K,
  registry: Registry,
  buckets = latencyBuckets,
): Histogram<string> {
  const d = exporterMetrics[key];
  return new Histogram({ name: d.name, help: d.help, labelNames: [...d.labels], buckets, registers: [registry] });
}

const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

const headers = new Map<FamilyKey, Buffer>();
const headerOf = (key: FamilyKey) => {
  let h = headers.get(key);
  if (!h) {
    const d = exporterMetrics[key];
    headers.set(key, (h = Buffer.from(`# HELP ${d.name} ${escapeHelp(d.help)}\n# TYPE ${d.name} gauge\n`)));
  }
  return h;
};

/**
 * The snapshots of all clusters as one exposition (Prometheus text format 0.0.4, as prom-client
 * writes it: one HELP/TYPE per family, labels in catalog order), given as the list of buffers
 * to write in order. Snapshot families are finished bytes already (snapshot.ts), so this only
 * orders references: nothing is copied, and a scrape writes the same buffers again. Going
 * through prom-client's per-series Gauge.set would cost seconds at 200k series; the live
 * registry (counters, histograms) still renders through prom-client.
 */
export function snapshotChunks(snapshots: readonly ClusterSnapshot[]): Buffer[] {
  const out: Buffer[] = [];
  for (const key of Object.keys(exporterMetrics) as FamilyKey[]) {
    let header = false;
    for (const snap of snapshots) {
      const bytes = snap.families.get(key);
      if (!bytes) continue;
      if (!header) out.push(headerOf(key));
      header = true;
      for (const b of bytes) out.push(b);
    }
  }
  return out;
}

/** Self-metrics of the exporter per cluster. */
export class SelfMetrics {
  readonly up: Gauge<string>;
  readonly lastSuccess: Gauge<string>;
  readonly duration: Gauge<string>;
  readonly stale: Gauge<string>;
  readonly requestErrors: Counter<string>;
  readonly series: Gauge<string>;
  readonly limitReached: Gauge<string>;

  constructor(registry: Registry) {
    this.up = catalogGauge('exporterUp', registry);
    this.lastSuccess = catalogGauge('exporterLastSuccess', registry);
    this.duration = catalogGauge('exporterCollectionDuration', registry);
    this.stale = catalogGauge('exporterSnapshotStale', registry);
    this.requestErrors = catalogCounter('exporterRequestErrors', registry);
    this.series = catalogGauge('exporterSeries', registry);
    this.limitReached = catalogGauge('exporterSeriesLimitReached', registry);
  }
}

/**
 * What /metrics serves: the cached snapshot text plus the live registry. `publish` replaces a
 * cluster's snapshot; a failed collection calls `markFailed`, which keeps the previous snapshot
 * and flips up/stale, so a scrape never fails because Kafka did.
 */
export class MetricsHub {
  readonly live = new Registry();
  readonly self = new SelfMetrics(this.live);
  private readonly snapshots = new Map<string, ClusterSnapshot>();
  /** Identity scrapes in flight per snapshot: their chunks go back to the pool only at zero. */
  private readonly writers = new Map<ClusterSnapshot, number>();
  /** Snapshots replaced while a scrape was still writing them. */
  private readonly retired = new Set<ClusterSnapshot>();
  /** The rendered snapshots, ordered once per publish (a scrape writes these buffers as they are). */
  private chunks: readonly Buffer[] = [];
  /** The same bytes compressed once per publish, for scrapers that accept gzip. */
  private compressed?: CompressedPart;
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(clusters: readonly string[]) {
    for (const c of clusters) {
      this.self.up.set({ cluster: c }, 0);
      this.self.stale.set({ cluster: c }, 0);
      this.self.series.set({ cluster: c }, 0);
      this.self.limitReached.set({ cluster: c }, 0);
    }
  }

  async publish(snapshot: ClusterSnapshot, durationSeconds: number): Promise<void> {
    const c = { cluster: snapshot.cluster };
    await this.swap(snapshot);
    this.self.up.set(c, 1);
    this.self.stale.set(c, 0);
    this.self.lastSuccess.set(c, snapshot.takenAtMs / 1000);
    this.self.duration.set(c, durationSeconds);
    this.self.series.set(c, snapshot.seriesCount);
    this.self.limitReached.set(c, snapshot.droppedSeries > 0 ? 1 : 0);
  }

  /**
   * Replaces a cluster's served snapshot with a cut-down copy of it (restrict.ts) after a failed
   * cycle: still stale and from the same collection, so up, stale and last-success stay as they are.
   */
  async replaceStale(snapshot: ClusterSnapshot): Promise<void> {
    await this.swap(snapshot);
    this.self.series.set({ cluster: snapshot.cluster }, snapshot.seriesCount);
  }

  private async swap(snapshot: ClusterSnapshot): Promise<void> {
    // Publishes are serialized (clusters collect in parallel), and the identity and gzip forms
    // are swapped in together, so both encodings always serve the same snapshots.
    const turn = this.publishing.then(async () => {
      const snapshots = new Map(this.snapshots).set(snapshot.cluster, snapshot);
      const chunks = snapshotChunks([...snapshots.values()]);
      const compressed = await compressPart(chunks);
      const previous = this.snapshots.get(snapshot.cluster);
      this.snapshots.set(snapshot.cluster, snapshot);
      this.chunks = chunks;
      this.compressed = compressed;
      if (previous && previous !== snapshot) this.retire(previous);
    });
    this.publishing = turn.catch(() => undefined);
    await turn;
  }

  markFailed(cluster: string, durationSeconds: number): void {
    const c = { cluster };
    this.self.up.set(c, 0);
    this.self.stale.set(c, this.snapshots.has(cluster) ? 1 : 0);
    this.self.duration.set(c, durationSeconds);
  }

  countRequestErrors(cluster: string, errors: ReadonlyMap<string, number>): void {
    for (const [api, n] of errors) if (n > 0) this.self.requestErrors.inc({ cluster, api }, n);
  }

  snapshot(cluster: string): ClusterSnapshot | undefined {
    return this.snapshots.get(cluster);
  }

  /**
   * What one scrape sends, in order: the snapshot buffers (shared by every scrape, never
   * copied) and the live registry's text, rendered now. With `gzip`, one gzip member made of
   * the snapshot compressed at publish and the live text compressed now (gzip-exposition.ts).
   * The buffers stay valid until `release` is called (once, when the response is done): only
   * then may a replaced snapshot's chunks be reused for the next one.
   */
  async scrape(gzip = false): Promise<{ chunks: Buffer[]; release(): void }> {
    const live = Buffer.from(await this.live.metrics());
    if (gzip) return { chunks: gzipBody(this.compressed ?? (await compressPart([])), live), release: () => undefined };
    const held = [...this.snapshots.values()];
    for (const s of held) this.writers.set(s, (this.writers.get(s) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const s of held) {
        const n = (this.writers.get(s) ?? 1) - 1;
        if (n > 0) this.writers.set(s, n);
        else {
          this.writers.delete(s);
          if (this.retired.delete(s)) this.recycle(s);
        }
      }
    };
    return { chunks: [...this.chunks, live], release };
  }

  /** The whole exposition as one buffer (tests, tools); the HTTP server writes `scrape()` instead. */
  async render(gzip = false): Promise<Buffer> {
    const { chunks, release } = await this.scrape(gzip);
    try {
      return Buffer.concat(chunks);
    } finally {
      release();
    }
  }

  /** A snapshot left the exposition: recycle its chunks now, or when its last scrape is done. */
  private retire(snapshot: ClusterSnapshot): void {
    if (this.writers.has(snapshot)) this.retired.add(snapshot);
    else this.recycle(snapshot);
  }

  private recycle(snapshot: ClusterSnapshot): void {
    if (snapshot.pool && snapshot.backing) snapshot.pool.give(snapshot.backing);
  }

  get contentType(): string {
    return this.live.contentType;
  }
}
