import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../protocol/error-codes.js';
import { FakeClock } from './clock.js';
import { ConsumerGroupCoordinator } from './consumer-coordinator.js';
import { GroupCoordinator } from './coordinator.js';
import * as api from './requests.js';

const self = { nodeId: 0, host: '127.0.0.1', port: 9092 };

test('FindCoordinator points groups at the leader of their offsets partition', () => {
  const gc = new GroupCoordinator(null, { offsetsTopicPartitions: 5 }, new FakeClock());
  const asked: number[] = [];
  const res = api.findCoordinator(gc, { key: 'hello', keyType: 0 }, (p) => (asked.push(p), self));
  assert.deepEqual(res, {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    nodeId: 0,
    host: '127.0.0.1',
    port: 9092,
  });
  assert.deepEqual(asked, [99162322 % 5]);
});

const refusals: [string, { key: string; keyType: number }, number][] = [
  [
    'a transaction coordinator lookup is refused with COORDINATOR_NOT_AVAILABLE',
    { key: 'tx', keyType: 1 },
    ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ],
  ['an empty group id is refused with INVALID_REQUEST', { key: '', keyType: 0 }, ErrorCode.INVALID_REQUEST],
];
for (const [name, req, code] of refusals) {
  test(name, () => {
    const gc = new GroupCoordinator(null, {}, new FakeClock());
    assert.equal(api.findCoordinator(gc, req, () => self).errorCode, code);
  });
}

test('FindCoordinator answers COORDINATOR_NOT_AVAILABLE when the offsets partition has no leader', () => {
  const gc = new GroupCoordinator(null, {}, new FakeClock());
  assert.equal(
    api.findCoordinator(gc, { key: 'g', keyType: 0 }, () => null).errorCode,
    ErrorCode.COORDINATOR_NOT_AVAILABLE,
  );
});

test('while offsets are loading every group API answers COORDINATOR_LOAD_IN_PROGRESS', async () => {
  const gc = new GroupCoordinator(null, {}, new FakeClock());
  gc.loading = true;
  const L = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  const join = await api.joinGroup(
    gc,
    {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    },
    5,
    { clientId: 'c', clientHost: '/h' },
  );
  assert.equal(join.errorCode, L);
  assert.equal(
    (await api.syncGroup(gc, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, assignments: [] }))
      .errorCode,
    L,
  );
  assert.equal(api.heartbeat(gc, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }).errorCode, L);
  assert.equal(api.leaveGroup(gc, { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] }).errorCode, L);
  const commit = await api.offsetCommit(gc, {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [
      {
        name: 't',
        partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }],
      },
    ],
  });
  assert.equal(commit.topics[0].partitions[0].errorCode, L);
  assert.equal(
    api.offsetFetch(gc, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] }, 1).topics[0].partitions[0]
      .errorCode,
    L,
  );
  assert.equal(api.offsetFetch(gc, { groupId: 'g', topics: null }, 3).errorCode, L);
  assert.equal(api.describeGroups(gc, { groups: ['g'] }).groups[0].errorCode, L);
  assert.equal(api.listGroups(gc).errorCode, L);
  assert.equal((await api.deleteGroups(gc, { groupsNames: ['g'] })).results[0].errorCode, L);
});

test('DeleteGroups answers each group on its own', async () => {
  const gc = new GroupCoordinator(null, {}, new FakeClock());
  await gc.commitOffsets({
    groupId: 'empty',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [],
  });
  const res = await api.deleteGroups(gc, { groupsNames: ['empty', 'missing'] });
  assert.deepEqual(res.results, [
    { groupId: 'empty', errorCode: 0 },
    { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
  ]);
});

test('DescribeGroups: unknown, KIP-848 and share groups are Dead with no members; v6 adds GROUP_ID_NOT_FOUND (Kafka 4)', async () => {
  const clock = new FakeClock();
  const gc = new GroupCoordinator(null, {}, clock);
  const orders = { name: 'orders', topicId: '00000000-0000-0000-0000-00000000000a', partitions: 2, internal: false };
  gc.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      null,
      () => [orders],
      () => 0,
      {},
      clock,
    ),
  );
  const joined = await gc.consumer!.heartbeat(
    {
      groupId: 'kip848',
      memberId: 'a',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['orders'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
    },
    { clientId: 'c', clientHost: '/127.0.0.1' },
  );
  assert.equal(joined.errorCode, 0);
  // A classic group holding only committed offsets: Empty, described at every version.
  await gc.commitOffsets({
    groupId: 'classic',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [],
  });
  const isShare = (g: string) => g === 'share';
  const at = (v: number) =>
    api
      .describeGroups(gc, { groups: ['kip848', 'share', 'missing', 'classic'] }, v, isShare)
      .groups.map((g) => [g.groupId, g.errorCode, g.errorMessage ?? null, g.groupState, g.members.length]);
  for (const v of [0, 5])
    assert.deepEqual(at(v), [
      ['kip848', 0, null, 'Dead', 0],
      ['share', 0, null, 'Dead', 0],
      ['missing', 0, null, 'Dead', 0],
      ['classic', 0, null, 'Empty', 0],
    ]);
  assert.deepEqual(at(6), [
    ['kip848', ErrorCode.GROUP_ID_NOT_FOUND, 'Group kip848 is not a classic group.', 'Dead', 0],
    ['share', ErrorCode.GROUP_ID_NOT_FOUND, 'Group share is not a classic group.', 'Dead', 0],
    ['missing', ErrorCode.GROUP_ID_NOT_FOUND, 'Group missing not found.', 'Dead', 0],
    ['classic', 0, null, 'Empty', 0],
  ]);
});
