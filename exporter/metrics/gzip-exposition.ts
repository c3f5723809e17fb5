// gzip for /metrics without compressing the snapshot on every scrape. Prometheus asks for gzip,
// and a 20 MB exposition is ~1 MB compressed, so the socket work of a scrape drops tenfold.
//
// The served exposition exists only compressed: a snapshot is a list of raw-deflate pieces
// (snapshot.ts compresses each 64 KB of lines as soon as they are written), each ended with a full
// flush (byte-aligned, no final block, no back-reference into another piece). Pieces made that
// way may follow each other in any order and still form one valid raw-deflate stream, so a gzip
// body is: header, the pieces of every family in exposition order, the live registry's text
// compressed per scrape (a few KB, ending with the final block), trailer. The trailer needs the
// CRC-32 of all uncompressed bytes: each piece keeps its own, and they are combined (crc32Combine)
// at publish. An identity scrape inflates the pieces one at a time as the socket takes them.
import { constants, crc32, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';

/** gzip header: magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** Some uncompressed bytes as raw deflate ending at a full-flush point, with their CRC-32 and length. */
export interface Piece {
  readonly deflated: Buffer;
  readonly crc: number;
  readonly length: number;
  /** The uncompressed bytes, kept only for small constant pieces (family headers). */
  readonly raw?: Buffer;
}

export interface CompressedPart {
  /** Raw-deflate pieces, in order; their concatenation ends at a full-flush point. */
  readonly pieces: readonly Piece[];
  readonly crc: number;
  readonly length: number;
}

/** Compress `bytes[0, length)` into one piece (level 1: the exposition compresses ~15x at it). */
export function compressPiece(bytes: Uint8Array, length = bytes.length): Piece {
  const view = length === bytes.length ? bytes : bytes.subarray(0, length);
  const out = deflateRawSync(view, { level: 1, finishFlush: constants.Z_FULL_FLUSH });
  // zlib returns a view of its 16 KB output buffer: copied to its own right-sized allocation, or
  // every ~4 KB piece would keep 16 KB alive.
  const deflated = Buffer.allocUnsafeSlow(out.length);
  out.copy(deflated);
  return { deflated, crc: crc32(view) >>> 0, length };
}

/** The uncompressed bytes of a piece. */
export function inflatePiece(p: Piece): Buffer {
  // SYNC_FLUSH: the piece has no final block, which is what makes pieces concatenable.
  return p.raw ?? inflateRawSync(p.deflated, { finishFlush: constants.Z_SYNC_FLUSH });
}

/** The same, inflated in zlib's thread pool (identity scrapes: the event loop keeps serving gzip ones). */
export function inflatePieceAsync(p: Piece): Promise<Buffer> {
  if (p.raw) return Promise.resolve(p.raw);
  return new Promise((resolve, reject) =>
    inflateRaw(p.deflated, { finishFlush: constants.Z_SYNC_FLUSH }, (e, out) => (e ? reject(e) : resolve(out))),
  );
}

/** The pieces as one part: the CRC and length of their concatenation. No byte is compressed or copied. */
export function joinPieces(pieces: readonly Piece[]): CompressedPart {
  let crc = 0;
  let length = 0;
  for (const p of pieces) {
    crc = crc32Combine(crc, p.crc, p.length);
    length += p.length;
  }
  return { pieces, crc, length };
}

/** The gzip body: header, the precompressed part, `tail` compressed now, trailer. */
export function gzipBody(part: CompressedPart, tail: Buffer): Buffer[] {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail, part.crc) >>> 0, 0);
  trailer.writeUInt32LE((part.length + tail.length) % 2 ** 32, 4);
  const out: Buffer[] = [HEADER];
  for (const p of part.pieces) out.push(p.deflated);
  out.push(deflateRawSync(tail, { level: 1 }), trailer);
  return out;
}

// CRC-32 of a concatenation from the CRCs of its parts. A CRC is the message polynomial times x^32
// modulo the generator, conditioned at both ends; appending n bytes to A multiplies A's share by
// x^(8n), so crc(A B) = crc(A) * x^(8 |B|) mod P  xor  crc(B). Polynomials are kept bit-reflected
// as CRC-32 computes them (bit 31 is x^0), so multiplying by x is a right shift.
const POLY = 0xedb88320;

/** a(x) * b(x) mod P, both reflected. */
function multModP(a: number, b: number): number {
  let product = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) product ^= b;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) mod P for k = 0.. (x^1 is 0x40000000 reflected); squares of the previous entry. */
const powers: number[] = [0x40000000];
function xPow2k(k: number): number {
  while (powers.length <= k) powers.push(multModP(powers[powers.length - 1], powers[powers.length - 1]));
  return powers[k];
}

/** The CRC-32 of A followed by B, from crc(A), crc(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB === 0) return crcA >>> 0;
  // x^(8 lengthB): the product of x^(2^k) over the set bits of 8 * lengthB (bits 3.. of it).
  let shift = 0x80000000; // x^0
  let k = 3;
  for (let n = lengthB; n > 0; n = Math.floor(n / 2), k++) if (n % 2 === 1) shift = multModP(xPow2k(k), shift);
  return (multModP(shift, crcA) ^ crcB) >>> 0;
}

/** Whether an Accept-Encoding header allows gzip (q > 0 for gzip or *). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const item of header.split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    if (name.trim() !== 'gzip' && name.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
