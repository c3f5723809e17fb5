import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeOverrides, parseSetPairs } from './alter-config.js';

test('overrides are kept, set and deleted; the change list shows current -> new', () => {
  const { next, changes } = mergeOverrides(
    new Map([
      ['retention.ms', '1000'],
      ['cleanup.policy', 'compact'],
    ]),
    parseSetPairs(['retention.ms=2000', 'segment.bytes=1048576']),
    ['cleanup.policy'],
  );
  assert.deepEqual([...next].sort(), [
    ['retention.ms', '2000'],
    ['segment.bytes', '1048576'],
  ]);
  assert.deepEqual(changes, [
    { name: 'cleanup.policy', current: 'compact', next: null },
    { name: 'retention.ms', current: '1000', next: '2000' },
    { name: 'segment.bytes', current: null, next: '1048576' },
  ]);
  assert.throws(() => parseSetPairs(['novalue']), /name=value/);
});
