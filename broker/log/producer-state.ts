// Idempotent-producer state of one partition: producer id -> epoch and the last five batches
// (first/last sequence and offsets), as Kafka's ProducerStateManager keeps it. Persisted as Kafka's
// `<offset>.snapshot` file (version 1: int16 version, uint32 CRC-32C of the rest, int32 count, then per
// producer: int64 id, int16 epoch, int32 last sequence, int64 last offset, int32 offset delta,
// int64 timestamp, int32 coordinator epoch, int64 current txn first offset). Like Kafka, a snapshot holds
// only each producer's last batch; the batches after the snapshot offset are replayed from the log.
//
// Transactions (KIP-98): a producer's first transactional batch opens its transaction here (the
// offset is its `currentTxnFirstOffset`); its COMMIT or ABORT marker closes it. The smallest open
// first offset is the partition's first unstable offset, which bounds the last stable offset (LSO);
// an ABORT records the aborted range, which read_committed fetches return so consumers skip it.
import { crc32c } from '@node-rs/crc32';
import { appendFileSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ControlType,
  isControl,
  isTransactional,
  readInt64,
  writeInt64,
  type BatchHeader,
} from '../../protocol/record-batch/index.js';
import {
  DuplicateSequenceError,
  InvalidProducerEpochError,
  OutOfOrderSequenceError,
  TransactionCoordinatorFencedError,
} from './errors.js';
import { segmentFileName } from './segment.js';

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Newest last. At most MAX_BATCHES. */
  batches: BatchMetadata[];
  lastTimestamp: number;
  /** First offset of the producer's open transaction on this partition, -1 when none. */
  currentTxnFirstOffset: number;
  /** Coordinator epoch of the last marker written for this producer (-1 before any). */
  coordinatorEpoch: number;
}

/** One producer of a partition as DescribeProducers reports it (KIP-664). */
export interface ActiveProducer {
  producerId: number;
  epoch: number;
  /** Last sequence of its newest batch, -1 when none is kept. */
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of its open transaction, -1 when none. */
  currentTxnFirstOffset: number;
}

/** A transaction ended by an ABORT marker: [firstOffset, lastOffset] (lastOffset = the marker). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

export const MAX_BATCHES_PER_PRODUCER = 5;
const SNAPSHOT_VERSION = 1;
const ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
// The aborted transactions of the partition, one file per partition (Kafka keeps one `.txnindex` per
// segment) with Kafka's entry format: int16 version 0, int64 producer id, int64 first offset, int64
// last offset (the ABORT marker), int64 last stable offset when it was written.
export const TXN_INDEX_FILE = 'transaction-index';
const TXN_ENTRY_SIZE = 2 + 8 + 8 + 8 + 8;

/** Outcome of checking one batch: append it, or it is an exact retry of an earlier batch. */
export type SequenceCheck = { duplicate: false } | { duplicate: true; batch: BatchMetadata };

function nextSeq(seq: number, delta: number): number {
  const n = seq + delta;
  return n > 0x7fffffff ? n - 0x80000000 : n;
}

export class ProducerStateManager {
  readonly producers = new Map<number, ProducerEntry>();

  constructor(readonly dir: string) {}

  /**
   * Leader-side validation of one batch (Kafka's rules): lower epoch -> INVALID_PRODUCER_EPOCH; an exact
   * match of one of the last five batches -> duplicate; a new epoch must start at sequence 0 unless the
   * producer is unknown; otherwise the sequence must follow the last one.
   */
  check(h: BatchHeader, markerCoordinatorEpoch = -1): SequenceCheck {
    if (h.producerId < 0) return { duplicate: false };
    const e = this.producers.get(h.producerId);
    if (!e) return { duplicate: false };
    // A batch without a sequence (a marker, a coordinator's transactional offset commit) from an
    // older epoch belongs to a fenced producer or coordinator.
    if (h.baseSequence < 0) {
      if (h.producerEpoch < e.epoch)
        throw new InvalidProducerEpochError(
          `batch of producer ${h.producerId} has epoch ${h.producerEpoch}, older than the current epoch ${e.epoch}`,
        );
      // A marker of a coordinator older than the one that wrote the producer's last marker here: a
      // request that waited while the transaction's state partition moved. Written now, it would
      // end whatever transaction the producer has open here since (Kafka refuses it too).
      if (isControl(h.attributes) && markerCoordinatorEpoch >= 0 && markerCoordinatorEpoch < e.coordinatorEpoch)
        throw new TransactionCoordinatorFencedError(
          `marker of producer ${h.producerId} from coordinator epoch ${markerCoordinatorEpoch}, older than ${e.coordinatorEpoch}`,
        );
      return { duplicate: false };
    }
    const firstSeq = h.baseSequence;
    const lastSeq = nextSeq(firstSeq, h.lastOffsetDelta);
    if (h.producerEpoch < e.epoch)
      throw new InvalidProducerEpochError(
        `producer ${h.producerId} epoch ${h.producerEpoch} is older than the current epoch ${e.epoch}`,
      );
    if (h.producerEpoch > e.epoch) {
      if (firstSeq !== 0)
        throw new OutOfOrderSequenceError(
          `producer ${h.producerId} started epoch ${h.producerEpoch} with sequence ${firstSeq}, expected 0`,
        );
      return { duplicate: false };
    }
    for (const b of e.batches)
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return { duplicate: true, batch: b };
    const last = e.batches[e.batches.length - 1];
    if (!last) return { duplicate: false };
    const expected = nextSeq(last.lastSeq, 1);
    if (firstSeq !== expected) {
      if (e.batches.some((b) => b.firstSeq === firstSeq))
        throw new DuplicateSequenceError(
          `producer ${h.producerId} resent sequence ${firstSeq} with a different batch size`,
        );
      throw new OutOfOrderSequenceError(
        `producer ${h.producerId} epoch ${h.producerEpoch}: sequence ${firstSeq} out of order, expected ${expected}`,
      );
    }
    return { duplicate: false };
  }

  /**
   * Records an appended batch (leader and follower, and log replay). `controlType` is the marker's
   * type (ControlType) for a control batch, -1 otherwise.
   */
  update(h: BatchHeader, controlType = -1, markerCoordinatorEpoch = -1): void {
    if (h.producerId < 0) return;
    let e = this.producers.get(h.producerId);
    if (!e || h.producerEpoch > e.epoch) {
      // An epoch bump keeps an open transaction: the coordinator aborts it with the new epoch.
      e = {
        producerId: h.producerId,
        epoch: h.producerEpoch,
        batches: [],
        lastTimestamp: h.maxTimestamp,
        currentTxnFirstOffset: e?.currentTxnFirstOffset ?? -1,
        coordinatorEpoch: e?.coordinatorEpoch ?? -1,
      };
      this.producers.set(h.producerId, e);
    }
    if (isControl(h.attributes)) {
      const first = e.currentTxnFirstOffset;
      e.currentTxnFirstOffset = -1;
      if (markerCoordinatorEpoch >= 0) e.coordinatorEpoch = markerCoordinatorEpoch;
      if (controlType === ControlType.ABORT && first >= 0)
        this.recordAborted({ producerId: h.producerId, firstOffset: first, lastOffset: h.baseOffset });
      e.lastTimestamp = h.maxTimestamp;
      return;
    }
    if (isTransactional(h.attributes) && e.currentTxnFirstOffset < 0) e.currentTxnFirstOffset = h.baseOffset;
    if (h.baseSequence >= 0) {
      e.batches.push({
        firstSeq: h.baseSequence,
        lastSeq: nextSeq(h.baseSequence, h.lastOffsetDelta),
        firstOffset: h.baseOffset,
        lastOffset: h.baseOffset + h.lastOffsetDelta,
        timestamp: h.maxTimestamp,
      });
      if (e.batches.length > MAX_BATCHES_PER_PRODUCER) e.batches.shift();
    }
    e.lastTimestamp = h.maxTimestamp;
  }

  clear(): void {
    this.producers.clear();
  }

  /** Aborted transactions in marker order (loaded from the transaction index at open). */
  abortedTxns: AbortedTxn[] = [];

  private recordAborted(a: AbortedTxn): void {
    this.abortedTxns.push(a);
    const lso = this.firstUnstableOffset();
    const entry = Buffer.alloc(TXN_ENTRY_SIZE);
    entry.writeInt16BE(0, 0);
    writeInt64(entry, 2, a.producerId);
    writeInt64(entry, 10, a.firstOffset);
    writeInt64(entry, 18, a.lastOffset);
    writeInt64(entry, 26, lso >= 0 ? lso : a.lastOffset + 1);
    appendFileSync(join(this.dir, TXN_INDEX_FILE), entry);
  }

  /**
   * Reads the transaction index, keeping the entries below `endOffset` (a crash may have cut the log
   * after the index was written); a torn tail entry is dropped.
   */
  loadAbortedIndex(endOffset: number): void {
    let buf: Buffer;
    try {
      buf = readFileSync(join(this.dir, TXN_INDEX_FILE));
    } catch {
      this.abortedTxns = [];
      return;
    }
    const out: AbortedTxn[] = [];
    for (let at = 0; at + TXN_ENTRY_SIZE <= buf.length; at += TXN_ENTRY_SIZE) {
      const a = {
        producerId: readInt64(buf, at + 2),
        firstOffset: readInt64(buf, at + 10),
        lastOffset: readInt64(buf, at + 18),
      };
      if (a.lastOffset < endOffset) out.push(a);
    }
    this.abortedTxns = out;
    if (out.length * TXN_ENTRY_SIZE !== buf.length) this.rewriteAbortedIndex();
  }

  /** Writes the in-memory list as the whole index (after truncation). */
  private rewriteAbortedIndex(): void {
    const buf = Buffer.alloc(this.abortedTxns.length * TXN_ENTRY_SIZE);
    this.abortedTxns.forEach((a, i) => {
      const at = i * TXN_ENTRY_SIZE;
      writeInt64(buf, at + 2, a.producerId);
      writeInt64(buf, at + 10, a.firstOffset);
      writeInt64(buf, at + 18, a.lastOffset);
      writeInt64(buf, at + 26, a.lastOffset + 1);
    });
    const path = join(this.dir, TXN_INDEX_FILE);
    writeFileSync(path + '.tmp', buf);
    renameSync(path + '.tmp', path);
  }

  /** The smallest first offset of an open transaction, or -1 when none is open. */
  firstUnstableOffset(): number {
    let min = -1;
    for (const e of this.producers.values())
      if (e.currentTxnFirstOffset >= 0 && (min < 0 || e.currentTxnFirstOffset < min)) min = e.currentTxnFirstOffset;
    return min;
  }

  /** Open transactions: producer id -> first offset (DescribeProducers' current_txn_start_offset). */
  openTransactions(): { producerId: number; epoch: number; firstOffset: number }[] {
    return [...this.producers.values()]
      .filter((e) => e.currentTxnFirstOffset >= 0)
      .map((e) => ({ producerId: e.producerId, epoch: e.epoch, firstOffset: e.currentTxnFirstOffset }));
  }

  /** Every producer the partition keeps state for (DescribeProducers). */
  activeProducers(): ActiveProducer[] {
    return [...this.producers.values()].map((e) => ({
      producerId: e.producerId,
      epoch: e.epoch,
      lastSequence: e.batches[e.batches.length - 1]?.lastSeq ?? -1,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnFirstOffset: e.currentTxnFirstOffset,
    }));
  }

  /** Aborted transactions overlapping [from, to): what a read_committed fetch of that range must skip. */
  abortedIn(from: number, to: number): AbortedTxn[] {
    // By first offset: clients walk the list in that order (kafkajs looks only at its head).
    return this.abortedTxns
      .filter((a) => a.lastOffset >= from && a.firstOffset < to)
      .sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Forgets the aborted transactions whose marker is at or past `offset` (truncation, replay). */
  truncateAbortedFrom(offset: number): void {
    const kept = this.abortedTxns.filter((a) => a.lastOffset < offset);
    if (kept.length === this.abortedTxns.length) return;
    this.abortedTxns = kept;
    this.rewriteAbortedIndex();
  }

  /**
   * Forgets the aborted transactions whose marker lies below the log start offset (retention,
   * DeleteRecords): no fetch can reach them any more, and the index would otherwise grow for the
   * life of the partition. One that straddles the log start stays.
   */
  trimAbortedBefore(logStartOffset: number): void {
    const kept = this.abortedTxns.filter((a) => a.lastOffset >= logStartOffset);
    if (kept.length === this.abortedTxns.length) return;
    this.abortedTxns = kept;
    this.rewriteAbortedIndex();
  }

  /** Offsets of snapshot files present, ascending. */
  snapshotOffsets(): number[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{20}\.snapshot$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
  }

  /** Writes `<offset>.snapshot` atomically and keeps only the two newest. */
  writeSnapshot(offset: number): void {
    const entries = [...this.producers.values()].filter(
      (e) => e.batches.length > 0 || e.epoch >= 0 || e.currentTxnFirstOffset >= 0,
    );
    const buf = Buffer.alloc(2 + 4 + 4 + entries.length * ENTRY_SIZE);
    buf.writeInt16BE(SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(entries.length, 6);
    let at = 10;
    for (const e of entries) {
      const last = e.batches[e.batches.length - 1];
      writeInt64(buf, at, e.producerId);
      buf.writeInt16BE(e.epoch, at + 8);
      buf.writeInt32BE(last ? last.lastSeq : -1, at + 10);
      writeInt64(buf, at + 14, last ? last.lastOffset : -1);
      buf.writeInt32BE(last ? last.lastOffset - last.firstOffset : 0, at + 22);
      writeInt64(buf, at + 26, e.lastTimestamp);
      buf.writeInt32BE(e.coordinatorEpoch, at + 34);
      writeInt64(buf, at + 38, e.currentTxnFirstOffset);
      at += ENTRY_SIZE;
    }
    buf.writeUInt32BE(crc32c(buf.subarray(6)) >>> 0, 2);
    const path = join(this.dir, segmentFileName(offset, '.snapshot'));
    writeFileSync(path + '.tmp', buf);
    renameSync(path + '.tmp', path);
    const all = this.snapshotOffsets();
    for (const o of all.slice(0, -2)) rmSync(join(this.dir, segmentFileName(o, '.snapshot')), { force: true });
  }

  /** Deletes snapshots above `offset` (after truncation). */
  deleteSnapshotsAbove(offset: number): void {
    for (const o of this.snapshotOffsets())
      if (o > offset) rmSync(join(this.dir, segmentFileName(o, '.snapshot')), { force: true });
  }

  /**
   * Loads the newest valid snapshot at or below `maxOffset`; returns its offset, or -1 (state cleared) when
   * there is none. The caller replays the log from the returned offset.
   */
  loadLatestSnapshot(maxOffset: number): number {
    this.clear();
    for (const o of this.snapshotOffsets().reverse()) {
      if (o > maxOffset) continue;
      try {
        this.readSnapshot(join(this.dir, segmentFileName(o, '.snapshot')));
        return o;
      } catch {
        this.clear();
        rmSync(join(this.dir, segmentFileName(o, '.snapshot')), { force: true });
      }
    }
    return -1;
  }

  private readSnapshot(path: string): void {
    const buf = readFileSync(path);
    if (buf.length < 10 || buf.readInt16BE(0) !== SNAPSHOT_VERSION) throw new Error(`bad producer snapshot ${path}`);
    if (crc32c(buf.subarray(6)) >>> 0 !== buf.readUInt32BE(2))
      throw new Error(`producer snapshot ${path} fails its CRC`);
    const n = buf.readInt32BE(6);
    if (n < 0 || 10 + n * ENTRY_SIZE !== buf.length) throw new Error(`producer snapshot ${path} has a bad length`);
    for (let i = 0, at = 10; i < n; i++, at += ENTRY_SIZE) {
      const producerId = readInt64(buf, at);
      const epoch = buf.readInt16BE(at + 8);
      const lastSeq = buf.readInt32BE(at + 10);
      const lastOffset = readInt64(buf, at + 14);
      const delta = buf.readInt32BE(at + 22);
      const timestamp = readInt64(buf, at + 26);
      const coordinatorEpoch = buf.readInt32BE(at + 34);
      const currentTxnFirstOffset = readInt64(buf, at + 38);
      const batches: BatchMetadata[] =
        lastSeq >= 0 && lastOffset >= 0
          ? [
              {
                firstSeq: Math.max(0, lastSeq - delta),
                lastSeq,
                firstOffset: lastOffset - delta,
                lastOffset,
                timestamp,
              },
            ]
          : [];
      this.producers.set(producerId, {
        producerId,
        epoch,
        batches,
        lastTimestamp: timestamp,
        currentTxnFirstOffset,
        coordinatorEpoch,
      });
    }
  }
}
