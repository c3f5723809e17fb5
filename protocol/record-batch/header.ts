// Fast path: read and patch RecordBatch v2 headers without touching (or decompressing) the records.
// This is what the broker's append and read paths use per batch, so it does no per-record work.
import { crc32c } from '@node-rs/crc32';
import { CorruptRecordError } from './errors.js';
import * as L from './layout.js';

/** The fixed header fields of one batch. Offsets, ids and timestamps are numbers (exact below 2^53). */
export interface BatchHeader {
  /** Position of the batch in the buffer it was read from. */
  position: number;
  /** Total size in bytes (batchLength + 12). */
  size: number;
  baseOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / 0x1_0000_0000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * 0x1_0000_0000, at + 4);
}

export function codecOf(attributes: number): L.CompressionCodec {
  return attributes & L.CODEC_MASK;
}
export function isControl(attributes: number): boolean {
  return (attributes & L.CONTROL_BIT) !== 0;
}
export function isTransactional(attributes: number): boolean {
  return (attributes & L.TRANSACTIONAL_BIT) !== 0;
}
export function isLogAppendTime(attributes: number): boolean {
  return (attributes & L.TIMESTAMP_TYPE_BIT) !== 0;
}

/** Size of the batch starting at `pos`, or -1 when fewer than 12 bytes (or the whole batch) are present. */
export function batchSizeAt(buf: Buffer, pos: number, end = buf.length): number {
  if (end - pos < L.LOG_OVERHEAD) return -1;
  const size = buf.readInt32BE(pos + L.BATCH_LENGTH) + L.LOG_OVERHEAD;
  if (size < L.BATCH_OVERHEAD || pos + size > end) return -1;
  return size;
}

/** Reads the header of the batch at `pos`. Throws CorruptRecordError if the bytes cannot be a v2 batch. */
export function readBatchHeader(buf: Buffer, pos = 0, end = buf.length): BatchHeader {
  if (end - pos < L.BATCH_OVERHEAD)
    throw new CorruptRecordError(
      `record batch truncated: ${end - pos} byte(s) at position ${pos}, header needs ${L.BATCH_OVERHEAD}`,
    );
  const batchLength = buf.readInt32BE(pos + L.BATCH_LENGTH);
  const size = batchLength + L.LOG_OVERHEAD;
  if (size < L.BATCH_OVERHEAD)
    throw new CorruptRecordError(
      `record batch length ${batchLength} at position ${pos} is smaller than a batch header`,
    );
  if (pos + size > end)
    throw new CorruptRecordError(`record batch at position ${pos} claims ${size} bytes, only ${end - pos} present`);
  const magic = buf.readInt8(pos + L.MAGIC);
  if (magic !== 2)
    throw new CorruptRecordError(
      `unsupported record batch magic ${magic} at position ${pos} (only v2 batches are accepted)`,
    );
  return {
    position: pos,
    size,
    baseOffset: readInt64(buf, pos + L.BASE_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + L.PARTITION_LEADER_EPOCH),
    magic,
    crc: buf.readUInt32BE(pos + L.CRC),
    attributes: buf.readInt16BE(pos + L.ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + L.LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buf, pos + L.BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, pos + L.MAX_TIMESTAMP),
    producerId: readInt64(buf, pos + L.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + L.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + L.BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + L.RECORD_COUNT),
  };
}

/** CRC-32C over attributes..end, as stored in the crc field. */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + L.ATTRIBUTES, pos + size)) >>> 0;
}

export function batchCrcValid(buf: Buffer, pos: number, size: number): boolean {
  return computeBatchCrc(buf, pos, size) === buf.readUInt32BE(pos + L.CRC);
}

/** Recomputes and stores the CRC after covered bytes changed (e.g. LogAppendTime). */
export function rewriteBatchCrc(buf: Buffer, pos: number, size: number): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + L.CRC);
}

/**
 * Validates and lists every batch in `buf` (header + CRC + basic consistency), without decoding records.
 * Throws CorruptRecordError on the first bad batch; trailing partial bytes are an error too.
 */
export function scanBatches(buf: Buffer, verifyCrc = true): BatchHeader[] {
  const out: BatchHeader[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const h = readBatchHeader(buf, pos);
    checkHeaderConsistency(h);
    if (verifyCrc && !batchCrcValid(buf, pos, h.size))
      throw new CorruptRecordError(
        `record batch at position ${pos} (base offset ${h.baseOffset}) fails its CRC-32C check`,
      );
    out.push(h);
    pos += h.size;
  }
  return out;
}

/** Header-level sanity checks that do not need the records. */
export function checkHeaderConsistency(h: BatchHeader): void {
  if (h.recordCount < 0)
    throw new CorruptRecordError(`record batch at position ${h.position} has negative record count ${h.recordCount}`);
  if (h.lastOffsetDelta < 0)
    throw new CorruptRecordError(
      `record batch at position ${h.position} has negative last offset delta ${h.lastOffsetDelta}`,
    );
  if (h.recordCount === 0 && h.size > L.BATCH_OVERHEAD && codecOf(h.attributes) === L.CompressionCodec.None)
    throw new CorruptRecordError(`record batch at position ${h.position} has bytes but zero records`);
}

/** Patches baseOffset in place (outside the CRC). */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + L.BASE_OFFSET, baseOffset);
}

/** Patches partitionLeaderEpoch in place (outside the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + L.PARTITION_LEADER_EPOCH);
}

/** Switches a batch to LogAppendTime with the given time and rewrites its CRC. */
export function setLogAppendTime(buf: Buffer, pos: number, size: number, timestamp: number): void {
  const attrs = buf.readInt16BE(pos + L.ATTRIBUTES);
  buf.writeInt16BE(attrs | L.TIMESTAMP_TYPE_BIT, pos + L.ATTRIBUTES);
  writeInt64(buf, pos + L.MAX_TIMESTAMP, timestamp);
  rewriteBatchCrc(buf, pos, size);
}

/** Last offset of a batch: baseOffset + lastOffsetDelta. */
export function lastOffsetOf(h: BatchHeader): number {
  return h.baseOffset + h.lastOffsetDelta;
}
