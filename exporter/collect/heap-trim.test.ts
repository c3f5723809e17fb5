import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { collectCycleGarbage } from './heap-trim.js';

test('The cycle-end collection runs a full GC and leaves no gc global behind in new contexts.', async () => {
  const ref = (() => new WeakRef({ garbage: new Array(1000).fill(0) }))();
  // A WeakRef target stays alive until the end of the job that created or read it.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collectCycleGarbage(), true);
  assert.equal(ref.deref(), undefined, 'the unreachable object was collected');
  assert.equal(collectCycleGarbage(), true, 'a second call reuses the same function');
  assert.equal(runInNewContext('typeof gc'), 'undefined');
});
