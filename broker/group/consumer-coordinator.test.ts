// The KIP-848 coordinator on a fake clock: epochs and reconciliation (a partition moves only after
// its previous owner revoked it), fencing, session and rebalance timeouts, leave and static leave,
// OffsetCommit member checks, regex/assignor validation, replay of the stored records, and
// coexistence with classic groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode,
  decodeConsumerAssignment,
  encodeConsumerAssignment,
  encodeConsumerSubscription,
  type ConsumerGroupHeartbeatRequest,
} from '../../protocol/index.js';
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

test('coexistence with classic groups (migration policy disabled): no conversion of a group with members', async () => {
  const clock = new FakeClock();
  const gc = new GroupCoordinator(null, {}, clock);
  gc.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      null,
      () => topics,
      () => 0,
      { migrationPolicy: 'disabled' },
      clock,
    ),
  );
  await gc.consumer!.heartbeat(hb('a', 0), client);
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
    { ...classic, protocolType: 'consumer', protocols: [{ name: 'range', metadata: sub() }] },
    3,
    client,
  );
  const refused = await gc.consumer!.heartbeat({ ...hb('x', 0), groupId: 'k' }, client);
  assert.equal(refused.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  assert.equal(
    refused.errorMessage,
    'Cannot upgrade classic group k to consumer group because online upgrade is disabled.',
  );
  // An empty consumer group is converted by a classic join.
  await gc.consumer!.heartbeat(hb('a', -1), client);
  const ok = await gc.joinGroup(
    { ...classic, groupId: 'g', protocolType: 'consumer', protocols: [{ name: 'range', metadata: sub() }] },
    3,
    client,
  );
  assert.equal(ok.errorCode, 0);
  assert.equal(gc.consumer!.group('g'), undefined);
  gc.shutdown();
});

const sub = (owned: number[] = []) =>
  encodeConsumerSubscription({ topics: ['orders'], ownedPartitions: [{ topic: 'orders', partitions: owned }] });
const assignedOf = (buf: Buffer) => decodeConsumerAssignment(buf).assignedPartitions.flatMap((t) => t.partitions);

test('online migration: a classic group upgrades when a consumer member joins and downgrades when it leaves', async () => {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const gc = new GroupCoordinator(store, {}, clock);
  gc.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      store,
      () => topics,
      () => 0,
      {},
      clock,
    ),
  );
  const join = (memberId: string, owned: number[] = []) =>
    gc.joinGroup(
      {
        groupId: 'g',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 20_000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [
          { name: 'range', metadata: sub(owned) },
          { name: 'roundrobin', metadata: sub(owned) },
        ],
      },
      3,
      client,
    );
  // A classic group, generation 1, c owns orders 0-3.
  const j1 = await join('');
  const c = j1.memberId;
  assert.equal(j1.leader, c);
  const all = encodeConsumerAssignment([{ topic: 'orders', partitions: [0, 1, 2, 3] }]);
  const s1 = await gc.syncGroup({
    groupId: 'g',
    generationId: 1,
    memberId: c,
    groupInstanceId: null,
    assignments: [{ memberId: c, assignment: all }],
  });
  assert.equal(s1.errorCode, 0);

  // A consumer-protocol member joins: the group is a consumer group now, c a classic-protocol member.
  const a1 = await gc.consumer!.heartbeat(hb('a', 0), client);
  assert.equal(a1.errorCode, 0);
  assert.equal(a1.memberEpoch, 2);
  assert.deepEqual(parts(a1.assignment), [], 'c still owns everything');
  assert.deepEqual(gc.listGroups(), [
    { groupId: 'g', protocolType: 'consumer', groupState: 'Reconciling', groupType: 'consumer' },
  ]);
  assert.equal(gc.consumer!.describe('g').members.find((m) => m.memberId === c)?.memberType, 0);
  assert.equal(
    gc.heartbeat({ groupId: 'g', generationId: 2, memberId: c, groupInstanceId: null }),
    ErrorCode.ILLEGAL_GENERATION,
  );
  assert.equal(
    gc.heartbeat({ groupId: 'g', generationId: 1, memberId: c, groupInstanceId: null }),
    ErrorCode.REBALANCE_IN_PROGRESS,
  );
  assert.equal(
    gc.heartbeat({ groupId: 'g', generationId: 1, memberId: 'a', groupInstanceId: null }),
    ErrorCode.UNKNOWN_MEMBER_ID,
  );
  // c commits what it consumed with its generation (= member epoch) before revoking.
  const commit = await gc.commitOffsets({
    groupId: 'g',
    generationId: 1,
    memberId: c,
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [
      {
        name: 'orders',
        partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: null }],
      },
    ],
  });
  assert.equal(commit.topics[0].partitions[0].errorCode, 0);

  // Eager rejoin (owns nothing): it is at the new epoch at once and keeps half.
  const j2 = await join(c);
  assert.equal(j2.errorCode, 0);
  assert.equal(j2.generationId, 2);
  assert.equal(j2.leader, '', 'the broker assigns: no leader');
  assert.equal(j2.protocolName, 'range');
  const s2 = await gc.syncGroup({ groupId: 'g', generationId: 2, memberId: c, groupInstanceId: null, assignments: [] });
  const mine = assignedOf(s2.assignment);
  assert.equal(mine.length, 2);
  const a2 = await gc.consumer!.heartbeat(hb('a', 2, { topicPartitions: [] }), client);
  assert.deepEqual(parts(a2.assignment).length, 2);
  assert.deepEqual(
    [...mine.map((p) => `o${p}`), ...parts(a2.assignment)].sort(),
    ['o0', 'o1', 'o2', 'o3'],
    'no partition has two owners',
  );
  assert.equal(gc.heartbeat({ groupId: 'g', generationId: 2, memberId: c, groupInstanceId: null }), ErrorCode.NONE);
  assert.equal(gc.consumer!.group('g')!.state, 'Stable');

  // The last consumer-protocol member leaves: a classic group again, rebalancing.
  const left = await gc.consumer!.heartbeat(hb('a', -1), client);
  assert.equal(left.errorCode, 0);
  await Promise.resolve();
  assert.deepEqual(gc.listGroups(), [
    { groupId: 'g', protocolType: 'consumer', groupState: 'PreparingRebalance', groupType: 'classic' },
  ]);
  assert.equal(
    gc.heartbeat({ groupId: 'g', generationId: 2, memberId: c, groupInstanceId: null }),
    ErrorCode.REBALANCE_IN_PROGRESS,
  );
  const j3 = await join(c);
  assert.equal(j3.generationId, 3);
  assert.equal(j3.leader, c);
  const s3 = await gc.syncGroup({
    groupId: 'g',
    generationId: 3,
    memberId: c,
    groupInstanceId: null,
    assignments: [{ memberId: c, assignment: all }],
  });
  assert.equal(s3.errorCode, 0);
  assert.equal(gc.describeGroup('g').groupState, 'Stable');
  assert.equal(gc.committed('g', 'orders', 0)?.offset, 7, 'offsets survive both conversions');

  // Replaying the log gives the classic group back (not the consumer group it was for a while).
  gc.shutdown();
  const next = new GroupCoordinator(null, {}, clock);
  next.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      null,
      () => topics,
      () => 0,
      {},
      clock,
    ),
  );
  next.load(store.records);
  assert.equal(next.consumer!.group('g'), undefined);
  assert.equal(next.describeGroup('g').groupState, 'Stable');
  assert.equal(next.describeGroup('g').members.length, 1);
  next.shutdown();
});

test('online migration: classic-protocol member records survive a coordinator failover', async () => {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const gc = new GroupCoordinator(store, {}, clock);
  gc.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      store,
      () => topics,
      () => 0,
      {},
      clock,
    ),
  );
  await gc.consumer!.heartbeat(hb('a', 0), client);
  const req = {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    memberId: 'c',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: sub() }],
  };
  assert.equal(
    (await gc.joinGroup({ ...req, protocols: [{ name: 'custom', metadata: Buffer.from('x') }] }, 5, client)).errorCode,
    ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
  );
  const j = await gc.joinGroup(req, 5, client);
  assert.equal(j.errorCode, 0);
  gc.shutdown();
  const next = new GroupCoordinator(null, {}, clock);
  next.attachConsumerGroups(
    new ConsumerGroupCoordinator(
      null,
      () => topics,
      () => 0,
      {},
      clock,
    ),
  );
  next.load(store.records);
  const m = next.consumer!.group('g')!.members.get('c')!;
  assert.equal(m.classicMemberMetadata?.sessionTimeoutMs, 10_000);
  assert.deepEqual(
    m.classicMemberMetadata?.supportedProtocols.map((p) => p.name),
    ['range'],
  );
  assert.equal(
    next.heartbeat({ groupId: 'g', generationId: j.generationId, memberId: 'c', groupInstanceId: null }),
    ErrorCode.NONE,
  );
  // The classic member's session is its own (10 s), not the consumer protocol's 45 s.
  clock.advance(10_001);
  assert.equal(next.consumer!.group('g')!.members.has('c'), false);
  next.shutdown();
});

test('classic-protocol members of a consumer group: removed after their session, join or sync timeout (as Kafka)', async () => {
  // Each case on a fresh consumer group: consumer member a owns orders 0-3, then classic members
  // (session 10 s, rebalance 20 s) join through JoinGroup.
  const fresh = async () => {
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
    await gc.consumer!.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1, 2, 3) }), client);
    const join = (memberId: string) =>
      gc.joinGroup(
        {
          groupId: 'g',
          sessionTimeoutMs: 10_000,
          rebalanceTimeoutMs: 20_000,
          memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: sub() }],
        },
        5,
        client,
      );
    const sync = (memberId: string, generationId: number) =>
      gc.syncGroup({ groupId: 'g', generationId, memberId, groupInstanceId: null, assignments: [] });
    const beat = (memberId: string, generationId: number) =>
      gc.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null });
    const has = (memberId: string) => gc.consumer!.group('g')?.members.has(memberId) ?? false;
    return { clock, gc, join, sync, beat, has };
  };

  // Session: c joins, a hands over what c is assigned, c rejoins for it; heartbeats keep c for
  // 40 s (past its session and rebalance timeouts); silent, it is gone 10 s after its last one.
  {
    const { clock, gc, join, sync, beat, has } = await fresh();
    const j = await join('c');
    assert.equal(j.errorCode, 0);
    const told = await gc.consumer!.heartbeat(hb('a', 1, { topicPartitions: owned(0, 1, 2, 3) }), client);
    const keep = (told.assignment ?? []).flatMap((t) => t.partitions);
    assert.equal(keep.length, 2, 'a is told to keep half');
    await gc.consumer!.heartbeat(hb('a', 1, { topicPartitions: owned(...keep) }), client);
    assert.equal((await sync('c', j.generationId)).errorCode, 0);
    assert.equal(beat('c', j.generationId), ErrorCode.REBALANCE_IN_PROGRESS, 'its partitions are free: rejoin');
    const j2 = await join('c');
    const s2 = await sync('c', j2.generationId);
    assert.equal(assignedOf(s2.assignment).length, 2);
    for (let t = 0; t < 8; t++) {
      clock.advance(5000);
      assert.equal(beat('c', j2.generationId), ErrorCode.NONE);
      await gc.consumer!.heartbeat(hb('a', j2.generationId, { topicPartitions: owned(...keep) }), client);
    }
    assert.ok(has('c'), 'heartbeats keep a classic member past its session and rebalance timeouts');
    clock.advance(9999);
    assert.ok(has('c'));
    clock.advance(2);
    assert.ok(!has('c'), 'removed 10 s (its session timeout) after its last heartbeat');
    const a = await gc.consumer!.heartbeat(hb('a', j2.generationId, { topicPartitions: owned(...keep) }), client);
    assert.deepEqual(parts(a.assignment), ['o0', 'o1', 'o2', 'o3'], 'its partitions go to a');
    gc.shutdown();
  }

  // Join timeout: told to rejoin (a consumer member b joined), d keeps heartbeating but never sends
  // JoinGroup: removed 20 s (its rebalance timeout) after the first REBALANCE_IN_PROGRESS.
  {
    const { clock, gc, join, sync, beat, has } = await fresh();
    const j = await join('d');
    assert.equal((await sync('d', j.generationId)).errorCode, 0);
    await gc.consumer!.heartbeat(hb('b', 0), client);
    assert.equal(beat('d', j.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    for (let t = 0; t < 3; t++) {
      clock.advance(5000);
      assert.equal(beat('d', j.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    }
    clock.advance(4999);
    assert.ok(has('d'), 'its session is alive and its join timeout not yet past');
    clock.advance(2);
    assert.ok(!has('d'), 'removed by its join timeout although it heartbeats');
    gc.shutdown();
  }

  // Sync timeout: e is answered by JoinGroup, heartbeats but never sends SyncGroup: removed 20 s
  // after its JoinGroup.
  {
    const { clock, gc, join, beat, has } = await fresh();
    const j = await join('e');
    assert.equal(j.errorCode, 0);
    for (let t = 0; t < 3; t++) {
      clock.advance(5000);
      beat('e', j.generationId);
    }
    clock.advance(4999);
    assert.ok(has('e'));
    clock.advance(2);
    assert.ok(!has('e'), 'removed by its sync timeout although it heartbeats');
    gc.shutdown();
  }
});
