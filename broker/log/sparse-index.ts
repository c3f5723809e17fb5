// Kafka's sparse segment indexes, kept in memory and appended to disk lazily (on flush, roll and
// close), so the append path never does an index write per batch. After a crash the last segment's
// indexes are rebuilt from the log, so a lagging index file is harmless.
//   .index     : entries of (int32 relative offset, int32 position)
//   .timeindex : entries of (int64 timestamp, int32 relative offset)
import { closeSync, constants, openSync, readFileSync, writeSync, ftruncateSync, fsyncSync } from 'node:fs';

/**
 * What both indexes share: entries in memory (`count` of them), the unwritten ones appended to the
 * file lazily, the whole file rewritten after a truncation (`written` -1).
 */
abstract class SparseIndex {
  count = 0;
  /** Entries already in the file; -1 when the file must be rewritten (after truncate or clear). */
  protected written = 0;

  constructor(
    readonly path: string,
    private readonly entryBytes: number,
  ) {}

  get sizeBytes(): number {
    return this.count * this.entryBytes;
  }

  clear(): void {
    this.count = 0;
    this.written = -1;
  }

  /** Writes unwritten entries (or the whole index after a truncation). */
  persist(sync = false): void {
    if (this.written === this.count) return;
    const rewrite = this.written < 0 || this.written > this.count;
    const from = rewrite ? 0 : this.written;
    const buf = Buffer.allocUnsafe((this.count - from) * this.entryBytes);
    for (let i = from; i < this.count; i++) this.writeEntry(buf, (i - from) * this.entryBytes, i);
    writeEntries(this.path, buf, from * this.entryBytes, rewrite, sync);
    this.written = this.count;
  }

  /** Encodes entry `i` at `at`. */
  protected abstract writeEntry(buf: Buffer, at: number, i: number): void;

  /** Drops the entries at the end whose `values` are >= bound (truncation). */
  protected truncateTail(values: ArrayLike<number>, bound: number): void {
    while (this.count > 0 && values[this.count - 1] >= bound) this.count--;
    if (this.written > this.count) this.written = -1;
  }

  /**
   * Loads entries from disk, one `take(buf, at)` per entry: true to go on, false when the entry is
   * inconsistent, 'end' at Kafka's zero padding. Returns false when the file is missing or inconsistent.
   */
  protected loadEntries(take: (buf: Buffer, at: number) => boolean | 'end'): boolean {
    let buf: Buffer;
    try {
      buf = readFileSync(this.path);
    } catch {
      return false;
    }
    if (buf.length % this.entryBytes !== 0) return false;
    this.count = 0;
    for (let at = 0; at < buf.length; at += this.entryBytes) {
      const ok = take(buf, at);
      if (ok === 'end') break;
      if (!ok) return false;
    }
    this.written = this.count;
    return true;
  }
}

export class OffsetIndex extends SparseIndex {
  rel: Int32Array = new Int32Array(64);
  pos: Int32Array = new Int32Array(64);

  constructor(path: string) {
    super(path, 8);
  }

  append(relOffset: number, position: number): void {
    if (this.count > 0 && relOffset <= this.rel[this.count - 1]) return;
    if (this.count === this.rel.length) {
      this.rel = grow(this.rel);
      this.pos = grow(this.pos);
    }
    this.rel[this.count] = relOffset;
    this.pos[this.count] = position;
    this.count++;
  }

  /** Position of the largest entry with relative offset <= relOffset (0 when none). */
  lookup(relOffset: number): number {
    const i = lastEntryBelow(this.rel, this.count, relOffset, true);
    return i < 0 ? 0 : this.pos[i];
  }

  /** Drops entries whose position is >= position (truncation). */
  truncateToPosition(position: number): void {
    this.truncateTail(this.pos, position);
  }

  /** Loads entries from disk; returns false when the file is missing or inconsistent. */
  load(logSize: number): boolean {
    return this.loadEntries((buf, at) => {
      const r = buf.readInt32BE(at);
      const p = buf.readInt32BE(at + 4);
      // Kafka preallocates index files with zeros; a zero entry after the first ends the index.
      if (at > 0 && r === 0 && p === 0) return 'end';
      if (
        p < 0 ||
        p >= logSize ||
        r < 0 ||
        (this.count > 0 && (r <= this.rel[this.count - 1] || p <= this.pos[this.count - 1]))
      )
        return false;
      this.append(r, p);
      return true;
    });
  }

  protected writeEntry(buf: Buffer, at: number, i: number): void {
    buf.writeInt32BE(this.rel[i], at);
    buf.writeInt32BE(this.pos[i], at + 4);
  }
}

export class TimeIndex extends SparseIndex {
  ts: Float64Array = new Float64Array(64);
  rel: Int32Array = new Int32Array(64);

  constructor(path: string) {
    super(path, 12);
  }

  get lastTimestamp(): number {
    return this.count > 0 ? this.ts[this.count - 1] : -1;
  }

  /** Appends only when the timestamp grows (Kafka's rule). */
  maybeAppend(timestamp: number, relOffset: number): void {
    if (this.count > 0 && (timestamp <= this.ts[this.count - 1] || relOffset < this.rel[this.count - 1])) return;
    if (this.count === this.ts.length) {
      const t = new Float64Array(this.ts.length * 2);
      t.set(this.ts);
      this.ts = t;
      this.rel = grow(this.rel);
    }
    this.ts[this.count] = timestamp;
    this.rel[this.count] = relOffset;
    this.count++;
  }

  /** Relative offset of the largest entry with timestamp < target (-1 when none). */
  lookupBefore(target: number): number {
    const i = lastEntryBelow(this.ts, this.count, target, false);
    return i < 0 ? -1 : this.rel[i];
  }

  /** Drops entries whose relative offset is >= relOffset (truncation). */
  truncateToRelOffset(relOffset: number): void {
    this.truncateTail(this.rel, relOffset);
  }

  load(maxRelOffset: number): boolean {
    return this.loadEntries((buf, at) => {
      const t = buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
      const r = buf.readInt32BE(at + 8);
      if (at > 0 && t === 0 && r === 0) return 'end';
      if (
        r < 0 ||
        r > maxRelOffset ||
        (this.count > 0 && (t <= this.ts[this.count - 1] || r < this.rel[this.count - 1]))
      )
        return false;
      this.maybeAppend(t, r);
      return true;
    });
  }

  protected writeEntry(buf: Buffer, at: number, i: number): void {
    const t = this.ts[i];
    const hi = Math.floor(t / 0x1_0000_0000);
    buf.writeInt32BE(hi, at);
    buf.writeUInt32BE(t - hi * 0x1_0000_0000, at + 4);
    buf.writeInt32BE(this.rel[i], at + 8);
  }
}

/**
 * Binary search over the first `count` of the ascending `keys`: the index of the last entry below
 * `bound` (or equal to it when `inclusive`), -1 when none.
 */
function lastEntryBelow(keys: ArrayLike<number>, count: number, bound: number, inclusive: boolean): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < bound || (inclusive && keys[mid] === bound)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function writeEntries(path: string, buf: Buffer, position: number, rewrite: boolean, sync: boolean): void {
  // Positional writes: O_APPEND would ignore the position.
  const fd = openSync(path, rewrite ? 'w' : constants.O_RDWR | constants.O_CREAT);
  try {
    if (!rewrite) ftruncateSync(fd, position);
    if (buf.length > 0) writeSync(fd, buf, 0, buf.length, position);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
