// The log of one topic-partition: an ordered list of segments in `<dataDir>/<topic>-<partition>/`.
// Appends are synchronous (one positional write per append call, no per-record work); reads return whole
// batches as views of one pread. Retention, compaction and time-based flush are driven by LogManager.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  batchCrcValid,
  checkHeaderConsistency,
  controlMarkerOf,
  CompressionCodec,
  CorruptRecordError,
  decodeBatch,
  encodeBatch,
  type DecodedBatch,
  isControl,
  readBatchHeader,
  readInt64,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  type BatchHeader,
} from '../../protocol/record-batch/index.js';
import { resolveLogConfig, type LogConfig } from './config.js';
import { LeaderEpochCache } from './epoch-cache.js';
import {
  DuplicateSequenceError,
  InvalidRecordError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  StorageError,
} from './errors.js';
import { ProducerStateManager, type AbortedTxn, type ActiveProducer } from './producer-state.js';
import { LogSegment, segmentFileName, type RecoveryResult } from './segment.js';

/** What a partition log needs from its log directory (LogManager implements it). */
export interface LogDirHooks {
  /** Throws StorageError when the directory is offline. */
  ensureOnline(): void;
  /** Throws StorageError (and takes the dir offline) if `bytes` more would exceed the capacity limit. */
  reserve(bytes: number): void;
  /** Size accounting: bytes added (positive) or freed (negative). */
  bytesChanged(delta: number): void;
  /** An I/O error happened: take the dir offline and return the error to throw. */
  ioError(err: unknown, what: string): StorageError;
  logStartOffsetChanged(log: PartitionLog): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface AppendOptions {
  /** 'leader' (default): validate, assign offsets, check producer sequences. 'follower': keep the leader's offsets. */
  mode?: 'leader' | 'follower';
  /** Leader mode: patched into every batch's partitionLeaderEpoch and recorded in the epoch cache. */
  leaderEpoch?: number;
  /** Clock for LogAppendTime (ms). */
  now?: number;
}

/** What an append did (the one definition: the replica manager's LocalLog port returns it too). */
export interface AppendResult {
  /** Offset of the first appended record (for an exact idempotent retry: of the original append). */
  firstOffset: number;
  lastOffset: number;
  /** The broker time written into the batches when the topic uses LogAppendTime, else -1. */
  logAppendTime: number;
  /** Records, bytes and batches actually appended (0 for an idempotent retry answered with the original offsets). */
  records: number;
  bytes: number;
  batches: number;
  /** True when the batch was an exact retry of one of the producer's last five batches. */
  duplicate: boolean;
}

export interface ReadResult {
  /** Whole batches, in offset order (views; do not mutate). */
  records: Buffer[];
  bytes: number;
}

export interface PartitionLogOpenOptions {
  /** Recover the last segment (unclean shutdown): CRC scan, truncate torn tail, rebuild indexes. */
  recover: boolean;
  /** Log start offset from the checkpoint, if any. */
  logStartOffset?: number;
}

export interface CompactionStats {
  segmentsRewritten: number;
  /** Segments folded into a neighbour after cleaning. */
  segmentsMerged?: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

export class PartitionLog {
  private segments: LogSegment[] = [];
  private lso = 0;
  private unflushedRecords = 0;
  private firstUnflushedMs = -1;
  private cleanedUpTo = -1;
  /** When a tombstone kept by the last cleaning becomes removable (so an idle topic still loses it). */
  private nextTombstoneExpiry = Number.POSITIVE_INFINITY;
  private closed = false;
  readonly producerState: ProducerStateManager;
  readonly epochs: LeaderEpochCache;
  /** What recovery did at open (empty when the shutdown was clean). */
  readonly recoveries: Array<RecoveryResult & { baseOffset: number }> = [];

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    public config: LogConfig,
    private readonly hooks: LogDirHooks,
  ) {
    this.producerState = new ProducerStateManager(dir);
    this.epochs = new LeaderEpochCache(dir);
  }

  static dirName(topic: string, partition: number): string {
    return `${topic}-${partition}`;
  }

  /** Opens (or creates) the partition's directory and recovers it. */
  static open(
    dataDir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    hooks: LogDirHooks,
    opts: PartitionLogOpenOptions,
  ): PartitionLog {
    const dir = join(dataDir, PartitionLog.dirName(topic, partition));
    mkdirSync(dir, { recursive: true });
    const log = new PartitionLog(topic, partition, dir, config, hooks);
    const names = readdirSync(dir);
    for (const n of names) if (n.endsWith('.cleaned') || n.endsWith('.tmp')) rmSync(join(dir, n), { force: true });
    const bases = names
      .filter((n) => /^\d{20}\.log$/.test(n))
      .map((n) => Number(n.slice(0, 20)))
      .sort((a, b) => a - b);
    if (bases.length === 0) {
      log.segments.push(LogSegment.create(dir, opts.logStartOffset ?? 0));
    } else {
      for (let i = 0; i < bases.length; i++) {
        const isLast = i === bases.length - 1;
        const { segment, recovery } = LogSegment.open(dir, bases[i], opts.recover && isLast, config.indexIntervalBytes);
        if (recovery.truncatedBytes > 0)
          hooks.warn('log recovery truncated a torn or corrupt tail', {
            topic,
            partition,
            segment: bases[i],
            truncatedBytes: recovery.truncatedBytes,
            reason: recovery.reason,
          });
        if (opts.recover && isLast) log.recoveries.push({ ...recovery, baseOffset: bases[i] });
        log.segments.push(segment);
      }
      // A segment whose offsets lie inside its predecessor was left behind by a compaction merge that
      // crashed before deleting it: the merged segment already holds its batches.
      for (let i = 1; i < log.segments.length;) {
        if (
          log.segments[i].baseOffset < log.segments[i - 1].nextOffset &&
          log.segments[i].nextOffset <= log.segments[i - 1].nextOffset
        ) {
          hooks.warn('deleting a segment already merged into its predecessor', {
            topic,
            partition,
            segment: log.segments[i].baseOffset,
          });
          log.segments[i].delete();
          log.segments.splice(i, 1);
        } else i++;
      }
      for (const s of log.segments.slice(0, -1)) s.onBecomeInactive();
    }
    let size = 0;
    for (const s of log.segments) size += s.size;
    hooks.bytesChanged(size);
    log.lso = Math.max(opts.logStartOffset ?? 0, log.segments[0].baseOffset);
    if (log.lso > log.logEndOffset()) log.lso = log.segments[0].baseOffset;
    log.epochs.truncateFromEnd(log.logEndOffset());
    log.producerState.loadAbortedIndex(log.logEndOffset());
    log.producerState.trimAbortedBefore(log.lso);
    log.rebuildProducerState();
    return log;
  }

  // ---- state ----

  logStartOffset(): number {
    return this.lso;
  }
  /** First offset of the oldest open transaction, -1 when none. */
  firstUnstableOffset(): number {
    return this.producerState.firstUnstableOffset();
  }
  /** Every producer of the partition's producer state (DescribeProducers). */
  activeProducers(): ActiveProducer[] {
    return this.producerState.activeProducers();
  }
  /** Aborted transactions overlapping [from, to), oldest first. */
  abortedTransactions(from: number, to: number): { producerId: number; firstOffset: number }[] {
    return this.producerState
      .abortedIn(Math.max(from, this.lso), to)
      .map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
  }
  logEndOffset(): number {
    return this.segments[this.segments.length - 1].nextOffset;
  }
  /** The epoch of the producer's transaction open on this partition, -1 when it has none open. */
  openTransactionEpoch(producerId: number): number {
    const e = this.producerState.producers.get(producerId);
    return e && e.currentTxnFirstOffset >= 0 ? e.epoch : -1;
  }
  /** Producer ids in the producer state (Kafka's ProducerIdCount counts them per replica). */
  producerIdCount(): number {
    return this.producerState.producers.size;
  }
  sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }
  numSegments(): number {
    return this.segments.length;
  }
  /** Base offsets and sizes of the segments (oldest first). */
  segmentInfo(): Array<{ baseOffset: number; nextOffset: number; size: number; maxTimestamp: number }> {
    return this.segments.map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      size: s.size,
      maxTimestamp: s.maxTimestamp,
    }));
  }
  latestEpoch(): number {
    return this.epochs.latestEpoch();
  }
  /** OffsetForLeaderEpoch answer for `epoch` (replication). */
  endOffsetForEpoch(epoch: number): { leaderEpoch: number; endOffset: number } {
    return this.epochs.endOffsetFor(epoch, this.logEndOffset());
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.config = resolveLogConfig(this.config, config);
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError(`log ${this.topic}-${this.partition} is closed`);
    this.hooks.ensureOnline();
  }

  // ---- append ----

  /** Convenience for the replica manager: leader append with the partition's leader epoch. */
  appendAsLeader(records: Buffer, leaderEpoch: number): AppendResult {
    return this.append(records, { mode: 'leader', leaderEpoch });
  }

  /** Follower append: batches keep the leader's offsets and epochs. */
  appendAsFollower(records: Buffer): AppendResult {
    return this.append(records, { mode: 'follower' });
  }

  /**
   * Validates and appends the batches in `records`. Leader mode patches baseOffset (and the leader epoch,
   * and LogAppendTime when configured) IN PLACE in the caller's buffer, then writes it as is.
   * Throws CorruptRecordError, RecordTooLargeError, InvalidRecordError, OutOfOrderSequenceError,
   * DuplicateSequenceError, InvalidProducerEpochError, StorageError.
   */
  append(records: Buffer, opts: AppendOptions = {}): AppendResult {
    this.checkOpen();
    const leader = (opts.mode ?? 'leader') === 'leader';
    const headers = this.validate(records, leader);
    if (headers.length === 0) throw new CorruptRecordError('append with no record batches');
    if (leader) {
      for (const h of headers) {
        const r = this.producerState.check(
          h,
          isControl(h.attributes) ? controlMarkerOf(records, h).coordinatorEpoch : -1,
        );
        if (r.duplicate) {
          if (headers.length !== 1)
            throw new DuplicateSequenceError(
              `producer ${h.producerId} resent sequence ${h.baseSequence} inside a multi-batch append`,
            );
          return {
            firstOffset: r.batch.firstOffset,
            lastOffset: r.batch.lastOffset,
            logAppendTime: -1,
            records: 0,
            bytes: 0,
            batches: 0,
            duplicate: true,
          };
        }
      }
    }
    const now = opts.now ?? Date.now();
    let logAppendTime = -1;
    let next = this.logEndOffset();
    let count = 0;
    for (const h of headers) {
      if (leader) {
        setBaseOffset(records, h.position, next);
        h.baseOffset = next;
        if (opts.leaderEpoch !== undefined) {
          setPartitionLeaderEpoch(records, h.position, opts.leaderEpoch);
          h.partitionLeaderEpoch = opts.leaderEpoch;
        }
        if (this.config.timestampType === 'LogAppendTime') {
          setLogAppendTime(records, h.position, h.size, now);
          h.maxTimestamp = now;
          logAppendTime = now;
        }
      } else if (h.baseOffset < next) {
        throw new CorruptRecordError(`follower append at offset ${h.baseOffset} is below the log end offset ${next}`);
      }
      next = h.baseOffset + h.lastOffsetDelta + 1;
      count += h.recordCount;
    }
    const bytes =
      records.length === headers[headers.length - 1].position + headers[headers.length - 1].size
        ? records.length
        : sumSizes(headers);
    this.hooks.reserve(bytes);
    this.writeBatches(records, headers);
    for (const h of headers) {
      const marker = isControl(h.attributes) ? controlMarkerOf(records, h) : { type: -1, coordinatorEpoch: -1 };
      this.producerState.update(h, marker.type, marker.coordinatorEpoch);
      if (h.partitionLeaderEpoch >= 0) this.epochs.assign(h.partitionLeaderEpoch, h.baseOffset);
    }
    this.unflushedRecords += count;
    if (this.firstUnflushedMs < 0) this.firstUnflushedMs = now;
    if (this.unflushedRecords >= this.config.flushMessages) this.flush();
    const first = headers[0];
    return {
      firstOffset: first.baseOffset,
      lastOffset: next - 1,
      logAppendTime,
      records: count,
      bytes,
      batches: headers.length,
      duplicate: false,
    };
  }

  private validate(records: Buffer, leader: boolean): BatchHeader[] {
    const headers: BatchHeader[] = [];
    let pos = 0;
    while (pos < records.length) {
      const h = readBatchHeader(records, pos);
      checkHeaderConsistency(h);
      if (h.size > this.config.maxMessageBytes)
        throw new RecordTooLargeError(
          `record batch of ${h.size} bytes exceeds max.message.bytes ${this.config.maxMessageBytes} for ${this.topic}-${this.partition}`,
        );
      if (!batchCrcValid(records, pos, h.size))
        throw new CorruptRecordError(`record batch at position ${pos} fails its CRC-32C check`);
      if (leader) {
        if (h.recordCount === 0) throw new CorruptRecordError(`record batch at position ${pos} has no records`);
        if (h.lastOffsetDelta !== h.recordCount - 1)
          throw new CorruptRecordError(
            `record batch at position ${pos}: last offset delta ${h.lastOffsetDelta} does not match ${h.recordCount} record(s)`,
          );
        if (this.config.cleanupPolicy !== 'delete' && (h.attributes & 0x20) === 0) {
          for (const r of decodeBatch(records, pos, {
            verifyCrc: false,
            maxDecompressedBytes: this.config.maxDecompressedBytes,
          }).records) {
            if (r.key === null)
              throw new InvalidRecordError(`compacted topic ${this.topic} does not accept records without a key`);
          }
        }
      }
      headers.push(h);
      pos += h.size;
    }
    return headers;
  }

  private maybeRoll(nextBatchSize: number, now: number): void {
    const a = this.active;
    if (a.size === 0) return;
    const full = a.size + nextBatchSize > this.config.segmentBytes;
    const indexFull =
      a.index.sizeBytes + 8 > this.config.segmentIndexBytes ||
      (a.timeIndex.count + 1) * 12 > this.config.segmentIndexBytes;
    const old = now - a.createdMs > this.config.segmentMs;
    if (full || indexFull || old) this.roll();
  }

  /** Starts a new active segment at the log end offset. */
  roll(): void {
    const a = this.active;
    if (a.size === 0) return;
    const next = a.nextOffset;
    try {
      a.onBecomeInactive();
      a.flushInBackground((err) =>
        this.hooks.ioError(err, `flushing rolled segment of ${this.topic}-${this.partition}`),
      );
      this.segments.push(LogSegment.create(this.dir, next));
      this.producerState.writeSnapshot(next);
    } catch (err) {
      throw this.hooks.ioError(err, `rolling segment of ${this.topic}-${this.partition}`);
    }
  }

  private writeBatches(buf: Buffer, headers: BatchHeader[]): void {
    const now = Date.now();
    let i = 0;
    try {
      while (i < headers.length) {
        this.maybeRoll(headers[i].size, now);
        const seg = this.active;
        let j = i + 1;
        let size = seg.size + headers[i].size;
        while (j < headers.length && size + headers[j].size <= this.config.segmentBytes) size += headers[j++].size;
        const before = seg.size;
        seg.append(buf, headers, i, j, this.config.indexIntervalBytes);
        this.hooks.bytesChanged(seg.size - before);
        i = j;
      }
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw this.hooks.ioError(err, `appending to ${this.topic}-${this.partition}`);
    }
  }

  // ---- read ----

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid].baseOffset <= offset) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /**
   * Whole batches starting with the batch that contains `offset`, stopping before any batch that reaches
   * `maxOffset` (exclusive; e.g. the high watermark) and after `maxBytes` (the first batch is returned
   * whole even when larger, if `minOneBatch`). Offsets below the log start or above the end throw
   * OffsetOutOfRangeError; `offset === logEndOffset` returns nothing. A batch that fails its CRC is never
   * returned (StorageError if it is the first).
   */
  read(offset: number, maxBytes: number, maxOffset = Number.MAX_SAFE_INTEGER, minOneBatch = true): ReadResult {
    this.checkOpen();
    const leo = this.logEndOffset();
    if (offset < this.lso || offset > leo) throw new OffsetOutOfRangeError(offset, this.lso, leo);
    const limit = Math.min(maxOffset, leo);
    if (offset >= limit) return { records: [], bytes: 0 };
    try {
      for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
        const seg = this.segments[i];
        const loc = seg.locate(offset);
        if (!loc) continue;
        if (loc.lastOffset >= limit) return { records: [], bytes: 0 };
        const want = Math.min(seg.size - loc.position, Math.max(maxBytes, minOneBatch ? loc.size : 0));
        if (want <= 0) return { records: [], bytes: 0 };
        const buf = seg.read(loc.position, want);
        let pos = 0;
        while (pos + 61 <= buf.length) {
          const size = buf.readInt32BE(pos + 8) + 12;
          if (pos + size > buf.length) break;
          if (readInt64(buf, pos) + buf.readInt32BE(pos + 23) >= limit) break;
          if (!batchCrcValid(buf, pos, size)) {
            this.hooks.warn('corrupt batch on disk not served', {
              topic: this.topic,
              partition: this.partition,
              segment: seg.baseOffset,
              position: loc.position + pos,
            });
            if (pos === 0) throw new StorageError(`corrupt record batch at position ${loc.position} of ${seg.logPath}`);
            break;
          }
          pos += size;
        }
        return pos === 0 ? { records: [], bytes: 0 } : { records: [buf.subarray(0, pos)], bytes: pos };
      }
    } catch (err) {
      if (err instanceof StorageError || err instanceof OffsetOutOfRangeError) throw err;
      throw this.hooks.ioError(err, `reading ${this.topic}-${this.partition}`);
    }
    return { records: [], bytes: 0 };
  }

  /** First record with timestamp >= `timestamp` (ListOffsets by time), or null when there is none. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    this.checkOpen();
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestamp || seg.nextOffset <= this.lso) continue;
      const rel = seg.timeIndex.lookupBefore(timestamp);
      const start = rel >= 0 ? seg.index.lookup(rel) : 0;
      for (const { header, bytes } of seg.batches(start, true)) {
        if (header.maxTimestamp < timestamp || header.baseOffset + header.lastOffsetDelta < this.lso) continue;
        for (const r of decodeBatch(bytes, 0, { maxDecompressedBytes: this.config.maxDecompressedBytes }).records) {
          if (r.timestamp >= timestamp && r.offset >= this.lso) return { offset: r.offset, timestamp: r.timestamp };
        }
      }
    }
    return null;
  }

  // ---- durability ----

  /** fsync the active segment (and any unflushed older ones) and write the indexes. */
  flush(): void {
    if (this.closed) return;
    try {
      for (const s of this.segments) s.flush();
    } catch (err) {
      throw this.hooks.ioError(err, `flushing ${this.topic}-${this.partition}`);
    }
    this.unflushedRecords = 0;
    this.firstUnflushedMs = -1;
  }

  /** flush.ms: flush when the oldest unflushed append is older than the limit. Returns true if it flushed. */
  maybeFlushByTime(now: number): boolean {
    if (this.firstUnflushedMs < 0 || now - this.firstUnflushedMs < this.config.flushMs) return false;
    this.flush();
    return true;
  }

  /** Clean close: indexes written, producer snapshot at the log end offset. */
  close(): void {
    if (this.closed) return;
    try {
      this.producerState.writeSnapshot(this.logEndOffset());
      this.active.onBecomeInactive();
    } finally {
      for (const s of this.segments) s.close();
      this.closed = true;
    }
  }

  /** Closes and removes the partition directory. */
  delete(): void {
    if (!this.closed) {
      for (const s of this.segments) s.close();
      this.closed = true;
    }
    this.hooks.bytesChanged(-this.sizeBytes());
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ---- producer state ----

  private rebuildProducerState(): void {
    const leo = this.logEndOffset();
    this.producerState.deleteSnapshotsAbove(leo);
    const from = Math.max(0, this.producerState.loadLatestSnapshot(leo));
    // Markers from `from` on are replayed below, which records their aborted transactions again.
    this.producerState.truncateAbortedFrom(from);
    for (const seg of this.segments) {
      if (seg.nextOffset <= from) continue;
      const start = from > seg.baseOffset ? seg.index.lookup(from - seg.baseOffset) : 0;
      for (const { header, bytes } of seg.batches(start, false)) {
        if (header.baseOffset < from) continue;
        let marker = { type: -1, coordinatorEpoch: -1 };
        if (isControl(header.attributes)) {
          // `bytes` may stop at the end of the read chunk; a marker is tiny, so read it whole if so.
          const whole = bytes.length >= header.size ? bytes : seg.read(header.position, header.size);
          marker = controlMarkerOf(whole, { ...header, position: 0 });
        }
        this.producerState.update(header, marker.type, marker.coordinatorEpoch);
      }
    }
  }

  // ---- truncation (replication) and log start ----

  /**
   * Follower truncation: removes every batch that contains an offset >= `offset` (Kafka truncates at
   * batch boundaries). Returns the new log end offset.
   */
  truncateTo(offset: number): number {
    this.checkOpen();
    if (offset >= this.logEndOffset()) return this.logEndOffset();
    if (offset <= this.segments[0].baseOffset) {
      this.truncateFullyAndStartAt(Math.max(offset, this.lso));
      return this.logEndOffset();
    }
    try {
      while (this.segments.length > 1 && this.active.baseOffset >= offset) {
        const s = this.segments.pop() as LogSegment;
        this.hooks.bytesChanged(-s.size);
        s.delete();
      }
      const seg = this.active;
      const loc = seg.locate(offset);
      if (loc) {
        const before = seg.size;
        seg.truncateTo(loc.position, loc.baseOffset);
        this.hooks.bytesChanged(seg.size - before);
      }
    } catch (err) {
      throw this.hooks.ioError(err, `truncating ${this.topic}-${this.partition}`);
    }
    const leo = this.logEndOffset();
    this.epochs.truncateFromEnd(leo);
    this.rebuildProducerState();
    return leo;
  }

  /** Deletes all data and starts an empty log at `offset` (a follower far behind the leader's log start). */
  truncateFullyAndStartAt(offset: number): void {
    this.checkOpen();
    try {
      for (const s of this.segments) {
        this.hooks.bytesChanged(-s.size);
        s.delete();
      }
      this.segments = [LogSegment.create(this.dir, offset)];
      for (const o of this.producerState.snapshotOffsets())
        rmSync(join(this.dir, segmentFileName(o, '.snapshot')), { force: true });
    } catch (err) {
      throw this.hooks.ioError(err, `truncating ${this.topic}-${this.partition}`);
    }
    this.producerState.clear();
    this.producerState.truncateAbortedFrom(0);
    this.epochs.clear();
    this.lso = offset;
    this.hooks.logStartOffsetChanged(this);
  }

  /**
   * DeleteRecords: advances the log start offset to `offset` (at most the log end offset) and deletes
   * segments that lie wholly below it. Returns the new log start offset.
   */
  deleteRecordsBefore(offset: number): number {
    this.checkOpen();
    const leo = this.logEndOffset();
    if (offset > leo || offset < 0) throw new OffsetOutOfRangeError(offset, this.lso, leo);
    if (offset <= this.lso) return this.lso;
    this.lso = offset;
    this.logStartMoved();
    this.deleteSegmentsBelowStart();
    return this.lso;
  }

  /** Sets the log start offset without deleting (follower learning the leader's log start). */
  maybeIncrementLogStartOffset(offset: number): void {
    if (offset > this.lso && offset <= this.logEndOffset()) {
      this.lso = offset;
      this.logStartMoved();
      this.deleteSegmentsBelowStart();
    }
  }

  /** The log start offset moved forward: the aborted-transaction index drops what lies below it. */
  private logStartMoved(): void {
    this.producerState.trimAbortedBefore(this.lso);
    this.hooks.logStartOffsetChanged(this);
  }

  private deleteSegmentsBelowStart(): void {
    if (this.active.nextOffset <= this.lso && this.active.size > 0) this.roll();
    let n = 0;
    while (n < this.segments.length - 1 && this.segments[n].nextOffset <= this.lso) n++;
    this.deleteOldest(n);
  }

  private deleteOldest(n: number): void {
    if (n <= 0) return;
    const gone = this.segments.splice(0, n);
    try {
      for (const s of gone) {
        this.hooks.bytesChanged(-s.size);
        s.delete();
      }
    } catch (err) {
      throw this.hooks.ioError(err, `deleting segments of ${this.topic}-${this.partition}`);
    }
    const start = this.segments[0].baseOffset;
    if (start > this.lso) {
      this.lso = start;
      this.logStartMoved();
    }
    this.epochs.truncateFromStart(this.lso);
  }

  // ---- retention and compaction ----

  /**
   * After cleaning, neighbouring inactive segments that together fit in segment.bytes are concatenated
   * into the first one (Kafka's cleaner groups segments the same way). Crash-safe: the merged file
   * replaces the first segment by rename, and a later segment left behind by a crash is detected on open
   * (its offsets overlap the merged one) and deleted. Returns how many segments were merged away.
   */
  private mergeSmallSegments(): number {
    let merged = 0;
    let i = 0;
    while (i < this.segments.length - 2) {
      const first = this.segments[i];
      let j = i + 1;
      let size = first.size;
      while (
        j < this.segments.length - 1 &&
        size + this.segments[j].size <= this.config.segmentBytes &&
        this.segments[j].nextOffset - first.baseOffset < 0x7fffffff
      )
        size += this.segments[j++].size;
      if (j - i < 2) {
        i++;
        continue;
      }
      const group = this.segments.slice(i, j);
      const cleaned = first.logPath + '.cleaned';
      writeFileSync(cleaned, Buffer.concat(group.map((s) => s.read(0, s.size))));
      const next = group[group.length - 1].nextOffset;
      first.replaceWith(cleaned, this.config.indexIntervalBytes);
      first.nextOffset = Math.max(first.nextOffset, next);
      for (const s of group.slice(1)) s.delete();
      this.segments.splice(i + 1, group.length - 1);
      merged += group.length - 1;
      i++;
    }
    return merged;
  }

  /**
   * Deletes whole segments past retention.ms (newest record older than the limit) or beyond
   * retention.bytes (oldest first), for cleanup.policy containing delete. The active segment is rolled
   * first when everything has expired, so an idle topic can empty out. Returns segments deleted.
   */
  enforceRetention(now: number): number {
    if (this.closed) return 0;
    let n = 0;
    if (this.config.cleanupPolicy.includes('delete')) {
      const { retentionMs, retentionBytes } = this.config;
      const expired = (s: LogSegment): boolean =>
        retentionMs >= 0 && s.size > 0 && s.maxTimestamp >= 0 && now - s.maxTimestamp > retentionMs;
      if (this.segments.every(expired)) this.roll();
      let total = this.sizeBytes();
      while (n < this.segments.length - 1) {
        const s = this.segments[n];
        const overSize = retentionBytes >= 0 && total - s.size >= retentionBytes;
        if (!(expired(s) || overSize || s.nextOffset <= this.lso)) break;
        total -= s.size;
        n++;
      }
    } else {
      while (n < this.segments.length - 1 && this.segments[n].nextOffset <= this.lso) n++;
    }
    this.deleteOldest(n);
    return n;
  }

  /**
   * cleanup.policy=compact: keeps the latest record per key in the inactive segments (the active segment
   * is never cleaned), drops tombstones whose segment is older than delete.retention.ms, and rewrites
   * segments in place keeping original offsets (batches are decoded and re-encoded with their codec).
   * Runs only when new inactive data exists since the last pass, unless `force`.
   */
  compact(now: number, force = false): CompactionStats {
    const stats: CompactionStats = { segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
    if (this.closed || !this.config.cleanupPolicy.includes('compact') || this.segments.length < 2) return stats;
    const inactive = this.segments.slice(0, -1);
    const dirtyEnd = inactive[inactive.length - 1].nextOffset;
    if (!force && dirtyEnd <= this.cleanedUpTo && now < this.nextTombstoneExpiry) return stats;
    let tombstoneExpiry = Number.POSITIVE_INFINITY;
    // Transactional data (KIP-98), as Kafka's cleaner treats it: a record of an aborted transaction
    // is dropped and never becomes its key's value; a record of a transaction still open is kept
    // but does not count as the newest value either until its marker decides it. Either way an
    // aborted or undecided value cannot remove the committed one before it.
    const abortedBy = new Map<number, AbortedTxn[]>();
    for (const a of this.producerState.abortedTxns) {
      const l = abortedBy.get(a.producerId) ?? [];
      l.push(a);
      abortedBy.set(a.producerId, l);
    }
    const txnState = (b: DecodedBatch): 'aborted' | 'open' | 'decided' => {
      const h = b.header;
      if (!b.transactional || b.control || h.producerId < 0) return 'decided';
      if (abortedBy.get(h.producerId)?.some((a) => a.firstOffset <= h.baseOffset && h.baseOffset <= a.lastOffset))
        return 'aborted';
      const open = this.producerState.producers.get(h.producerId)?.currentTxnFirstOffset ?? -1;
      return open >= 0 && h.baseOffset >= open ? 'open' : 'decided';
    };
    try {
      const latest = new Map<string, number>();
      for (const seg of inactive) {
        for (const { bytes } of seg.batches(0, true)) {
          const b = decodeBatch(bytes, 0, { verifyCrc: false, maxDecompressedBytes: this.config.maxDecompressedBytes });
          if (b.control || txnState(b) !== 'decided') continue;
          for (const r of b.records) if (r.key) latest.set(r.key.toString('latin1'), r.offset);
        }
      }
      const horizon = now - this.config.deleteRetentionMs;
      const emptied: LogSegment[] = [];
      for (const seg of inactive) {
        const out: Buffer[] = [];
        let changed = false;
        const dropTombstones = seg.maxTimestamp >= 0 && seg.maxTimestamp < horizon;
        for (const { bytes } of seg.batches(0, true)) {
          const b = decodeBatch(bytes, 0, { verifyCrc: false, maxDecompressedBytes: this.config.maxDecompressedBytes });
          const state = txnState(b);
          if (state === 'aborted') {
            changed = true;
            stats.recordsRemoved += b.entries.length;
            continue;
          }
          if (b.control || state === 'open') {
            out.push(Buffer.from(bytes));
            continue;
          }
          const keep = b.entries.filter((e, i) => {
            const r = b.records[i];
            if (r.key === null) return true;
            if (latest.get(r.key.toString('latin1')) !== r.offset) return false;
            if (r.value !== null) return true;
            if (!dropTombstones)
              tombstoneExpiry = Math.min(tombstoneExpiry, seg.maxTimestamp + this.config.deleteRetentionMs + 1);
            return !dropTombstones;
          });
          if (keep.length === b.entries.length) {
            out.push(Buffer.from(bytes));
            continue;
          }
          changed = true;
          stats.recordsRemoved += b.entries.length - keep.length;
          if (keep.length === 0) continue;
          const h = b.header;
          out.push(
            encodeBatch(keep, h.baseTimestamp, {
              baseOffset: h.baseOffset,
              partitionLeaderEpoch: h.partitionLeaderEpoch,
              compression: b.codec as CompressionCodec,
              logAppendTime: b.logAppendTime,
              producerId: h.producerId,
              producerEpoch: h.producerEpoch,
              baseSequence: h.baseSequence,
              transactional: b.transactional,
              lastOffsetDelta: h.lastOffsetDelta,
              maxTimestamp: h.maxTimestamp,
            }),
          );
        }
        if (!changed) continue;
        const before = seg.size;
        const cleaned = seg.logPath + '.cleaned';
        writeFileSync(cleaned, Buffer.concat(out));
        seg.replaceWith(cleaned, this.config.indexIntervalBytes);
        stats.segmentsRewritten++;
        stats.bytesBefore += before;
        stats.bytesAfter += seg.size;
        this.hooks.bytesChanged(seg.size - before);
        if (seg.size === 0) emptied.push(seg);
      }
      // Segments emptied by cleaning go away; the log start offset stays where it was.
      for (const seg of emptied) {
        this.segments.splice(this.segments.indexOf(seg), 1);
        seg.delete();
      }
      stats.segmentsMerged = this.mergeSmallSegments();
    } catch (err) {
      if (err instanceof CorruptRecordError) {
        this.hooks.warn('compaction skipped a corrupt segment', {
          topic: this.topic,
          partition: this.partition,
          error: err.message,
        });
        return stats;
      }
      throw this.hooks.ioError(err, `compacting ${this.topic}-${this.partition}`);
    }
    this.cleanedUpTo = dirtyEnd;
    this.nextTombstoneExpiry = tombstoneExpiry;
    return stats;
  }
}

function sumSizes(headers: readonly BatchHeader[]): number {
  let n = 0;
  for (const h of headers) n += h.size;
  return n;
}
