// Idempotent-producer state of one partition: producer id -> epoch and the last five batches
// (first/last sequence and offsets), as Kafka's ProducerStateManager keeps it. Persisted as Kafka's
// `<offset>.snapshot` file (version 1: int16 version, uint32 CRC-32C of the rest, int32 count, then per
// producer: int64 id, int16 epoch, int32 last sequence, int64 last offset, int32 offset delta,
// int64 timestamp, int32 coordinator epoch, int64 current txn first offset). Like Kafka, a snapshot holds
// only each producer's last batch; the batches after the snapshot offset are replayed from the log.
import { crc32c } from '@node-rs/crc32';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInt64, writeInt64, type BatchHeader } from '../../protocol/record-batch/index.js';
import { DuplicateSequenceError, InvalidProducerEpochError, OutOfOrderSequenceError } from './errors.js';
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
}

export const MAX_BATCHES_PER_PRODUCER = 5;
const SNAPSHOT_VERSION = 1;
const ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

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
  check(h: BatchHeader): SequenceCheck {
    if (h.producerId < 0 || h.baseSequence < 0) return { duplicate: false };
    const e = this.producers.get(h.producerId);
    if (!e) return { duplicate: false };
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

  /** Records an appended batch (leader and follower, and log replay). */
  update(h: BatchHeader): void {
    if (h.producerId < 0) return;
    let e = this.producers.get(h.producerId);
    if (!e || h.producerEpoch > e.epoch) {
      e = { producerId: h.producerId, epoch: h.producerEpoch, batches: [], lastTimestamp: h.maxTimestamp };
      this.producers.set(h.producerId, e);
    }
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

  /** Offsets of snapshot files present, ascending. */
  snapshotOffsets(): number[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{20}\.snapshot$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
  }

  /** Writes `<offset>.snapshot` atomically and keeps only the two newest. */
  writeSnapshot(offset: number): void {
    const entries = [...this.producers.values()].filter((e) => e.batches.length > 0 || e.epoch >= 0);
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
      buf.writeInt32BE(-1, at + 34);
      writeInt64(buf, at + 38, -1);
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
      this.producers.set(producerId, { producerId, epoch, batches, lastTimestamp: timestamp });
    }
  }
}
