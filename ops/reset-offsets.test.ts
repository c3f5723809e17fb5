import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResetSpec, planReset } from './reset-offsets.js';
import { tpKey } from '../kafka-client/index.js';

const parts = [
  { topic: 't', partition: 0, committed: 5, bounds: { logStartOffset: 2, highWatermark: 10 } },
  { topic: 't', partition: 1, committed: undefined, bounds: { logStartOffset: 0, highWatermark: 4 } },
];

test('reset plans clamp into [log start, high watermark]', () => {
  assert.deepEqual(
    planReset({ kind: 'earliest' }, parts).map((r) => r.newOffset),
    [2, 0],
  );
  assert.deepEqual(
    planReset({ kind: 'latest' }, parts).map((r) => r.newOffset),
    [10, 4],
  );
  assert.deepEqual(
    planReset({ kind: 'shift', by: -4 }, parts).map((r) => r.newOffset),
    [2, 0],
  );
  assert.deepEqual(
    planReset({ kind: 'shift', by: 3 }, parts).map((r) => r.newOffset),
    [8, 3],
  );
  assert.deepEqual(
    planReset({ kind: 'offset', offset: 7 }, parts).map((r) => r.newOffset),
    [7, 4],
  );
  assert.deepEqual(
    planReset({ kind: 'datetime', timestampMs: 1 }, parts, new Map([[tpKey('t', 0), 6]])).map((r) => r.newOffset),
    [6, 4],
  );
  assert.deepEqual(
    planReset({ kind: 'latest' }, parts).map((r) => r.currentOffset),
    [5, null],
  );
});

test('exactly one reset option is required', () => {
  assert.throws(() => parseResetSpec({}), /exactly one/);
  assert.throws(() => parseResetSpec({ toEarliest: true, toLatest: true }), /exactly one/);
  assert.throws(() => parseResetSpec({ toDatetime: 'yesterday' }), /ISO-8601/);
  assert.deepEqual(parseResetSpec({ shiftBy: '-3' }), { kind: 'shift', by: -3 });
  assert.deepEqual(parseResetSpec({ toDatetime: '2026-01-01T00:00:00Z' }), {
    kind: 'datetime',
    timestampMs: Date.UTC(2026, 0, 1),
  });
});
