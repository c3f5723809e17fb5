// The KIP-848 coordinator on a fake clock: epochs and reconciliation (a partition moves only after
// its previous owner revoked it), fencing, session and rebalance timeouts, leave and static leave,
// OffsetCommit member checks, regex/assignor validation, replay of the stored records, and
// coexistence with classic groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, type ConsumerGroupHeartbeatRequest } from '../../protocol/index.js';
import { FakeClock } from './clock.js';
import { ConsumerGroupCoordinator, type TopicView } from './consumer-coordinator.js';
import { GroupCoordinator } from './coordinator.js';

const ORDERS = '00000000-0000-0000-0000-00000000000a';
const AUDIT = '00000000-0000-0000-0000-00000000000b';
const topics: TopicView[] = [
  { name: 'orders', topicId: ORDERS, partitions: 4, internal: false },
  { name: 'audit', topicId: AUDIT, partitions: 2, internal: false },
  { name: '__consumer_offsets', topicId: '00000000-0000-0000-0000-0000000000cc', partitions: 3, internal: true },
];
const client = { clientId: 'c', clientHost: '/127.0.0.1' };

class MemoryStore {
  readonly records: { key: Buffer; value: Buffer | null }[] = [];
  append(_partition: number, records: { key: Buffer; value: Buffer | null }[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }
}

function setup(config = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const cgc = new ConsumerGroupCoordinator(
    store,
    () => topics,
    () => 0,
    config,
    clock,
  );
  return { clock, store, cgc };
}

function hb(memberId: string, memberEpoch: number, over: Partial<ConsumerGroupHeartbeatRequest> = {}) {
  return {
    groupId: 'g',
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: memberEpoch === 0 ? 30_000 : -1,
    subscribedTopicNames: memberEpoch === 0 ? ['orders'] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: memberEpoch === 0 ? [] : null,
    ...over,
  };
}
const owned = (...ps: number[]) => [{ topicId: ORDERS, partitions: ps }];
const parts = (a: { topicId: string; partitions: number[] }[] | null) =>
  (a ?? []).flatMap((t) => t.partitions.map((p) => `${t.topicId === ORDERS ? 'o' : 'a'}${p}`)).sort();

test('join, second member, revocation before reassignment, Stable', async () => {
  const { cgc } = setup();
  const a1 = await cgc.heartbeat(hb('a', 0), client);
  assert.equal(a1.errorCode, 0);
  assert.equal(a1.memberEpoch, 1);
  assert.deepEqual(parts(a1.assignment), ['o0', 'o1', 'o2', 'o3']);
  assert.equal(cgc.group('g')!.state, 'Stable');

  const b1 = await cgc.heartbeat(hb('b', 0), client);
  assert.equal(b1.memberEpoch, 2, 'b joins at the new assignment epoch');
  assert.deepEqual(parts(b1.assignment), [], 'but a still owns everything: nothing yet');
  assert.equal(cgc.group('g')!.state, 'Reconciling');

  const a2 = await cgc.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1, 2, 3) }), client);
  assert.equal(a2.memberEpoch, 1, 'a keeps its epoch while revoking');
  assert.deepEqual(parts(a2.assignment), ['o0', 'o1']);
  const b2 = await cgc.heartbeat(hb('b', 2, { topicPartitions: [] }), client);
  assert.deepEqual(parts(b2.assignment), [], 'o2/o3 are pending revocation at a: b still waits');

  const a3 = await cgc.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1) }), client);
  assert.equal(a3.memberEpoch, 2, 'revocation acknowledged: a moves to epoch 2');
  const b3 = await cgc.heartbeat(hb('b', 2, { topicPartitions: [] }), client);
  assert.deepEqual(parts(b3.assignment), ['o2', 'o3']);
  await cgc.heartbeat(hb('b', 2, { topicPartitions: owned(2, 3) }), client);
  assert.equal(cgc.group('g')!.state, 'Stable');
  const d = cgc.describe('g');
  assert.deepEqual([d.groupEpoch, d.assignmentEpoch, d.assignorName], [2, 2, 'uniform']);
  assert.deepEqual(
    d.members.map((m) => [m.memberId, m.memberEpoch, m.assignment[0].topicName, m.assignment[0].partitions]),
    [
      ['a', 2, 'orders', [0, 1]],
      ['b', 2, 'orders', [2, 3]],
    ],
  );
});

test('fencing, unknown members, offset commit checks', async () => {
  const { cgc } = setup();
  await cgc.heartbeat(hb('a', 0), client);
  assert.equal(
    (await cgc.heartbeat(hb('a', 7, { topicPartitions: [] }), client)).errorCode,
    ErrorCode.FENCED_MEMBER_EPOCH,
  );
  assert.equal((await cgc.heartbeat(hb('x', 1), client)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(
    (await cgc.heartbeat({ ...hb('y', 1), groupId: 'nope' }, client)).errorCode,
    ErrorCode.GROUP_ID_NOT_FOUND,
  );
  assert.equal(cgc.validateMember('g', 'a', 1), ErrorCode.NONE);
  assert.equal(cgc.validateMember('g', 'a', 0), ErrorCode.STALE_MEMBER_EPOCH);
  assert.equal(cgc.validateMember('g', 'zz', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(cgc.validateMember('g', '', -1), ErrorCode.UNKNOWN_MEMBER_ID, 'no admin commits into a live group');
  assert.equal(cgc.validateMember('other', 'a', 1), undefined, 'not a consumer group: classic rules');
  const bad = await cgc.heartbeat(hb('r', 0, { subscribedTopicNames: null, subscribedTopicRegex: '(?=x)' }), client);
  assert.equal(bad.errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION);
  assert.equal(
    (await cgc.heartbeat(hb('s', 0, { serverAssignor: 'sticky' }), client)).errorCode,
    ErrorCode.UNSUPPORTED_ASSIGNOR,
  );
});

test('session timeout and rebalance timeout remove members; their partitions are reassigned', async () => {
  const { cgc, clock } = setup({ sessionTimeoutMs: 45_000 });
  await cgc.heartbeat(hb('a', 0), client);
  await cgc.heartbeat(hb('b', 0), client);
  // a is told to revoke o2/o3 but never does: after its rebalance timeout (30 s) it is fenced.
  await cgc.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1, 2, 3) }), client);
  clock.advance(29_000);
  await cgc.heartbeat(hb('b', 2, { topicPartitions: [] }), client);
  assert.ok(cgc.group('g')!.members.has('a'));
  clock.advance(2000);
  assert.ok(!cgc.group('g')!.members.has('a'), 'a removed after the rebalance timeout');
  const b = await cgc.heartbeat(hb('b', 2, { topicPartitions: [] }), client);
  assert.equal(b.memberEpoch, 3);
  assert.deepEqual(parts(b.assignment), ['o0', 'o1', 'o2', 'o3']);
  clock.advance(45_001);
  assert.equal(cgc.group('g')!.members.size, 0, 'b expired after its session timeout');
  assert.equal(cgc.group('g')!.state, 'Empty');
  assert.equal(cgc.validateMember('g', '', -1), ErrorCode.NONE, 'an empty group takes admin commits');
});

test('leave (-1) frees partitions at once; a static member (-2) comes back under a new id with its assignment', async () => {
  const { cgc } = setup();
  await cgc.heartbeat(hb('a', 0, { instanceId: 'i-a' }), client);
  await cgc.heartbeat(hb('b', 0), client);
  await cgc.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1, 2, 3) }), client);
  const left = await cgc.heartbeat(hb('a', -2, { instanceId: 'i-a' }), client);
  assert.equal(left.memberEpoch, -2);
  const dup = await cgc.heartbeat(hb('a2', 0, { instanceId: 'i-b' }), client);
  assert.equal(dup.errorCode, 0);
  const again = await cgc.heartbeat(hb('a3', 0, { instanceId: 'i-a' }), client);
  assert.equal(again.errorCode, 0);
  assert.deepEqual(parts(again.assignment), ['o0', 'o1'], 'the new incarnation owns what the static member kept');
  assert.ok(!cgc.group('g')!.members.has('a'));
  const busy = await cgc.heartbeat(hb('a4', 0, { instanceId: 'i-a' }), client);
  assert.equal(busy.errorCode, ErrorCode.UNRELEASED_INSTANCE_ID);
  const bye = await cgc.heartbeat(hb('b', -1), client);
  assert.equal(bye.memberEpoch, -1);
  assert.ok(!cgc.group('g')!.members.has('b'));
});

test('regex subscription: matches non-internal topics by full name', async () => {
  const { cgc } = setup();
  const r = await cgc.heartbeat(hb('r', 0, { subscribedTopicNames: null, subscribedTopicRegex: '.*' }), client);
  assert.deepEqual(parts(r.assignment), ['a0', 'a1', 'o0', 'o1', 'o2', 'o3'], '__consumer_offsets is not matched');
});

test('the stored records replay into a new coordinator (failover): members, epochs, assignments', async () => {
  const { cgc, store } = setup();
  await cgc.heartbeat(hb('a', 0), client);
  await cgc.heartbeat(hb('b', 0), client);
  await cgc.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1, 2, 3) }), client);
  await cgc.heartbeat(hb('c', 0), client);
  await cgc.heartbeat(hb('c', -1), client);
  const before = cgc.describe('g');
  const { cgc: next } = setup();
  const r = next.load(store.records);
  assert.equal(r.skipped, 0);
  const after = next.describe('g');
  assert.deepEqual(after, before);
  // The members carry on with the epochs they know.
  const a = await next.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1) }), client);
  assert.equal(a.errorCode, 0);
  assert.equal(a.memberEpoch, before.groupEpoch, 'the pending group epoch is assigned on the first heartbeat');
});

test('coexistence with classic groups: a non-empty group of one protocol refuses the other', async () => {
  const clock = new FakeClock();
  const gc = new GroupCoordinator(null, {}, clock);
  gc.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      null,
      () => topics,
      () => 0,
      {},
      clock,
    ),
  );
  await gc.consumer!.heartbeat(hb('a', 0), client);
  const join = await gc.joinGroup(
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
    client,
  );
  assert.equal(join.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  assert.deepEqual(gc.listGroups(), [
    { groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' },
  ]);
  assert.equal(gc.describeGroup('g').groupState, 'Dead', 'DescribeGroups v0-5 shows a consumer group as Dead');
  // A classic group with a member in the way of a consumer-protocol join.
  const classic = {
    groupId: 'k',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: '',
    groupInstanceId: null,
  };
  void gc.joinGroup(
    { ...classic, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] },
    3,
    client,
  );
  const refused = await gc.consumer!.heartbeat({ ...hb('x', 0), groupId: 'k' }, client);
  assert.equal(refused.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  // An empty consumer group is converted by a classic join.
  await gc.consumer!.heartbeat(hb('a', -1), client);
  const ok = await gc.joinGroup(
    { ...classic, groupId: 'g', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] },
    3,
    client,
  );
  assert.equal(ok.errorCode, 0);
  assert.equal(gc.consumer!.group('g'), undefined);
  gc.shutdown();
});
