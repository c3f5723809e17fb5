import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupLag, partitionLag, type PartitionLag } from './offset-lag.js';

const cases: { name: string; logStart: number; hw: number; committed: number | undefined; want: PartitionLag }[] = [
  {
    name: 'A commit in the middle of the log lags by the distance to the high watermark.',
    logStart: 0,
    hw: 100,
    committed: 40,
    want: { kind: 'committed', committed: 40, effectiveOffset: 40, lag: 60, lostRecords: 0 },
  },
  {
    name: 'A commit at the high watermark has zero lag.',
    logStart: 10,
    hw: 100,
    committed: 100,
    want: { kind: 'committed', committed: 100, effectiveOffset: 100, lag: 0, lostRecords: 0 },
  },
  {
    name: 'A commit below the log start is lifted to the log start and the gap is reported as lost records.',
    logStart: 500,
    hw: 800,
    committed: 120,
    want: { kind: 'committed', committed: 120, effectiveOffset: 500, lag: 300, lostRecords: 380 },
  },
  {
    name: 'A commit above the high watermark never gives negative lag.',
    logStart: 0,
    hw: 50,
    committed: 70,
    want: { kind: 'committed', committed: 70, effectiveOffset: 50, lag: 0, lostRecords: 0 },
  },
  {
    name: 'A partition without a commit (-1 from OffsetFetch) is uncommitted, not lag -1.',
    logStart: 0,
    hw: 50,
    committed: -1,
    want: { kind: 'uncommitted' },
  },
  {
    name: 'A partition missing from the fetched offsets is uncommitted.',
    logStart: 0,
    hw: 50,
    committed: undefined,
    want: { kind: 'uncommitted' },
  },
  {
    name: 'A commit at zero on an empty log has zero lag.',
    logStart: 0,
    hw: 0,
    committed: 0,
    want: { kind: 'committed', committed: 0, effectiveOffset: 0, lag: 0, lostRecords: 0 },
  },
  {
    name: 'A commit below the log start of a fully expired log has zero lag and reports every skipped record lost.',
    logStart: 900,
    hw: 900,
    committed: 0,
    want: { kind: 'committed', committed: 0, effectiveOffset: 900, lag: 0, lostRecords: 900 },
  },
];

for (const c of cases) {
  test(c.name, () =>
    assert.deepEqual(partitionLag({ logStartOffset: c.logStart, highWatermark: c.hw }, c.committed), c.want),
  );
}

test('Group lag sums only committed partitions per topic and counts uncommitted ones separately.', () => {
  const offsets = new Map([
    ['a/0', { logStartOffset: 0, highWatermark: 10 }],
    ['a/1', { logStartOffset: 0, highWatermark: 20 }],
    ['a/2', { logStartOffset: 5, highWatermark: 30 }],
    ['b/0', { logStartOffset: 0, highWatermark: 7 }],
  ]);
  const lag = groupLag(
    [
      { topic: 'a', partition: 0, committed: 4 },
      { topic: 'a', partition: 1, committed: -1 },
      { topic: 'a', partition: 2, committed: 1 },
      { topic: 'b', partition: 0, committed: undefined },
      { topic: 'gone', partition: 0, committed: 3 },
    ],
    (t, p) => offsets.get(`${t}/${p}`),
  );
  assert.deepEqual(lag.topics, [
    { topic: 'a', lagSum: 6 + 25, lostRecordsSum: 4, committedPartitions: 2, uncommittedPartitions: 1 },
    { topic: 'b', lagSum: 0, lostRecordsSum: 0, committedPartitions: 0, uncommittedPartitions: 1 },
  ]);
  assert.equal(lag.partitions.length, 4, 'a partition unknown to the snapshot is skipped, not guessed');
});
