// Decompression bombs for every record-batch codec, shared by the codec unit test and the broker
// test: `real` ones are small and really expand (as far as each format allows within 64 KiB),
// `claims` ones are about 1 KiB and declare a huge decompressed size in their own header.
import { gzipSync } from 'node:zlib';
import { compressFrameSync } from 'lz4-napi';
import {
  ATTRIBUTES,
  BATCH_LENGTH,
  buildRecordBatch,
  CODEC_MASK,
  CompressionCodec,
  compress,
  RECORDS,
  rewriteBatchCrc,
} from '../../protocol/record-batch/index.js';

const GiB = 1024 * 1024 * 1024;
const ZSTD_BLOCK = 128 * 1024;

/**
 * A zstd frame of RLE blocks (4 bytes each regenerate 128 KiB of one byte), so 32 KiB really
 * expand to 1 GiB. `declared` puts a content size in the frame header (the one-shot decoder
 * allocates that much), else the header has only a window descriptor and the size is unknown.
 */
export function zstdRle(regenerated: number, declared?: number): Buffer {
  const head = [0x28, 0xb5, 0x2f, 0xfd];
  if (declared === undefined) {
    head.push(0x00, (17 - 10) << 3); // FHD: no content size, not single segment; window 2^17
  } else {
    head.push(0xc0, (17 - 10) << 3); // FHD: 8-byte content size; window 2^17
    const fcs = Buffer.alloc(8);
    fcs.writeBigUInt64LE(BigInt(declared));
    head.push(...fcs);
  }
  const blocks: number[] = [];
  for (let left = regenerated; left > 0; left -= ZSTD_BLOCK) {
    const size = Math.min(ZSTD_BLOCK, left);
    const last = left <= ZSTD_BLOCK ? 1 : 0;
    const h = last | (1 << 1) | (size << 3); // RLE block
    blocks.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x61);
  }
  return Buffer.from([...head, ...blocks]);
}

/** Raw snappy: a length varint of 1 GiB, then four literal bytes. */
function snappyClaims(): Buffer {
  return Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 3 << 2, 0x61, 0x62, 0x63, 0x64]);
}

/** An LZ4 frame whose header declares 1 GiB of content, holding one 4-byte uncompressed block. */
function lz4Claims(): Buffer {
  const b = Buffer.alloc(4 + 2 + 8 + 1 + 4 + 4 + 4);
  b.writeUInt32LE(0x184d2204, 0);
  b[4] = 0x40 | 0x20 | 0x08; // version 1, independent blocks, content size present
  b[5] = 0x40; // 64 KiB blocks
  b.writeBigUInt64LE(BigInt(GiB), 6);
  b[14] = 0; // header checksum (never reached: the size is refused first)
  b.writeUInt32LE(0x80000004, 15);
  b.write('abcd', 19);
  b.writeUInt32LE(0, 23);
  return b;
}

/** Gzip of 1 KiB whose trailer says 1 GiB. */
function gzipClaims(): Buffer {
  const g = gzipSync(Buffer.alloc(1024, 0x61));
  g.writeUInt32LE(GiB % 2 ** 32, g.length - 4);
  return g;
}

export interface Bomb {
  codec: CompressionCodec;
  name: string;
  /** The compressed records. */
  data: Buffer;
  /** What it decompresses to (real) or says it does (claims). */
  expands: number;
}

/** Real bombs: as large an expansion as the format allows from at most 64 KiB. */
export function realBombs(): Bomb[] {
  const gz = 63 * 1024 * 1024; // deflate stops near 1032:1, so 64 KiB cannot reach past ~64 MiB
  const sn = 1300 * 1024; // snappy stops near 21:1
  const lz = 12 * 1024 * 1024; // lz4 stops near 255:1
  return [
    { codec: CompressionCodec.Gzip, name: 'gzip', data: gzipSync(Buffer.alloc(gz), { level: 9 }), expands: gz },
    {
      codec: CompressionCodec.Snappy,
      name: 'snappy',
      data: compress(CompressionCodec.Snappy, Buffer.alloc(sn)),
      expands: sn,
    },
    { codec: CompressionCodec.Lz4, name: 'lz4', data: compressFrameSync(Buffer.alloc(lz)), expands: lz },
    { codec: CompressionCodec.Zstd, name: 'zstd', data: zstdRle(GiB + ZSTD_BLOCK), expands: GiB + ZSTD_BLOCK },
  ];
}

/** ~1 KiB bombs whose headers claim 1 GiB. */
export function claimBombs(): Bomb[] {
  return [
    { codec: CompressionCodec.Gzip, name: 'gzip', data: gzipClaims(), expands: GiB },
    { codec: CompressionCodec.Snappy, name: 'snappy', data: snappyClaims(), expands: GiB },
    { codec: CompressionCodec.Lz4, name: 'lz4', data: lz4Claims(), expands: GiB },
    { codec: CompressionCodec.Zstd, name: 'zstd', data: zstdRle(1024, GiB), expands: GiB },
  ];
}

/** A one-record batch (key "k") whose records section is `records`, marked as `codec`. */
export function batchOf(codec: CompressionCodec, records: Buffer): Buffer {
  const base = buildRecordBatch([{ key: 'k', value: 'v' }]);
  const out = Buffer.concat([base.subarray(0, RECORDS), records]);
  out.writeInt32BE(out.length - 12, BATCH_LENGTH);
  out.writeInt16BE((out.readInt16BE(ATTRIBUTES) & ~CODEC_MASK) | codec, ATTRIBUTES);
  rewriteBatchCrc(out, 0, out.length);
  return out;
}
