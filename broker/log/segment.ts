// One log segment: `<base>.log` (record batches exactly as on the wire) plus its sparse `.index` and
// `.timeindex`. All I/O is synchronous positional I/O on one fd: appends land in the page cache in one
// write per append call, and reads are plain preads; fsync happens only in flush().
import {
  closeSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  batchCrcValid,
  checkHeaderConsistency,
  CorruptRecordError,
  readBatchHeader,
  readInt64,
  type BatchHeader,
} from '../../protocol/record-batch/index.js';
import { OffsetIndex, TimeIndex } from './sparse-index.js';

export function segmentFileName(baseOffset: number, ext: string): string {
  return String(baseOffset).padStart(20, '0') + ext;
}

/** Position and last offset of a batch, plus its size. */
export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface RecoveryResult {
  truncatedBytes: number;
  reason: string | null;
}

const CHUNK = 1024 * 1024;
const HEADER_PEEK = 61;

export class LogSegment {
  /** Next offset after the last batch in this segment (baseOffset when empty). */
  nextOffset: number;
  size: number;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Wall-clock time of the first append, or of opening (for segment.ms; client timestamps may be far off). */
  createdMs: number;
  private bytesSinceIndex = 0;
  readonly index: OffsetIndex;
  readonly timeIndex: TimeIndex;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private fd: number,
    size: number,
  ) {
    this.size = size;
    this.nextOffset = baseOffset;
    this.createdMs = Date.now();
    this.index = new OffsetIndex(join(dir, segmentFileName(baseOffset, '.index')));
    this.timeIndex = new TimeIndex(join(dir, segmentFileName(baseOffset, '.timeindex')));
  }

  get logPath(): string {
    return join(this.dir, segmentFileName(this.baseOffset, '.log'));
  }

  static create(dir: string, baseOffset: number): LogSegment {
    const path = join(dir, segmentFileName(baseOffset, '.log'));
    const fd = openSync(path, 'w+');
    const seg = new LogSegment(dir, baseOffset, fd, 0);
    seg.index.clear();
    seg.timeIndex.clear();
    seg.index.persist();
    seg.timeIndex.persist();
    return seg;
  }

  /**
   * Opens an existing segment. With `recover`, every batch is re-read and CRC-checked, a torn or corrupt
   * tail is truncated and both indexes are rebuilt; otherwise the indexes are loaded (rebuilt if missing
   * or inconsistent) and only the bytes after the last index entry are scanned to find the next offset.
   */
  static open(
    dir: string,
    baseOffset: number,
    recover: boolean,
    indexIntervalBytes: number,
  ): { segment: LogSegment; recovery: RecoveryResult } {
    const path = join(dir, segmentFileName(baseOffset, '.log'));
    const fd = openSync(path, 'r+');
    const seg = new LogSegment(dir, baseOffset, fd, fstatSync(fd).size);
    if (!recover && seg.index.load(seg.size) && seg.timeIndex.load(0x7fffffff)) {
      try {
        seg.loadTail();
        return { segment: seg, recovery: { truncatedBytes: 0, reason: null } };
      } catch {
        // fall through to a full recovery of this segment
      }
    }
    return { segment: seg, recovery: seg.recover(indexIntervalBytes) };
  }

  /** Finds nextOffset/maxTimestamp by scanning from the last index entry (no CRC check). */
  private loadTail(): void {
    const start = this.index.count > 0 ? this.index.pos[this.index.count - 1] : 0;
    if (this.timeIndex.count > 0) {
      this.maxTimestamp = this.timeIndex.ts[this.timeIndex.count - 1];
      this.offsetOfMaxTimestamp = this.baseOffset + this.timeIndex.rel[this.timeIndex.count - 1];
    }
    let end = start;
    for (const { header } of this.batches(start, false)) {
      this.nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
      this.trackTimestamp(header.maxTimestamp, this.nextOffset - 1);
      end = header.position + header.size;
    }
    if (end !== this.size)
      throw new CorruptRecordError(`segment ${this.logPath} has ${this.size - end} trailing byte(s)`);
  }

  /** Full scan with CRC checks; truncates at the first bad or partial batch; rebuilds both indexes. */
  recover(indexIntervalBytes: number): RecoveryResult {
    this.index.clear();
    this.timeIndex.clear();
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.bytesSinceIndex = 0;
    let valid = 0;
    let reason: string | null = null;
    let lastOffset = this.baseOffset - 1;
    try {
      for (const { header, bytes } of this.batches(0, true)) {
        checkHeaderConsistency(header);
        if (!batchCrcValid(bytes, 0, header.size))
          throw new CorruptRecordError(
            `batch at position ${header.position} (base offset ${header.baseOffset}) fails its CRC check`,
          );
        if (header.baseOffset <= lastOffset)
          throw new CorruptRecordError(
            `batch at position ${header.position} has base offset ${header.baseOffset} not after ${lastOffset}`,
          );
        lastOffset = header.baseOffset + header.lastOffsetDelta;
        this.indexBatch(header.position, header.size, lastOffset, header.maxTimestamp, indexIntervalBytes);
        this.nextOffset = lastOffset + 1;
        valid = header.position + header.size;
      }
      if (valid !== this.size) reason = `torn batch at position ${valid}`;
    } catch (err) {
      reason = (err as Error).message;
    }
    const truncatedBytes = this.size - valid;
    if (truncatedBytes > 0) {
      ftruncateSync(this.fd, valid);
      this.size = valid;
    }
    this.index.persist();
    this.timeIndex.persist();
    return { truncatedBytes, reason: truncatedBytes > 0 ? reason : null };
  }

  private trackTimestamp(ts: number, offset: number): void {
    if (ts > this.maxTimestamp) {
      this.maxTimestamp = ts;
      this.offsetOfMaxTimestamp = offset;
    }
  }

  private indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number, interval: number): void {
    this.trackTimestamp(maxTimestamp, lastOffset);
    if (this.bytesSinceIndex > interval) {
      this.index.append(lastOffset - this.baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += size;
  }

  /**
   * Appends batches buf[headers[from].position .. end of headers[to-1]] in one write at the segment's end.
   * The headers carry final (already assigned) offsets.
   */
  append(buf: Buffer, headers: readonly BatchHeader[], from: number, to: number, indexIntervalBytes: number): void {
    if (from >= to) return;
    const start = headers[from].position;
    const last = headers[to - 1];
    const end = last.position + last.size;
    const len = end - start;
    const at = this.size;
    let written = 0;
    while (written < len) written += writeSync(this.fd, buf, start + written, len - written, at + written);
    if (this.size === 0) this.createdMs = Date.now();
    for (let i = from; i < to; i++) {
      const h = headers[i];
      this.indexBatch(
        at + (h.position - start),
        h.size,
        h.baseOffset + h.lastOffsetDelta,
        h.maxTimestamp,
        indexIntervalBytes,
      );
    }
    this.size = at + len;
    this.nextOffset = last.baseOffset + last.lastOffsetDelta + 1;
  }

  /** Appends raw bytes of already validated batches (compaction output, follower copies). */
  appendRaw(bytes: Buffer, indexIntervalBytes: number): void {
    const headers: BatchHeader[] = [];
    for (let pos = 0; pos < bytes.length;) {
      const h = readBatchHeader(bytes, pos);
      headers.push(h);
      pos += h.size;
    }
    this.append(bytes, headers, 0, headers.length, indexIntervalBytes);
  }

  read(position: number, length: number): Buffer {
    const n = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, buf, got, n - got, position + got);
      if (r === 0) break;
      got += r;
    }
    return got === n ? buf : buf.subarray(0, got);
  }

  /** Iterates batches from `position`, reading in large chunks. `bytes` is a view of the whole batch. */
  *batches(position = 0, withBytes = false): Generator<{ header: BatchHeader; bytes: Buffer }> {
    let chunkStart = position;
    let chunk = this.read(chunkStart, CHUNK);
    let pos = position;
    while (pos < this.size) {
      let rel = pos - chunkStart;
      if (rel + HEADER_PEEK > chunk.length) {
        chunkStart = pos;
        chunk = this.read(pos, CHUNK);
        rel = 0;
        if (chunk.length < HEADER_PEEK) throw new CorruptRecordError(`partial batch header at position ${pos}`);
      }
      const size = chunk.readInt32BE(rel + 8) + 12;
      if (size < HEADER_PEEK) throw new CorruptRecordError(`invalid batch length at position ${pos}`);
      if (pos + size > this.size)
        throw new CorruptRecordError(
          `partial batch at position ${pos}: ${size} bytes claimed, ${this.size - pos} present`,
        );
      if (withBytes && rel + size > chunk.length) {
        chunkStart = pos;
        chunk = this.read(pos, Math.max(CHUNK, size));
        rel = 0;
      }
      const header = readBatchHeader(
        chunk,
        rel,
        withBytes ? rel + size : chunk.length < rel + size ? rel + size : chunk.length,
      );
      header.position = pos;
      yield {
        header,
        bytes: withBytes ? chunk.subarray(rel, rel + size) : chunk.subarray(rel, Math.min(chunk.length, rel + size)),
      };
      pos += size;
    }
  }

  /** Location of the first batch whose last offset is >= offset, or null if none in this segment. */
  locate(offset: number): BatchLocation | null {
    if (offset >= this.nextOffset) return null;
    let pos = this.index.lookup(Math.max(0, offset - this.baseOffset));
    let chunkStart = pos;
    let chunk = this.read(pos, 64 * 1024);
    while (pos < this.size) {
      let rel = pos - chunkStart;
      if (rel + 43 > chunk.length) {
        chunkStart = pos;
        chunk = this.read(pos, 64 * 1024);
        rel = 0;
        if (chunk.length < 43) return null;
      }
      const size = chunk.readInt32BE(rel + 8) + 12;
      const base = readInt64(chunk, rel);
      const lastOffset = base + chunk.readInt32BE(rel + 23);
      if (lastOffset >= offset)
        return { position: pos, size, baseOffset: base, lastOffset, maxTimestamp: readInt64(chunk, rel + 35) };
      if (size <= 12) return null;
      pos += size;
    }
    return null;
  }

  /** Removes everything from `position` on; nextOffset becomes `nextOffset`. */
  truncateTo(position: number, nextOffset: number): void {
    ftruncateSync(this.fd, position);
    this.size = position;
    this.nextOffset = nextOffset;
    this.index.truncateToPosition(position);
    this.timeIndex.truncateToRelOffset(nextOffset - this.baseOffset);
    // Recompute max timestamp from what is left (cheap: only called on follower truncation).
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    for (const { header } of this.batches(0, false))
      this.trackTimestamp(header.maxTimestamp, header.baseOffset + header.lastOffsetDelta);
    this.bytesSinceIndex = 0;
    this.index.persist();
    this.timeIndex.persist();
  }

  /** Marks the segment inactive: the time index gets a final entry with the max timestamp (as Kafka does). */
  onBecomeInactive(): void {
    if (this.maxTimestamp >= 0 && this.offsetOfMaxTimestamp >= this.baseOffset)
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    this.persistIndexes();
  }

  persistIndexes(sync = false): void {
    this.index.persist(sync);
    this.timeIndex.persist(sync);
  }

  flush(): void {
    fsyncSync(this.fd);
    this.persistIndexes(true);
  }

  /**
   * fsync off the event loop (Kafka flushes a segment when it is rolled, so after a crash only the
   * active segment needs recovery). Errors reach `onError`; a segment closed meanwhile is ignored.
   */
  flushInBackground(onError: (err: NodeJS.ErrnoException) => void): void {
    const fd = this.fd;
    if (fd < 0) return;
    fsync(fd, (err) => {
      if (err && err.code !== 'EBADF' && this.fd === fd) onError(err);
    });
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.persistIndexes();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** Replaces this segment's log file with `cleanedPath` (compaction swap); indexes are rebuilt. */
  replaceWith(cleanedPath: string, indexIntervalBytes: number): void {
    closeSync(this.fd);
    renameSync(cleanedPath, this.logPath);
    this.fd = openSync(this.logPath, 'r+');
    this.size = fstatSync(this.fd).size;
    const keepNext = this.nextOffset;
    const created = this.createdMs;
    this.recover(indexIntervalBytes);
    // Compaction keeps the segment's offset range even when its last records were removed.
    this.nextOffset = Math.max(this.nextOffset, keepNext);
    this.createdMs = created;
  }

  delete(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    for (const ext of ['.log', '.index', '.timeindex'])
      rmSync(join(this.dir, segmentFileName(this.baseOffset, ext)), { force: true });
  }
}
