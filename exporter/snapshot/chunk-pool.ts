// Reusable fixed-size chunks for snapshot bytes. A 10k-partition cluster renders ~22 MB of
// exposition per collection; allocating it afresh each cycle left the retired snapshot to the
// garbage collector, so two or three snapshots' worth of buffers were alive at once and the
// malloc heap stayed at that high-water mark. With a pool, the snapshot a publish replaces gives
// its chunks back as soon as no scrape is writing them (MetricsHub counts scrapes in flight), and
// the next collection writes into them: about two snapshots of memory, whatever GC does.

/** Size of one chunk: large enough that a family is few chunks, small enough to waste little. */
export const CHUNK_BYTES = 64 * 1024;

export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  /** A chunk of CHUNK_BYTES, reused when one is free. Its contents are undefined. */
  take(): Buffer | undefined {
    const ab = this.free.pop();
    return ab ? Buffer.from(ab, 0, CHUNK_BYTES) : undefined;
  }

  /**
   * Return the chunks of a snapshot nobody reads any more. The pool keeps at most one
   * snapshot's worth (when a slow scraper held an older one too, the surplus goes to the GC).
   */
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
