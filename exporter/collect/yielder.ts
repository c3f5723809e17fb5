// Cooperative yielding for long derivation loops. The collector shares the event loop with
// /metrics, so a loop over 10,000 partitions must give pending I/O (scrapes) a turn. Yielding by
// elapsed time rather than by item count keeps each synchronous slice short whatever an item
// costs, and costs nothing when the loop is short.
//
// Scrapes come first: a 20 MB exposition leaves the process in many socket writes, one per
// event-loop turn as the scraper drains its socket, so every collection slice between two turns
// adds to the scrape's latency. While a scrape is being written (`foreground.active > 0`, kept
// by the HTTP server) the slices shrink to about a millisecond.
const SLICE_MS = 8;
const FOREGROUND_SLICE_MS = 1;

/** Work that must not wait behind collection slices (scrapes in flight). */
export const foreground = { active: 0 };

export class Yielder {
  private sliceStart = performance.now();

  /** Resolve at once while the current slice is short; past it, let the event loop run. */
  async maybe(): Promise<void> {
    const slice = foreground.active > 0 ? FOREGROUND_SLICE_MS : SLICE_MS;
    if (performance.now() - this.sliceStart < slice) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
