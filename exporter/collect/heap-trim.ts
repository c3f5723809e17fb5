// A full garbage collection after each collection cycle. Nearly everything a cycle allocates
// (decoded Metadata/ListOffsets/DescribeLogDirs/OffsetFetch answers, the cycle's partition and
// group state: ~100 MB allocated, ~15 MB of it surviving long enough to reach the old
// generation at 10k partitions) is garbage once the snapshot is published. Left to its own
// heuristics V8 lets the old generation grow to two or three times the live heap between full
// collections, and keeps the socket buffers that garbage holds alive as long: at the benchmark's
// scale that was 50-90 MB of RSS above a ~200 MB floor. One collection at the moment the
// garbage is known to be dead costs a few tens of milliseconds per cycle (15 s by default).
//
// `gc` is reached the way test runners do it (v8.setFlagsFromString, then a fresh vm context
// where V8 installs it) when the process was not started with --expose-gc; the flag is turned
// off again at once, so no other context sees a `gc` global.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { foreground } from './yielder.js';

/** V8's gc(): a full collection, or with `{ type: 'minor' }` a scavenge of the young generation only. */
type GcFunction = (options?: { type: 'minor' | 'major' }) => void;

let gcFunction: GcFunction | undefined | null = null;

function resolveGc(): GcFunction | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as GcFunction;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as GcFunction) : undefined;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** Run a full collection now; false when this runtime does not allow it (then it is a no-op). */
export function collectCycleGarbage(): boolean {
  if (gcFunction === null) gcFunction = resolveGc();
  gcFunction?.();
  return gcFunction !== undefined;
}

/**
 * A scavenge (young generation only) now; false when this runtime does not allow it. An identity
 * scrape inflates the whole exposition (~22 MB at 10k partitions) into short-lived 64 KB buffers
 * (metrics/exposition.ts). Left to V8, that memory outside the heap is reclaimed only once it
 * passes V8's external-memory limit, by a full collection every few identity scrapes (raising RSS
 * and pausing concurrent gzip scrapes); a scavenge right after the scrape frees it for about a
 * millisecond, since those buffers are young garbage by then.
 */
export function collectYoungGarbage(): boolean {
  if (gcFunction === null) gcFunction = resolveGc();
  gcFunction?.({ type: 'minor' });
  return gcFunction !== undefined;
}

/** Committed heap right after the last cycle-end collection (0: none yet). */
let heapAfterTrim = 0;

/**
 * Whether the committed V8 heap has grown since the last cycle-end collection (by 4 MB): at
 * scale every cycle does (~15 MB reach the old generation per cycle at 10k partitions), a small
 * cluster's cycles mostly do not and skip the GC. Measured at 10k partitions, 5 s interval: a GC
 * after every cycle holds RSS at ~200-215 MB for ~0.27 cores (0.15 without; the cycle takes
 * ~0.5 s longer); waiting for a third more heap kept the CPU at 0.15 but let RSS reach ~256 MB.
 */
export function heapGrewSinceTrim(): boolean {
  const committed = getHeapStatistics().total_heap_size;
  return heapAfterTrim === 0 || committed > heapAfterTrim + 4 * 1024 * 1024;
}

/**
 * The same, once no scrape is being written (the collection pauses the event loop for a few tens
 * of milliseconds; a scrape already in flight should not wait for it), or after `maxWaitMs`.
 */
export async function collectCycleGarbageBetweenScrapes(maxWaitMs = 1000): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  while (foreground.active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const ran = collectCycleGarbage();
  heapAfterTrim = getHeapStatistics().total_heap_size;
  return ran;
}
