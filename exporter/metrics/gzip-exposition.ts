// gzip for /metrics without compressing the snapshot on every scrape. Prometheus asks for gzip,
// and a 20 MB exposition is ~1 MB compressed, so the socket work of a scrape drops tenfold.
//
// The body is one ordinary gzip member assembled from two raw-deflate pieces:
// - the snapshot, compressed once per publish (in zlib's thread pool, off the event loop) and
//   ended with a full flush: byte-aligned, no final block, no back-references past that point;
// - the live registry's text, compressed per scrape (a few KB) as its own raw-deflate stream,
//   which ends with the final block.
// A raw-deflate stream that ends at a full-flush point may be followed by any other one, so the
// two concatenate into one valid stream. The gzip trailer needs the CRC-32 of all the
// uncompressed bytes: the snapshot's is computed at publish and continued over the live text.
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/** gzip header: magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

export interface CompressedPart {
  /** Raw-deflate bytes ending at a full-flush point. */
  readonly deflated: readonly Buffer[];
  readonly crc: number;
  readonly length: number;
}

/** Compress `chunks` once (zlib thread pool); the CRC is computed between event-loop turns. */
export async function compressPart(chunks: readonly Buffer[], level = 1): Promise<CompressedPart> {
  // finishFlush: end() stops at a full-flush point instead of writing the final block.
  const deflate = createDeflateRaw({ level, finishFlush: constants.Z_FULL_FLUSH });
  const out: Buffer[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on('data', (b: Buffer) => out.push(b));
    deflate.once('end', resolve);
    deflate.once('error', reject);
  });
  let crc = 0;
  let length = 0;
  for (const c of chunks) {
    crc = crc32(c, crc);
    length += c.length;
    if (!deflate.write(c)) await Promise.race([new Promise((r) => deflate.once('drain', r)), ended]);
  }
  deflate.end();
  await ended;
  return { deflated: out, crc, length };
}

/** The gzip body: header, the precompressed part, `tail` compressed now, trailer. */
export function gzipBody(part: CompressedPart, tail: Buffer): Buffer[] {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail, part.crc) >>> 0, 0);
  trailer.writeUInt32LE((part.length + tail.length) % 2 ** 32, 4);
  return [HEADER, ...part.deflated, deflateRawSync(tail, { level: 1 }), trailer];
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
