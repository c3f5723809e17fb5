// queued.max.request.bytes bookkeeping: reservations succeed while space is left (one frame may
// overshoot), a full pool queues waiters, releases resume them in order while space is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestMemoryPool } from './request-memory.js';

test('a full pool refuses, queues waiters and resumes them as bytes are released', () => {
  const pool = new RequestMemoryPool(100);
  assert.ok(pool.tryReserve(60));
  assert.ok(pool.tryReserve(60), 'space was left: a frame may overshoot the bound');
  assert.equal(pool.used, 120);
  assert.equal(pool.tryReserve(1), false);
  const resumed: string[] = [];
  const a = () => resumed.push('a');
  const b = () => resumed.push('b');
  const c = () => resumed.push('c');
  pool.waitFor(a);
  pool.waitFor(b);
  pool.waitFor(c);
  pool.cancel(b);
  pool.release(10);
  assert.deepEqual(resumed, [], 'still full');
  pool.release(50);
  assert.deepEqual(resumed, ['a', 'c'], 'in order, cancelled one skipped');
  assert.equal(pool.used, 60);
});

test('a frame larger than the whole pool still gets through on an empty pool', () => {
  const pool = new RequestMemoryPool(10);
  assert.ok(pool.tryReserve(1000));
  assert.equal(pool.tryReserve(1), false);
  pool.release(1000);
  assert.ok(pool.tryReserve(1));
});
