// Kafka's sparse segment indexes, kept in memory and appended to disk lazily (on flush, roll and
// close), so the append path never does an index write per batch. After a crash the last segment's
// indexes are rebuilt from the log, so a lagging index file is harmless.
//   .index     : entries of (int32 relative offset, int32 position)
//   .timeindex : entries of (int64 timestamp, int32 relative offset)
import { closeSync, constants, openSync, readFileSync, writeSync, ftruncateSync, fsyncSync } from 'node:fs';

export class OffsetIndex {
  rel: Int32Array = new Int32Array(64);
  pos: Int32Array = new Int32Array(64);
  count = 0;
  private written = 0;

  constructor(readonly path: string) {}

  get sizeBytes(): number {
    return this.count * 8;
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
    let lo = 0;
    let hi = this.count - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.rel[mid] <= relOffset) {
        best = this.pos[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /** Drops entries whose position is >= position (truncation). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.pos[this.count - 1] >= position) this.count--;
    if (this.written > this.count) this.written = -1;
  }

  clear(): void {
    this.count = 0;
    this.written = -1;
  }

  /** Loads entries from disk; returns false when the file is missing or inconsistent. */
  load(logSize: number): boolean {
    let buf: Buffer;
    try {
      buf = readFileSync(this.path);
    } catch {
      return false;
    }
    if (buf.length % 8 !== 0) return false;
    this.count = 0;
    for (let at = 0; at < buf.length; at += 8) {
      const r = buf.readInt32BE(at);
      const p = buf.readInt32BE(at + 4);
      // Kafka preallocates index files with zeros; a zero entry after the first ends the index.
      if (at > 0 && r === 0 && p === 0) break;
      if (
        p < 0 ||
        p >= logSize ||
        r < 0 ||
        (this.count > 0 && (r <= this.rel[this.count - 1] || p <= this.pos[this.count - 1]))
      )
        return false;
      this.append(r, p);
    }
    this.written = this.count;
    return true;
  }

  /** Writes unwritten entries (or the whole index after a truncation). */
  persist(sync = false): void {
    if (this.written === this.count) return;
    const rewrite = this.written < 0 || this.written > this.count;
    const from = rewrite ? 0 : this.written;
    const buf = Buffer.allocUnsafe((this.count - from) * 8);
    for (let i = from; i < this.count; i++) {
      buf.writeInt32BE(this.rel[i], (i - from) * 8);
      buf.writeInt32BE(this.pos[i], (i - from) * 8 + 4);
    }
    writeEntries(this.path, buf, from * 8, rewrite, sync);
    this.written = this.count;
  }
}

export class TimeIndex {
  ts: Float64Array = new Float64Array(64);
  rel: Int32Array = new Int32Array(64);
  count = 0;
  private written = 0;

  constructor(readonly path: string) {}

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
    let lo = 0;
    let hi = this.count - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ts[mid] < target) {
        best = this.rel[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  truncateToRelOffset(relOffset: number): void {
    while (this.count > 0 && this.rel[this.count - 1] >= relOffset) this.count--;
    if (this.written > this.count) this.written = -1;
  }

  clear(): void {
    this.count = 0;
    this.written = -1;
  }

  load(maxRelOffset: number): boolean {
    let buf: Buffer;
    try {
      buf = readFileSync(this.path);
    } catch {
      return false;
    }
    if (buf.length % 12 !== 0) return false;
    this.count = 0;
    for (let at = 0; at < buf.length; at += 12) {
      const t = buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
      const r = buf.readInt32BE(at + 8);
      if (at > 0 && t === 0 && r === 0) break;
      if (
        r < 0 ||
        r > maxRelOffset ||
        (this.count > 0 && (t <= this.ts[this.count - 1] || r < this.rel[this.count - 1]))
      )
        return false;
      this.maybeAppend(t, r);
    }
    this.written = this.count;
    return true;
  }

  persist(sync = false): void {
    if (this.written === this.count) return;
    const rewrite = this.written < 0 || this.written > this.count;
    const from = rewrite ? 0 : this.written;
    const buf = Buffer.allocUnsafe((this.count - from) * 12);
    for (let i = from; i < this.count; i++) {
      const at = (i - from) * 12;
      const t = this.ts[i];
      const hi = Math.floor(t / 0x1_0000_0000);
      buf.writeInt32BE(hi, at);
      buf.writeUInt32BE(t - hi * 0x1_0000_0000, at + 4);
      buf.writeInt32BE(this.rel[i], at + 8);
    }
    writeEntries(this.path, buf, from * 12, rewrite, sync);
    this.written = this.count;
  }
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
