// queued.max.request.bytes: the bytes of received requests the broker holds at once, across every
// connection of every listener. A connection reserves a frame's size as soon as the frame's 4 size
// bytes are in, before buffering the rest; when the pool is full it stops reading (is muted) until
// requests finish and free their bytes. As in Kafka's memory pool, a reservation succeeds whenever
// some space is left, so a frame larger than what is left (or than the pool) still gets through on
// its own and the overshoot is at most one frame.
export class RequestMemoryPool {
  private usedBytes = 0;
  /** Connections muted for memory, resumed in arrival order as bytes are released. */
  private readonly waiters = new Set<() => void>();

  constructor(readonly maxBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  tryReserve(bytes: number): boolean {
    if (this.usedBytes >= this.maxBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.usedBytes -= bytes;
    for (const resume of this.waiters) {
      if (this.usedBytes >= this.maxBytes) break;
      this.waiters.delete(resume);
      resume();
    }
  }

  /** Call `resume` once bytes are free again (at most once per registration). */
  waitFor(resume: () => void): void {
    this.waiters.add(resume);
  }

  cancel(resume: () => void): void {
    this.waiters.delete(resume);
  }
}
