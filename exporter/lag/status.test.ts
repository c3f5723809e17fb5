import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupStatus, PartitionStatus } from '../../common/metrics/index.js';
import { evaluateGroupStatus, evaluatePartitionStatus, type CommitObservation } from './status.js';

const w = (pairs: [number, number][]): CommitObservation[] =>
  pairs.map(([offset, lag], i) => ({ offset, lag, timeMs: i * 15_000 }));

const cases: {
  name: string;
  window: CommitObservation[];
  currentLag: number;
  owned: boolean;
  want: PartitionStatus;
}[] = [
  {
    name: 'A partition with zero current lag is OK whatever its history.',
    window: w([
      [10, 5],
      [10, 9],
    ]),
    currentLag: 0,
    owned: false,
    want: PartitionStatus.OK,
  },
  {
    name: 'A partition whose lag was zero somewhere in the window is OK.',
    window: w([
      [10, 0],
      [12, 3],
      [14, 6],
    ]),
    currentLag: 6,
    owned: true,
    want: PartitionStatus.OK,
  },
  {
    name: 'A partition with lag and a committed offset that moved backwards is REWIND.',
    window: w([
      [100, 5],
      [50, 60],
      [60, 55],
    ]),
    currentLag: 55,
    owned: true,
    want: PartitionStatus.REWIND,
  },
  {
    name: 'An owned partition with lag whose committed offset never moves is STALL.',
    window: w([
      [10, 5],
      [10, 8],
      [10, 12],
    ]),
    currentLag: 12,
    owned: true,
    want: PartitionStatus.STALL,
  },
  {
    name: 'An unowned partition with lag whose committed offset never moves is STOP.',
    window: w([
      [10, 5],
      [10, 8],
      [10, 12],
    ]),
    currentLag: 12,
    owned: false,
    want: PartitionStatus.STOP,
  },
  {
    name: 'An unowned partition that was caught up in the window is not STOP (recent-lag-zero grace).',
    window: w([
      [10, 0],
      [10, 3],
      [10, 4],
    ]),
    currentLag: 4,
    owned: false,
    want: PartitionStatus.OK,
  },
  {
    name: 'A consumer that advances while its lag never decreases is WARN.',
    window: w([
      [10, 5],
      [20, 5],
      [30, 9],
      [40, 12],
    ]),
    currentLag: 12,
    owned: true,
    want: PartitionStatus.WARN,
  },
  {
    name: 'A consumer that advances and reduces its lag at least once is OK.',
    window: w([
      [10, 5],
      [20, 9],
      [30, 4],
      [40, 6],
    ]),
    currentLag: 6,
    owned: true,
    want: PartitionStatus.OK,
  },
  {
    name: 'A window with a single observation is OK until there is history to judge.',
    window: w([[10, 50]]),
    currentLag: 50,
    owned: false,
    want: PartitionStatus.OK,
  },
];

for (const c of cases)
  test(c.name, () =>
    assert.equal(
      evaluatePartitionStatus({ window: c.window, currentLag: c.currentLag, ownedByMember: c.owned }),
      c.want,
    ),
  );

const groupCases: { name: string; found: boolean; parts: PartitionStatus[]; want: GroupStatus }[] = [
  { name: 'A group that is not found is NOTFOUND.', found: false, parts: [], want: GroupStatus.NOTFOUND },
  { name: 'A group whose partitions are all OK is OK.', found: true, parts: [1, 1], want: GroupStatus.OK },
  { name: 'A group with a WARN partition is WARN.', found: true, parts: [1, 2], want: GroupStatus.WARN },
  {
    name: 'A group with a STOP, STALL or REWIND partition is ERR.',
    found: true,
    parts: [2, 5, 1],
    want: GroupStatus.ERR,
  },
  { name: 'A group with no committed partitions yet is OK.', found: true, parts: [], want: GroupStatus.OK },
];
for (const c of groupCases) test(c.name, () => assert.equal(evaluateGroupStatus(c.found, c.parts), c.want));
