// /metrics exposition. Two registries, disjoint families:
// - the snapshots: the latest immutable snapshot of every cluster, already compressed exposition
//   bytes per family (snapshot.ts); a publish only orders those pieces behind their HELP/TYPE
//   headers, and a gzip scrape writes them as they are, so it costs a socket write however large
//   the cluster is and however many scrapers there are; an identity scrape inflates them as the
//   socket takes them (no uncompressed copy of the exposition is kept);
// - the live registry: exporter self-metrics, SLI counters and burn rates, and probe histograms,
//   which change between collections.
// Every name comes from the catalog (common/metrics/exporter.ts).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { exporterMetrics } from '../../common/metrics/index.js';
import type { ClusterSnapshot, FamilyKey } from '../snapshot/snapshot.js';
import {
  compressPiece,
  gzipBody,
  inflatePieceAsync,
  joinPieces,
  type CompressedPart,
  type Piece,
} from './gzip-exposition.js';

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

/** HELP/TYPE lines per family, compressed once for the process (and kept raw: they are small). */
const headers = new Map<FamilyKey, Piece>();
const headerOf = (key: FamilyKey) => {
  let h = headers.get(key);
  if (!h) {
    const d = exporterMetrics[key];
    const raw = Buffer.from(`# HELP ${d.name} ${escapeHelp(d.help)}\n# TYPE ${d.name} gauge\n`);
    headers.set(key, (h = { ...compressPiece(raw), raw }));
  }
  return h;
};

/**
 * The snapshots of all clusters as one exposition (Prometheus text format 0.0.4, as prom-client
 * writes it: one HELP/TYPE per family, labels in catalog order), given as the list of compressed
 * pieces in order. Snapshot families are finished pieces already (snapshot.ts), so this only
 * orders references: nothing is compressed or copied. Going through prom-client's per-series
 * Gauge.set would cost seconds at 200k series; the live registry (counters, histograms) still
 * renders through prom-client.
 */
export function snapshotPieces(snapshots: readonly ClusterSnapshot[]): Piece[] {
  const out: Piece[] = [];
  for (const key of Object.keys(exporterMetrics) as FamilyKey[]) {
    let header = false;
    for (const snap of snapshots) {
      const pieces = snap.families.get(key);
      if (!pieces) continue;
      if (!header) out.push(headerOf(key));
      header = true;
      for (const p of pieces) out.push(p);
    }
  }
  return out;
}

/** What one scrape sends: the body's length, and its bytes in order as the socket asks for them. */
export interface ScrapeBody {
  readonly length: number;
  /**
   * gzip: every buffer at once (compressed already). Identity: the pieces inflated one at a time in
   * zlib's thread pool, so at most one piece's bytes (64 KB) exist uncompressed per scrape and
   * the event loop keeps answering gzip scrapes meanwhile.
   */
  readonly parts: Iterable<Buffer> | AsyncIterable<Buffer>;
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
  /** The snapshots' pieces in exposition order with their CRC and length, joined once per publish. */
  private exposition: CompressedPart = joinPieces([]);
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
    // Publishes are serialized (clusters collect in parallel). Nothing is compressed here (the
    // builder did it), so the swap is a re-ordering of references and a few CRC combinations; the
    // replaced snapshot is garbage once the scrapes still writing it are done.
    const turn = this.publishing.then(() => {
      this.snapshots.set(snapshot.cluster, snapshot);
      this.exposition = joinPieces(snapshotPieces([...this.snapshots.values()]));
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
   * What one scrape sends: the snapshot pieces of the last publish and the live registry's text,
   * rendered now. With `gzip`, one gzip member made of the pieces as they are and the live text
   * compressed now (gzip-exposition.ts); without, the same bytes inflated piece by piece while the
   * body is iterated. A publish during the scrape does not change what it sends.
   */
  async scrape(gzip = false): Promise<ScrapeBody> {
    const live = Buffer.from(await this.live.metrics());
    const part = this.exposition;
    if (gzip) {
      const chunks = gzipBody(part, live);
      let length = 0;
      for (const c of chunks) length += c.length;
      return { length, parts: chunks };
    }
    return {
      length: part.length + live.length,
      parts: (async function* () {
        for (const p of part.pieces) yield await inflatePieceAsync(p);
        yield live;
      })(),
    };
  }

  /** The whole exposition as one buffer (tests, tools); the HTTP server writes `scrape()` instead. */
  async render(gzip = false): Promise<Buffer> {
    const out: Buffer[] = [];
    for await (const b of (await this.scrape(gzip)).parts) out.push(b);
    return Buffer.concat(out);
  }

  get contentType(): string {
    return this.live.contentType;
  }
}
