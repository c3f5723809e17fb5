// The record format inside a v2 batch (after decompression): varint-framed records with zigzag varints.
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint | key varint-bytes
//   value varint-bytes | header count varint | headers (key varint-string, value varint-bytes)
import { ProtocolReader, ProtocolWriter, ProtocolDecodeError } from '../primitives/index.js';
import { CorruptRecordError } from './errors.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record as stored: deltas relative to the batch's baseOffset/baseTimestamp. */
export interface RecordEntry {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Decodes `count` records from uncompressed record bytes. Values are views into `data`. */
export function decodeRecords(data: Buffer, count: number): RecordEntry[] {
  const r = new ProtocolReader(data);
  const out: RecordEntry[] = new Array(count);
  try {
    for (let i = 0; i < count; i++) {
      const length = r.varint();
      if (length < 0 || length > r.remaining)
        throw new CorruptRecordError(`record ${i} length ${length} exceeds the ${r.remaining} bytes left`);
      const end = r.offset + length;
      const rr = new ProtocolReader(data, r.offset, end);
      const attributes = rr.int8();
      const timestampDelta = rr.varlong();
      const offsetDelta = rr.varint();
      const key = rr.varintBytes();
      const value = rr.varintBytes();
      const headerCount = rr.varint();
      if (headerCount < 0 || headerCount > rr.remaining)
        throw new CorruptRecordError(`record ${i} has an invalid header count ${headerCount}`);
      const headers: RecordHeader[] = new Array(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const hk = rr.varintBytes();
        if (hk === null) throw new CorruptRecordError(`record ${i} has a null header key`);
        headers[h] = { key: hk.toString('utf8'), value: rr.varintBytes() };
      }
      if (rr.remaining !== 0)
        throw new CorruptRecordError(`record ${i} has ${rr.remaining} unexpected trailing byte(s)`);
      r.offset = end;
      out[i] = { attributes, timestampDelta, offsetDelta, key, value, headers };
    }
  } catch (err) {
    if (err instanceof ProtocolDecodeError) throw new CorruptRecordError(`malformed record: ${err.message}`);
    throw err;
  }
  if (r.remaining !== 0)
    throw new CorruptRecordError(`record data has ${r.remaining} trailing byte(s) after ${count} record(s)`);
  return out;
}

/** Encodes records (uncompressed form). */
export function encodeRecords(records: readonly RecordEntry[], w = new ProtocolWriter(1024)): Buffer {
  const body = new ProtocolWriter(256);
  for (const rec of records) {
    body.offset = 0;
    body
      .int8(rec.attributes)
      .varlong(rec.timestampDelta)
      .varint(rec.offsetDelta)
      .varintBytes(rec.key)
      .varintBytes(rec.value)
      .varint(rec.headers.length);
    for (const h of rec.headers) body.varintBytes(Buffer.from(h.key, 'utf8')).varintBytes(h.value);
    const bytes = body.toBuffer();
    w.varint(bytes.length).raw(bytes);
  }
  return w.toBuffer();
}
