import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterHistory } from './history.js';

test('History keeps one entry per group-partition with its window and record time, and expires unseen ones.', () => {
  const h = new ClusterHistory(3);
  for (let t = 1; t <= 5; t++) h.groupPartition('g', 'orders', 7, t).push({ offset: t * 10, lag: 5 });
  const w = h.groupPartition('g', 'orders', 7, 5);
  assert.deepEqual(
    w.observations(),
    [30, 40, 50].map((offset) => ({ offset, lag: 5 })),
    'a window of 3 keeps the last 3, oldest first',
  );
  h.setRecordTime('g', 'orders', 7, 50, 1234, 5);
  assert.equal(h.recordTime('g', 'orders', 7, 50), 1234);
  assert.equal(h.recordTime('g', 'orders', 7, 51), undefined, 'the cached timestamp is for one offset only');
  h.offsetHistory('orders', 7, 5).observe(100, 5);
  h.groupPartition('g', 'orders', 8, 100);
  h.offsetHistory('orders', 8, 100);
  assert.deepEqual(h.sizes, { partitions: 2, groupPartitions: 2 });
  h.expire(50);
  assert.deepEqual(h.sizes, { partitions: 1, groupPartitions: 1 });
  assert.equal(h.recordTime('g', 'orders', 7, 50), undefined);
  h.expire(1000);
  assert.deepEqual(h.sizes, { partitions: 0, groupPartitions: 0 });
});
