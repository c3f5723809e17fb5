// Full decode and build of RecordBatch v2, including compression. Used off the hot path: compaction,
// offset-for-timestamp, `log dump`, tests, and writers of internal topics (__consumer_offsets).
import { ProtocolWriter } from '../primitives/index.js';
import { compress, decompress } from './compression.js';
import { CorruptRecordError } from './errors.js';
import { batchCrcValid, codecOf, readBatchHeader, rewriteBatchCrc, writeInt64, type BatchHeader } from './header.js';
import * as L from './layout.js';
import { decodeRecords, encodeRecords, type RecordEntry, type RecordHeader } from './records.js';

/** A record with absolute offset and timestamp. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  attributes: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  codec: L.CompressionCodec;
  transactional: boolean;
  control: boolean;
  logAppendTime: boolean;
  records: DecodedRecord[];
  /** The stored (relative) form, for re-encoding. */
  entries: RecordEntry[];
}

export interface DecodeOptions {
  verifyCrc?: boolean;
  /** Bound on the decompressed records (DEFAULT_MAX_DECOMPRESSED_BYTES when not given). */
  maxDecompressedBytes?: number;
}

/** Decodes one batch at `pos`, checking its CRC unless told not to. */
export function decodeBatch(buf: Buffer, pos = 0, opts: DecodeOptions = {}): DecodedBatch {
  const header = readBatchHeader(buf, pos);
  if (opts.verifyCrc !== false && !batchCrcValid(buf, pos, header.size)) {
    throw new CorruptRecordError(
      `record batch at position ${pos} (base offset ${header.baseOffset}) fails its CRC-32C check`,
    );
  }
  const codec = codecOf(header.attributes);
  const raw = buf.subarray(pos + L.RECORDS, pos + header.size);
  const data = decompress(codec, raw, opts.maxDecompressedBytes);
  const entries = decodeRecords(data, header.recordCount);
  const logAppendTime = (header.attributes & L.TIMESTAMP_TYPE_BIT) !== 0;
  const records = entries.map((e) => ({
    offset: header.baseOffset + e.offsetDelta,
    timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + e.timestampDelta,
    key: e.key,
    value: e.value,
    headers: e.headers,
    attributes: e.attributes,
  }));
  return {
    header,
    codec,
    transactional: (header.attributes & L.TRANSACTIONAL_BIT) !== 0,
    control: (header.attributes & L.CONTROL_BIT) !== 0,
    logAppendTime,
    records,
    entries,
  };
}

/** Decodes every batch in `buf` (e.g. a Fetch response's records or a whole segment). */
export function decodeBatches(buf: Buffer, opts: DecodeOptions = {}): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const b = decodeBatch(buf, pos, opts);
    out.push(b);
    pos += b.header.size;
  }
  return out;
}

export type Bytesish = Buffer | string | null | undefined;

export interface RecordInput {
  key?: Bytesish;
  value: Bytesish;
  headers?: ReadonlyArray<{ key: string; value: Bytesish }> | Readonly<Record<string, Bytesish>>;
  /** Absolute timestamp (ms); defaults to the batch's base timestamp. */
  timestamp?: number;
  /** Offset delta; defaults to the record's index. */
  offsetDelta?: number;
}

export interface BuildBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  compression?: L.CompressionCodec;
  /** Defaults to the first record's timestamp, else Date.now(). */
  baseTimestamp?: number;
  logAppendTime?: boolean;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  /** Kept by compaction so producer state stays consistent; defaults to the last record's offset delta. */
  lastOffsetDelta?: number;
  /** Overrides the computed max timestamp (compaction keeps the original). */
  maxTimestamp?: number;
}

function toBytes(v: Bytesish): Buffer | null {
  if (v == null) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** Builds one v2 batch with a valid CRC. */
export function buildRecordBatch(records: readonly RecordInput[], opts: BuildBatchOptions = {}): Buffer {
  const baseTimestamp = opts.baseTimestamp ?? records.find((r) => r.timestamp !== undefined)?.timestamp ?? Date.now();
  const entries: RecordEntry[] = records.map((r, i) => {
    const hs = r.headers;
    const headers: RecordHeader[] =
      hs === undefined
        ? []
        : Array.isArray(hs)
          ? hs.map((h: { key: string; value: Bytesish }) => ({ key: h.key, value: toBytes(h.value) }))
          : Object.entries(hs).map(([key, value]) => ({ key, value: toBytes(value as Bytesish) }));
    return {
      attributes: 0,
      timestampDelta: (r.timestamp ?? baseTimestamp) - baseTimestamp,
      offsetDelta: r.offsetDelta ?? i,
      key: toBytes(r.key),
      value: toBytes(r.value),
      headers,
    };
  });
  return encodeBatch(entries, baseTimestamp, opts);
}

/** Builds a batch from stored-form entries (deltas already relative to `baseTimestamp`). */
export function encodeBatch(
  entries: readonly RecordEntry[],
  baseTimestamp: number,
  opts: BuildBatchOptions = {},
): Buffer {
  const codec = opts.compression ?? L.CompressionCodec.None;
  const plain = encodeRecords(entries);
  const body = codec === L.CompressionCodec.None ? plain : compress(codec, plain);
  let maxDelta = 0;
  let lastDelta = 0;
  for (const e of entries) {
    if (e.timestampDelta > maxDelta) maxDelta = e.timestampDelta;
    if (e.offsetDelta > lastDelta) lastDelta = e.offsetDelta;
  }
  let attributes = codec;
  if (opts.logAppendTime) attributes |= L.TIMESTAMP_TYPE_BIT;
  if (opts.transactional) attributes |= L.TRANSACTIONAL_BIT;
  if (opts.control) attributes |= L.CONTROL_BIT;
  const size = L.BATCH_OVERHEAD + body.length;
  const w = new ProtocolWriter(size);
  w.int64(opts.baseOffset ?? 0)
    .int32(size - L.LOG_OVERHEAD)
    .int32(opts.partitionLeaderEpoch ?? L.NO_PARTITION_LEADER_EPOCH)
    .int8(2)
    .uint32(0)
    .int16(attributes)
    .int32(opts.lastOffsetDelta ?? lastDelta)
    .int64(baseTimestamp)
    .int64(opts.maxTimestamp ?? (entries.length === 0 ? baseTimestamp : baseTimestamp + maxDelta))
    .int64(opts.producerId ?? L.NO_PRODUCER_ID)
    .int16(opts.producerEpoch ?? L.NO_PRODUCER_EPOCH)
    .int32(opts.baseSequence ?? L.NO_SEQUENCE)
    .int32(entries.length)
    .raw(body);
  const out = w.toBuffer();
  rewriteBatchCrc(out, 0, size);
  return out;
}

/** Rewrites the base offset of a built batch (helper for tests and writers). */
export function withBaseOffset(batch: Buffer, baseOffset: number): Buffer {
  writeInt64(batch, L.BASE_OFFSET, baseOffset);
  return batch;
}
