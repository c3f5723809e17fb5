// Compression codecs of RecordBatch v2: gzip (zlib), snappy (xerial framing, as the Java client writes;
// raw snappy accepted on read, as librdkafka and kafka-python do), lz4 (LZ4 frame format) and zstd.
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { createRequire } from 'node:module';
import { CorruptRecordError } from './errors.js';
import { CompressionCodec } from './layout.js';

// The native zstd binding (CommonJS, no ESM named exports): its streaming context bounds the output.
const zstdBinding = createRequire(import.meta.url)('zstd-napi/binding.js') as typeof import('zstd-napi/binding.js');

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

/**
 * Default bound on what one batch may decompress to. A few KiB of zstd or gzip can expand to
 * gigabytes, and zstd, lz4 and snappy frames carry a size in their header that a one-shot decoder
 * would allocate up front, so every codec below stops at a bound instead of trusting the input.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Decompress one batch's records; more than `maxBytes` of output is a CorruptRecordError. */
export function decompress(
  codec: CompressionCodec,
  data: Buffer,
  maxBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Buffer {
  try {
    switch (codec) {
      case CompressionCodec.None:
        return data;
      case CompressionCodec.Gzip:
        return gunzipSync(data, { maxOutputLength: maxBytes });
      case CompressionCodec.Snappy:
        return snappyDecompress(data, maxBytes);
      case CompressionCodec.Lz4:
        return lz4Decompress(data, maxBytes);
      case CompressionCodec.Zstd:
        return zstdBounded(data, maxBytes);
      default:
        throw new CorruptRecordError(`unknown compression codec ${codec as number}`);
    }
  } catch (err) {
    if (err instanceof CorruptRecordError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(codec, maxBytes);
    throw new CorruptRecordError(`cannot decompress ${codecName(codec)} records: ${(err as Error).message}`);
  }
}

function tooLarge(codec: CompressionCodec, maxBytes: number, claimed?: number): CorruptRecordError {
  const what = claimed === undefined ? 'decompress to more than' : `claim ${claimed} bytes, more than`;
  return new CorruptRecordError(`${codecName(codec)} records ${what} the bound of ${maxBytes} bytes`);
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

function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return snappyBlock(data, maxBytes);
  const parts: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (at + 4 > data.length) throw new CorruptRecordError('xerial snappy block length truncated');
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > data.length)
      throw new CorruptRecordError(`xerial snappy block of ${len} bytes truncated`);
    const claimed = snappyClaimed(data.subarray(at, at + len));
    if (total + claimed > maxBytes) throw tooLarge(CompressionCodec.Snappy, maxBytes, total + claimed);
    const block = snappyUncompress(data.subarray(at, at + len)) as Buffer;
    total += block.length;
    parts.push(block);
    at += len;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
}

/**
 * A raw snappy block starts with its uncompressed length (a varint) and the decoder allocates that
 * much before decoding, so the length is checked first; the decoder then produces exactly it.
 */
function snappyBlock(block: Buffer, maxBytes: number): Buffer {
  const claimed = snappyClaimed(block);
  if (claimed > maxBytes) throw tooLarge(CompressionCodec.Snappy, maxBytes, claimed);
  return snappyUncompress(block) as Buffer;
}

/** The uncompressed length a raw snappy block starts with (a little-endian base-128 varint). */
function snappyClaimed(block: Buffer): number {
  let claimed = 0;
  for (let i = 0, shift = 0; ; i++, shift += 7) {
    if (i >= block.length || i >= 5) throw new CorruptRecordError('snappy block length varint truncated');
    claimed += (block[i] & 0x7f) * 2 ** shift;
    if ((block[i] & 0x80) === 0) return claimed;
  }
}

const LZ4_MAGIC = 0x184d2204;
/**
 * An LZ4 sequence turns at most this many output bytes out of one input byte (a 255 in a length
 * run adds 255 bytes), so input up to maxBytes / LZ4_MAX_RATIO cannot exceed the bound and goes to
 * the native decoder; larger input is decoded here with the bound checked as output grows.
 */
const LZ4_MAX_RATIO = 256;

function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  if (data.length >= 7 && data.readUInt32LE(0) === LZ4_MAGIC && (data[4] & 0x08) !== 0 && data.length >= 14) {
    // The frame header's content size: an honest frame never exceeds it, so a claim past the bound fails early.
    const claimed = Number(data.readBigUInt64LE(6));
    if (claimed > maxBytes) throw tooLarge(CompressionCodec.Lz4, maxBytes, claimed);
  }
  if (data.length * LZ4_MAX_RATIO + 65_536 <= maxBytes) return decompressFrameSync(data);
  return lz4FramesBounded(data, maxBytes);
}

/** Growable output with a hard cap. */
class BoundedOutput {
  buf: Buffer;
  len = 0;
  constructor(
    private readonly max: number,
    private readonly codec: CompressionCodec,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(max, 64 * 1024));
  }
  reserve(n: number): void {
    const need = this.len + n;
    if (need > this.max) throw tooLarge(this.codec, this.max);
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.min(this.max, Math.max(need, this.buf.length * 2)));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** LZ4 frame format (one or more frames, skippable frames ignored), decoded with a bound. */
function lz4FramesBounded(data: Buffer, maxBytes: number): Buffer {
  const out = new BoundedOutput(maxBytes, CompressionCodec.Lz4);
  const bad = (why: string) => new CorruptRecordError(`lz4 frame ${why}`);
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) throw bad('magic truncated');
    const magic = data.readUInt32LE(at);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (at + 8 > data.length) throw bad('skippable frame truncated');
      at += 8 + data.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw bad(`has a bad magic number ${magic.toString(16)}`);
    if (at + 7 > data.length) throw bad('header truncated');
    const flg = data[at + 4];
    if (flg >> 6 !== 1) throw bad(`version ${flg >> 6} is not 1`);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    at += 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
    for (;;) {
      if (at + 4 > data.length) throw bad('block size truncated');
      const word = data.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (at + size > data.length) throw bad(`block of ${size} bytes truncated`);
      if ((word & 0x80000000) !== 0) {
        out.reserve(size);
        data.copy(out.buf, out.len, at, at + size);
        out.len += size;
      } else {
        lz4Block(data, at, at + size, out);
      }
      at += size + (blockChecksum ? 4 : 0);
    }
    at += contentChecksum ? 4 : 0;
  }
  return out.result();
}

/** One LZ4 block: sequences of literals then a match into what was already decoded. */
function lz4Block(src: Buffer, start: number, end: number, out: BoundedOutput): void {
  const bad = (why: string) => new CorruptRecordError(`lz4 block ${why}`);
  let i = start;
  while (i < end) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b = 255;
      while (b === 255) {
        if (i >= end) throw bad('literal length truncated');
        b = src[i++];
        lit += b;
      }
    }
    if (i + lit > end) throw bad('literals truncated');
    out.reserve(lit);
    src.copy(out.buf, out.len, i, i + lit);
    out.len += lit;
    i += lit;
    if (i === end) return; // the last sequence is literals only
    if (i + 2 > end) throw bad('match offset truncated');
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > out.len) throw bad(`match offset ${offset} out of range`);
    let match = token & 15;
    if (match === 15) {
      let b = 255;
      while (b === 255) {
        if (i >= end) throw bad('match length truncated');
        b = src[i++];
        match += b;
      }
    }
    match += 4;
    out.reserve(match);
    const buf = out.buf;
    let from = out.len - offset;
    if (offset >= match) {
      buf.copy(buf, out.len, from, from + match);
      out.len += match;
    } else {
      // Overlapping copy (a run): byte by byte, each one may be one just written.
      for (let k = 0; k < match; k++) buf[out.len++] = buf[from++];
    }
  }
}

/**
 * zstd: the native one-shot decoder allocates the size each frame header declares, so declared
 * sizes are summed and checked first; without a declared size, stream into bounded chunks.
 */
function zstdBounded(data: Buffer, maxBytes: number): Buffer {
  let declared: number | null = 0;
  for (let frame = data; frame.length > 0 && declared !== null;) {
    const size = zstdBinding.getFrameContentSize(frame);
    if (size === null) declared = null;
    else {
      declared += size;
      if (declared > maxBytes) throw tooLarge(CompressionCodec.Zstd, maxBytes, declared);
      frame = frame.subarray(zstdBinding.findFrameCompressedSize(frame));
    }
  }
  if (declared !== null) return zstdDecompress(data);
  const dctx = new zstdBinding.DCtx();
  const chunks: Buffer[] = [];
  let total = 0;
  let input = data;
  let ret = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(128 * 1024, maxBytes - total + 1)));
    const [r, produced, consumed] = dctx.decompressStream(chunk, input);
    if (produced === 0 && consumed === 0) break; // nothing left to do (an empty call says nothing of the frame)
    ret = r;
    total += produced;
    if (total > maxBytes) throw tooLarge(CompressionCodec.Zstd, maxBytes);
    chunks.push(chunk.subarray(0, produced));
    input = input.subarray(consumed);
    if (input.length === 0 && produced < chunk.length) break;
  }
  if (ret !== 0 || input.length > 0) throw new CorruptRecordError('zstd records truncated');
  return Buffer.concat(chunks, total);
}
