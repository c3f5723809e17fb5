import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { collectCycleGarbage, collectCycleGarbageBetweenScrapes, collectYoungGarbage } from './heap-trim.js';
import { foreground } from './yielder.js';

test('The cycle-end collection runs a full GC and leaves no gc global behind in new contexts.', async () => {
  const ref = (() => new WeakRef({ garbage: new Array(1000).fill(0) }))();
  // A WeakRef target stays alive until the end of the job that created or read it.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collectCycleGarbage(), true);
  assert.equal(ref.deref(), undefined, 'the unreachable object was collected');
  assert.equal(collectCycleGarbage(), true, 'a second call reuses the same function');
  assert.equal(runInNewContext('typeof gc'), 'undefined');
});

test('The cycle-end collection waits for a scrape in flight, but not forever.', async () => {
  foreground.active++;
  const started = Date.now();
  let done = false;
  const gc = collectCycleGarbageBetweenScrapes(2000).then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(done, false, 'still waiting while the scrape is written');
  foreground.active--;
  await gc;
  assert.ok(Date.now() - started < 1000);
  const bounded = Date.now();
  foreground.active++;
  try {
    await collectCycleGarbageBetweenScrapes(100);
  } finally {
    foreground.active--;
  }
  assert.ok(Date.now() - bounded < 1000, 'a scraper that never finishes does not hold it off');
});

test('A scavenge frees short-lived buffers outside the heap without a full collection.', async () => {
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 32; i++) Buffer.allocUnsafeSlow(1024 * 1024).fill(i); // 32 MB, garbage at once
  assert.ok(process.memoryUsage().arrayBuffers - before >= 16 * 1024 * 1024, 'not freed before the scavenge');
  assert.equal(collectYoungGarbage(), true);
  // V8 frees dead array buffers' memory on a background thread after the scavenge.
  const deadline = Date.now() + 5000;
  while (process.memoryUsage().arrayBuffers - before >= 16 * 1024 * 1024 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024, 'freed by the scavenge');
});
