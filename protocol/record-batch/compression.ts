// Compression codecs of RecordBatch v2: gzip (zlib), snappy (xerial framing, as the Java client writes;
// raw snappy accepted on read, as librdkafka and kafka-python do), lz4 (LZ4 frame format) and zstd.
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { CorruptRecordError } from './errors.js';
import { CompressionCodec } from './layout.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK = 32 * 1024;

export function codecName(codec: CompressionCodec): string {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'][codec] ?? `unknown(${codec})`;
}

export function compress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return gzipSync(data);
    case CompressionCodec.Snappy:
      return xerialSnappyCompress(data);
    case CompressionCodec.Lz4:
      return compressFrameSync(data);
    case CompressionCodec.Zstd:
      return zstdCompress(data);
    default:
      throw new CorruptRecordError(`unknown compression codec ${codec as number}`);
  }
}

export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  try {
    switch (codec) {
      case CompressionCodec.None:
        return data;
      case CompressionCodec.Gzip:
        return gunzipSync(data);
      case CompressionCodec.Snappy:
        return snappyDecompress(data);
      case CompressionCodec.Lz4:
        return decompressFrameSync(data);
      case CompressionCodec.Zstd:
        return zstdDecompress(data);
      default:
        throw new CorruptRecordError(`unknown compression codec ${codec as number}`);
    }
  } catch (err) {
    if (err instanceof CorruptRecordError) throw err;
    throw new CorruptRecordError(`cannot decompress ${codecName(codec)} records: ${(err as Error).message}`);
  }
}

function xerialSnappyCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK) {
    const block = snappyCompress(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function snappyDecompress(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, 8).equals(XERIAL_MAGIC))
    return snappyUncompress(data) as Buffer;
  const parts: Buffer[] = [];
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (at + 4 > data.length) throw new CorruptRecordError('xerial snappy block length truncated');
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > data.length)
      throw new CorruptRecordError(`xerial snappy block of ${len} bytes truncated`);
    parts.push(snappyUncompress(data.subarray(at, at + len)) as Buffer);
    at += len;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
