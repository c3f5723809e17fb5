// The immutable snapshot that /metrics serves: series per catalog family for one cluster.
// Built once per collection by SnapshotBuilder, then only read. Each series is kept as its
// finished exposition line (`name{labels} value\n`), written as UTF-8 into a 64 KB working chunk
// per family and tier; a full chunk is compressed at once into a raw-deflate piece
// (metrics/gzip-exposition.ts) and the chunk is written again. No object or string per series
// survives the add, and the snapshot is held only compressed: at 10k partitions ~1.5 MB of pieces
// instead of a 22 MB exposition plus its gzip (a gzip scrape writes the pieces as they are, an
// identity scrape inflates them as it writes). A line is copied into the chunk in pieces (family
// prefix, shared label bytes, value digits) rather than concatenated first: the 200k line strings
// per cycle were the exporter's largest source of garbage. The working chunks come from a
// ChunkPool, so consecutive builds reuse them (chunk-pool.ts). Series are admitted by tier
// (cluster, broker, topic, group, partition, group-partition), so when the cardinality guard hits
// the limit the most detailed series go first and cluster health is always kept.
import { exporterMetrics } from '../../common/metrics/index.js';
import { SeriesBudget } from '../cardinality.js';
import { compressPiece, inflatePiece, type Piece } from '../metrics/gzip-exposition.js';
import { CHUNK_BYTES, type ChunkPool } from './chunk-pool.js';

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
  /**
   * Exposition bytes (UTF-8) per family as raw-deflate pieces that never split a line: lines with
   * labels in catalog order, each ending in a newline (familyBytes inflates them). Compressed
   * bytes outside the JS heap: what a gzip scrape writes as they are, and the only copy kept.
   */
  readonly families: ReadonlyMap<FamilyKey, readonly Piece[]>;
  readonly seriesCount: number;
  readonly droppedSeries: number;
}

/** Admission order of the cardinality guard: lower tiers are kept first. */
export const Tier = { cluster: 0, broker: 1, topic: 2, group: 3, partition: 4, groupPartition: 5 } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];

export const escapeLabelValue = (v: string) =>
  /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class SnapshotBuilder {
  /** Catalog families in catalog order; a family's index is its position here. */
  private static readonly keys = Object.keys(exporterMetrics) as FamilyKey[];
  private static readonly index = new Map(SnapshotBuilder.keys.map((k, i) => [k, i]));
  /** Per tier, per family index: the lines added, as bytes. */
  private readonly sinks: (LineSink | undefined)[][] = Object.values(Tier).map(() => []);
  /** Per tier, the family index of every line in insertion order (only read when a tier is cut). */
  private readonly order: GrowableU16[] = Object.values(Tier).map(() => new GrowableU16());
  /** Per family: `name{cluster="..."` as bytes. */
  private readonly prefixes: Buffer[] = [];
  private readonly clusterLabel: string;
  /** Working chunks handed out (one per sink), returned to the pool by build(). */
  private readonly working: Buffer[] = [];
  /** The last label fragment and its UTF-8 bytes (consecutive adds share one fragment). */
  private lastFragment = '';
  private lastFragmentBytes: Buffer = Buffer.alloc(0);

  constructor(
    private readonly cluster: string,
    private readonly seriesLimit: number,
    private readonly pool?: ChunkPool,
  ) {
    this.clusterLabel = `cluster="${escapeLabelValue(cluster)}"`;
  }

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
   * same object (see labelFragment). Its bytes are encoded once per distinct fragment and the
   * line is copied straight into the family's buffer: nothing per series is allocated.
   */
  addFragment(tier: Tier, key: FamilyKey, fragment: string | FragmentWriter, value: number): void {
    const fam = SnapshotBuilder.index.get(key)!;
    const prefix = (this.prefixes[fam] ??= Buffer.from(`${exporterMetrics[key].name}{${this.clusterLabel}`));
    let labels: Uint8Array;
    let labelsLength: number;
    if (typeof fragment === 'string') {
      if (fragment !== this.lastFragment) {
        this.lastFragment = fragment;
        this.lastFragmentBytes = Buffer.from(fragment);
      }
      labels = this.lastFragmentBytes;
      labelsLength = labels.length;
    } else {
      labels = fragment.scratch;
      labelsLength = fragment.length;
    }
    const sinks = this.sinks[tier];
    (sinks[fam] ??= new LineSink(() => this.chunk())).push(prefix, labels, labelsLength, value);
    this.order[tier].push(fam);
  }

  private chunk(): Buffer {
    const c = this.pool?.take() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.working.push(c);
    return c;
  }

  build(takenAtMs: number): ClusterSnapshot {
    const budget = new SeriesBudget(this.seriesLimit);
    const parts = new Map<FamilyKey, Piece[]>();
    for (let tier = 0; tier < this.sinks.length; tier++) {
      const order = this.order[tier];
      const wanted = order.length;
      const admit = Math.max(0, Math.min(wanted, budget.limit - budget.admitted));
      budget.take(admit);
      if (admit < wanted) budget.take(wanted - admit); // over the limit: counted as dropped
      // Lines admitted per family: all of them, or (tier cut by the limit) those among the first
      // `admit` lines of the tier in insertion order, which are a prefix of each family's lines.
      let perFamily: Map<number, number> | undefined;
      if (admit < wanted) {
        perFamily = new Map();
        for (let i = 0; i < admit; i++) perFamily.set(order.at(i), (perFamily.get(order.at(i)) ?? 0) + 1);
      }
      this.sinks[tier].forEach((sink, fam) => {
        if (!sink) return;
        const lines = perFamily ? (perFamily.get(fam) ?? 0) : sink.lines;
        if (lines === 0) return;
        const key = SnapshotBuilder.keys[fam];
        let list = parts.get(key);
        if (!list) parts.set(key, (list = []));
        list.push(...sink.finish(lines));
      });
      this.sinks[tier] = [];
      this.order[tier] = new GrowableU16();
    }
    // finish() compressed every sink's last lines: the working chunks are free for the next build.
    this.pool?.give(this.working);
    this.working.length = 0;
    const families = new Map<FamilyKey, readonly Piece[]>();
    for (const key of SnapshotBuilder.keys) {
      const list = parts.get(key);
      if (list) families.set(key, list);
    }
    return Object.freeze({
      cluster: this.cluster,
      takenAtMs,
      families,
      seriesCount: budget.admitted,
      droppedSeries: budget.droppedSeries,
    });
  }
}

/** ASCII codes of the characters a line needs besides its labels. */
const CLOSE_BRACE = 0x7d;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
const QUOTE = 0x22;

/**
 * Append-only UTF-8 lines compressed 64 KB at a time: lines are written into one working chunk,
 * and when the next line would not fit, the chunk's bytes become a raw-deflate piece and the
 * chunk is written again from its start. A line never spans two pieces. Only the number of lines
 * per piece is kept, for the cut of the cardinality guard.
 */
class LineSink {
  private readonly pieces: Piece[] = [];
  private readonly piecesLines: number[] = [];
  /** This sink's working chunk (from the builder's pool, taken on the first line). */
  private chunk?: Buffer;
  /** Where lines go now: the working chunk, or for one line longer than a chunk a buffer of its own. */
  private current?: Buffer;
  private used = 0;
  private usedLines = 0;
  lines = 0;

  constructor(private readonly newChunk: () => Buffer) {}

  /** One line: `prefix` + the first `labelsLength` bytes of `labels` + `} ` + value + newline. */
  push(prefix: Buffer, labels: Uint8Array, labelsLength: number, value: number): void {
    const worst = prefix.length + labelsLength + 32; // a formatted number is at most 24 characters
    if (!this.current || this.used + worst > this.current.length) {
      this.flush();
      this.current = worst > CHUNK_BYTES ? Buffer.allocUnsafeSlow(worst) : (this.chunk ??= this.newChunk());
    }
    const buf = this.current;
    let at = this.used;
    buf.set(prefix, at);
    at += prefix.length;
    // A short copy in JS: cheaper than a native call, and no view object for the length.
    for (let i = 0; i < labelsLength; i++) buf[at + i] = labels[i];
    at += labelsLength;
    buf[at++] = CLOSE_BRACE;
    buf[at++] = SPACE;
    at = writeValue(buf, at, value);
    buf[at++] = NEWLINE;
    this.used = at;
    this.usedLines++;
    this.lines++;
  }

  /** Compress what the working chunk holds into a piece (the chunk stays this sink's). */
  private flush(): void {
    if (!this.current || this.used === 0) return;
    this.pieces.push(compressPiece(this.current, this.used));
    this.piecesLines.push(this.usedLines);
    this.used = 0;
    this.usedLines = 0;
  }

  /** The pieces holding the first `lines` lines (all of them, or a prefix when the limit cut the tier). */
  finish(lines: number): Piece[] {
    this.flush();
    if (lines === this.lines) return this.pieces;
    const out: Piece[] = [];
    let left = lines;
    for (let i = 0; i < this.pieces.length && left > 0; i++) {
      if (this.piecesLines[i] <= left) {
        out.push(this.pieces[i]);
        left -= this.piecesLines[i];
        continue;
      }
      // The cut falls inside this piece: its first `left` lines, compressed again.
      const bytes = inflatePiece(this.pieces[i]);
      let end = 0;
      for (let n = 0; n < left; n++) end = bytes.indexOf(NEWLINE, end) + 1;
      out.push(compressPiece(bytes, end));
      left = 0;
    }
    return out;
  }
}

/** Write `v` as formatValue would, returning the next offset. Integers digit by digit (no string). */
function writeValue(buf: Buffer, at: number, v: number): number {
  if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
    if (v < 0) {
      buf[at++] = MINUS;
      v = -v;
    }
    if (v < 10) {
      buf[at++] = ZERO + v;
      return at;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = at + digits - 1; i >= at; i--) {
      buf[i] = ZERO + (v % 10);
      v = Math.floor(v / 10);
    }
    return at + digits;
  }
  const s = formatValue(v); // ASCII only: digits, sign, '.', 'e', 'Inf', 'NaN'
  for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
  return at;
}

class GrowableU16 {
  private data = new Uint16Array(256);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint16Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  at(i: number): number {
    return this.data[i];
  }
}

/**
 * Label bytes for hot loops (`,topic="t",partition="0"`), written into one scratch buffer and
 * passed to addFragment: no string per object. Text values come as bytes already escaped
 * (labelValueBytes), computed once per topic or group rather than once per series.
 */
export class FragmentWriter {
  private static readonly openers = new Map<string, Buffer>();
  scratch = Buffer.allocUnsafeSlow(256);
  length = 0;

  start(): this {
    this.length = 0;
    return this;
  }

  /** `,name="` + value bytes + `"`. */
  text(name: string, value: Uint8Array): this {
    this.open(name, value.length);
    for (let i = 0; i < value.length; i++) this.scratch[this.length + i] = value[i];
    this.length += value.length;
    this.scratch[this.length++] = QUOTE;
    return this;
  }

  /** `,name="` + an integer + `"`. */
  int(name: string, value: number): this {
    this.open(name, 24);
    this.length = writeValue(this.scratch, this.length, value);
    this.scratch[this.length++] = QUOTE;
    return this;
  }

  private open(name: string, valueBytes: number): void {
    let opener = FragmentWriter.openers.get(name);
    if (!opener) FragmentWriter.openers.set(name, (opener = Buffer.from(`,${name}="`)));
    const need = this.length + opener.length + valueBytes + 1;
    if (need > this.scratch.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.scratch.length));
      this.scratch.copy(grown, 0, 0, this.length);
      this.scratch = grown;
    }
    this.scratch.set(opener, this.length);
    this.length += opener.length;
  }
}

/** A label value escaped and encoded once, for FragmentWriter.text. */
export const labelValueBytes = (v: string): Buffer => Buffer.from(escapeLabelValue(v));

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

/** The exposition lines of one family of a snapshot, inflated (empty when it has none). */
export function familyBytes(snapshot: ClusterSnapshot, key: FamilyKey): Buffer {
  const pieces = snapshot.families.get(key);
  return pieces ? Buffer.concat(pieces.map(inflatePiece)) : Buffer.alloc(0);
}

/** The samples of one family of a snapshot. */
export function samplesOf(snapshot: ClusterSnapshot, key: FamilyKey): Sample[] {
  return familyBytes(snapshot, key).toString('utf8').split('\n').filter(Boolean).map(parseLine);
}
