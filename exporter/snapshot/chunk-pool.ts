// Reusable fixed-size working chunks for the snapshot builder. Each family and tier writes its
// lines into one 64 KB chunk that is compressed whenever it is full (snapshot.ts), so a build
// needs one chunk per family in use (~40, ~2.5 MB) however large the cluster is; the pool hands
// the same chunks to the next build instead of allocating them afresh every cycle.

/** Size of one chunk, i.e. of the uncompressed bytes of one piece: deflate's 32 KB window fits twice. */
export const CHUNK_BYTES = 64 * 1024;

export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  /** A chunk of CHUNK_BYTES, reused when one is free. Its contents are undefined. */
  take(): Buffer | undefined {
    const ab = this.free.pop();
    return ab ? Buffer.from(ab, 0, CHUNK_BYTES) : undefined;
  }

  /** Return a finished build's working chunks. The pool keeps at most one build's worth. */
  give(chunks: readonly Buffer[]): void {
    for (const c of chunks) {
      if (this.free.length >= chunks.length) return;
      if (c.byteOffset === 0 && c.buffer.byteLength === CHUNK_BYTES && c.buffer instanceof ArrayBuffer)
        this.free.push(c.buffer);
    }
  }

  get size(): number {
    return this.free.length;
  }
}
