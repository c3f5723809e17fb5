// The share-partition state machine (KIP-932) and the share-group coordinator on a fake clock:
// acquisition with delivery counts, accept / release / reject, lock expiry, the delivery limit,
// the SPSO, the durable snapshot, and membership with the simple share assignor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../protocol/index.js';
import { FakeClock } from './clock.js';
import { MAX_RESTORED_SPAN, RecordState, SharePartition } from './share-partition.js';
import { ShareGroupCoordinator, simpleShareAssign } from './share-group.js';

const config = { lockDurationMs: 30_000, deliveryCountLimit: 3, maxRecordLocks: 2000 };
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

test('records are acquired once, accepted, released for redelivery with a higher count, rejected for good', () => {
  const sp = new SharePartition(config, 10);
  assert.deepEqual(sp.acquire('a', range(10, 15), 100, 0), [{ firstOffset: 10, lastOffset: 14, deliveryCount: 1 }]);
  // Nothing left for another member.
  assert.deepEqual(sp.acquire('b', range(10, 15), 100, 0), []);
  // Only the holder may acknowledge.
  assert.equal(
    sp.acknowledge('b', [{ firstOffset: 10, lastOffset: 10, acknowledgeTypes: [1] }]),
    ErrorCode.INVALID_RECORD_STATE,
  );
  assert.equal(
    sp.acknowledge('a', [{ firstOffset: 10, lastOffset: 14, acknowledgeTypes: [1, 2, 3, 1, 1] }]),
    ErrorCode.NONE,
  );
  assert.equal(sp.startOffset, 11);
  assert.equal(sp.stateOf(11)?.state, RecordState.AVAILABLE);
  assert.equal(sp.stateOf(12)?.state, RecordState.ARCHIVED);
  // The released record comes back with delivery count 2; then new records.
  assert.deepEqual(sp.acquire('b', range(11, 17), 100, 0), [
    { firstOffset: 11, lastOffset: 11, deliveryCount: 2 },
    { firstOffset: 15, lastOffset: 16, deliveryCount: 1 },
  ]);
  assert.equal(sp.acknowledge('b', [{ firstOffset: 11, lastOffset: 11, acknowledgeTypes: [1] }]), ErrorCode.NONE);
  assert.equal(sp.startOffset, 15);
  // Acknowledging twice is an invalid state; a batch with one bad offset changes nothing.
  assert.equal(
    sp.acknowledge('b', [{ firstOffset: 14, lastOffset: 15, acknowledgeTypes: [1] }]),
    ErrorCode.INVALID_RECORD_STATE,
  );
  assert.equal(sp.stateOf(15)?.state, RecordState.ACQUIRED);
});

test('an expired lock makes records available again; at the delivery limit they are archived', () => {
  const sp = new SharePartition(config, 0);
  for (let delivery = 1; delivery <= 3; delivery++) {
    const got = sp.acquire('a', [0], 1, delivery * 100_000);
    assert.deepEqual(got, [{ firstOffset: 0, lastOffset: 0, deliveryCount: delivery }]);
    assert.equal(sp.expireLocks(delivery * 100_000 + 29_999), false);
    assert.equal(sp.expireLocks(delivery * 100_000 + 30_000), true);
  }
  assert.equal(sp.stateOf(0), null, 'archived and below the start offset');
  assert.equal(sp.startOffset, 1);
  assert.deepEqual(sp.acquire('a', [0], 1, 1e9), []);
});

test('gaps in the log are archived; a closed session releases what its member held', () => {
  const sp = new SharePartition(config, 0);
  assert.deepEqual(sp.acquire('a', [0, 3, 4], 10, 0), [
    { firstOffset: 0, lastOffset: 0, deliveryCount: 1 },
    { firstOffset: 3, lastOffset: 4, deliveryCount: 1 },
  ]);
  assert.equal(sp.acknowledge('a', [{ firstOffset: 0, lastOffset: 0, acknowledgeTypes: [1] }]), ErrorCode.NONE);
  assert.equal(sp.startOffset, 3);
  assert.equal(sp.releaseMember('a'), true);
  assert.deepEqual(sp.acquire('b', [3, 4], 10, 0), [{ firstOffset: 3, lastOffset: 4, deliveryCount: 2 }]);
});

test('the snapshot keeps the start offset, states and delivery counts; acquired records come back available', () => {
  const sp = new SharePartition(config, 5);
  sp.acquire('a', range(5, 10), 10, 0);
  sp.acknowledge('a', [{ firstOffset: 6, lastOffset: 7, acknowledgeTypes: [1, 3] }]);
  sp.acknowledge('a', [{ firstOffset: 8, lastOffset: 8, acknowledgeTypes: [2] }]);
  const snap = sp.snapshot();
  assert.equal(snap.startOffset, 5);
  const back = SharePartition.fromSnapshot(config, snap);
  assert.equal(back.startOffset, 5);
  assert.equal(back.endOffset, 10);
  assert.deepEqual(back.acquire('b', range(5, 12), 10, 0), [
    { firstOffset: 5, lastOffset: 5, deliveryCount: 2 },
    { firstOffset: 8, lastOffset: 9, deliveryCount: 2 },
    { firstOffset: 10, lastOffset: 11, deliveryCount: 1 },
  ]);
});

test('simple share assignor: partitions spread over members, shared when members outnumber them', () => {
  const topics = new Map([['t', { topicId: 'T', partitions: 1 }]]);
  const two = simpleShareAssign(
    [
      { memberId: 'a', topics: ['t'] },
      { memberId: 'b', topics: ['t'] },
    ],
    topics,
  );
  assert.deepEqual(two.get('a')?.get('T'), [0]);
  assert.deepEqual(two.get('b')?.get('T'), [0]);
  const four = simpleShareAssign([{ memberId: 'a', topics: ['t'] }], new Map([['t', { topicId: 'T', partitions: 4 }]]));
  assert.deepEqual(four.get('a')?.get('T'), [0, 1, 2, 3]);
});

test('share-group membership: join, epochs, fencing, session expiry, states', () => {
  const clock = new FakeClock();
  const topicId = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
  const sg = new ShareGroupCoordinator({ sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5000 }, clock, () => [
    { name: 'orders', topicId, partitions: 2, internal: false },
  ]);
  const client = { clientId: 'c', clientHost: '/127.0.0.1' };
  const join = (memberId: string) =>
    sg.heartbeat({ groupId: 'g', memberId, memberEpoch: 0, rackId: null, subscribedTopicNames: ['orders'] }, client);
  const a = join('a');
  assert.equal(a.errorCode, ErrorCode.NONE);
  assert.deepEqual(a.assignment, [{ topicId, partitions: [0, 1] }]);
  const b = join('b');
  assert.ok(b.memberEpoch > a.memberEpoch);
  // a's next heartbeat moves it to the group's epoch with its new, smaller assignment.
  const hb = (memberEpoch: number) =>
    sg.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch, rackId: null, subscribedTopicNames: null }, client);
  const a2 = hb(a.memberEpoch);
  assert.equal(a2.errorCode, ErrorCode.NONE);
  assert.equal(a2.memberEpoch, b.memberEpoch);
  assert.equal(a2.assignment?.[0].partitions.length, 1);
  assert.equal(hb(a2.memberEpoch).assignment, null, 'unchanged assignments are not resent');
  assert.equal(hb(a.memberEpoch).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  assert.equal(sg.describe('g').groupState, 'Stable');
  assert.equal(sg.describe('g').members.length, 2);
  const unknown = sg.heartbeat(
    { groupId: 'g', memberId: 'zz', memberEpoch: 3, rackId: null, subscribedTopicNames: null },
    client,
  );
  assert.equal(unknown.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  clock.advance(45_001);
  assert.equal(sg.describe('g').groupState, 'Empty');
  assert.equal(sg.describe('nope').errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  assert.ok(sg.rebalancesTotal >= 2);
});

test('hostile acknowledgement ranges are refused without walking them, and nothing is applied', () => {
  const sp = new SharePartition(config, 0);
  sp.acquire('a', range(0, 5), 100, 0);
  const ack = (batches: { firstOffset: number; lastOffset: number; acknowledgeTypes: number[] }[]) =>
    sp.acknowledge('a', batches);
  const started = Date.now();
  // 0..2^62 as a gap used to loop once per offset; now it is past the end offset: refused at once.
  assert.equal(ack([{ firstOffset: 0, lastOffset: 2 ** 62, acknowledgeTypes: [0] }]), ErrorCode.INVALID_REQUEST);
  assert.equal(ack([{ firstOffset: -1, lastOffset: 1, acknowledgeTypes: [1] }]), ErrorCode.INVALID_REQUEST);
  assert.equal(ack([{ firstOffset: 3, lastOffset: 2, acknowledgeTypes: [1] }]), ErrorCode.INVALID_REQUEST);
  assert.equal(ack([{ firstOffset: 4, lastOffset: 5, acknowledgeTypes: [1] }]), ErrorCode.INVALID_REQUEST);
  // Overlapping or out of order batches.
  assert.equal(
    ack([
      { firstOffset: 0, lastOffset: 2, acknowledgeTypes: [1] },
      { firstOffset: 2, lastOffset: 3, acknowledgeTypes: [1] },
    ]),
    ErrorCode.INVALID_REQUEST,
  );
  assert.equal(
    ack([
      { firstOffset: 3, lastOffset: 3, acknowledgeTypes: [1] },
      { firstOffset: 0, lastOffset: 0, acknowledgeTypes: [1] },
    ]),
    ErrorCode.INVALID_REQUEST,
  );
  assert.ok(Date.now() - started < 1000);
  for (const o of range(0, 5)) assert.equal(sp.stateOf(o)?.state, RecordState.ACQUIRED, `offset ${o} untouched`);
  // A gap acknowledgement below the SPSO is harmless; an accept there is not.
  assert.equal(ack([{ firstOffset: 0, lastOffset: 1, acknowledgeTypes: [1] }]), ErrorCode.NONE);
  assert.equal(sp.startOffset, 2);
  assert.equal(ack([{ firstOffset: 0, lastOffset: 2, acknowledgeTypes: [0, 0, 1] }]), ErrorCode.NONE);
  assert.equal(ack([{ firstOffset: 0, lastOffset: 3, acknowledgeTypes: [1] }]), ErrorCode.INVALID_RECORD_STATE);
  assert.equal(sp.stateOf(3)?.state, RecordState.ACQUIRED);
});

test('a forged or corrupt snapshot restores within bounds', () => {
  const sp = SharePartition.fromSnapshot(config, {
    startOffset: 5,
    batches: [
      { firstOffset: 0, lastOffset: 6, state: RecordState.ACKNOWLEDGED, deliveryCount: 1 },
      { firstOffset: 9, lastOffset: 7, state: RecordState.AVAILABLE, deliveryCount: 1 },
      { firstOffset: 7, lastOffset: 7, state: 3, deliveryCount: 1 },
      { firstOffset: 7, lastOffset: 2 ** 50, state: RecordState.AVAILABLE, deliveryCount: 1 },
    ],
  });
  // 5-6 acknowledged -> the SPSO moved to 7; the huge run is cut at the restore bound.
  assert.equal(sp.startOffset, 7);
  assert.equal(sp.endOffset, 5 + MAX_RESTORED_SPAN);
  assert.equal(sp.stateOf(7)?.state, RecordState.AVAILABLE);
});

test('a record restored at the delivery limit is archived, not delivered once more after failover', () => {
  const old = new SharePartition(config, 0);
  for (let d = 1; d <= 3; d++) {
    assert.deepEqual(old.acquire('a', [0, 1], 1, d * 100_000), [{ firstOffset: 0, lastOffset: 0, deliveryCount: d }]);
    if (d < 3) old.expireLocks(d * 100_000 + 30_000);
  }
  // Offset 0 is acquired for the 3rd (last) time when the leader dies; offset 1 was never delivered.
  old.acquire('b', [1], 1, 400_000);
  old.acknowledge('b', [{ firstOffset: 1, lastOffset: 1, acknowledgeTypes: [2] }]);
  const sp = SharePartition.fromSnapshot(config, old.snapshot());
  assert.equal(sp.stateOf(0), null, 'archived, so below the start offset');
  assert.equal(sp.startOffset, 1);
  assert.deepEqual(sp.acquire('c', [0, 1], 10, 500_000), [{ firstOffset: 1, lastOffset: 1, deliveryCount: 2 }]);
});

test('a share group holds at most group.share.max.size members; a known member may rejoin', () => {
  const clock = new FakeClock();
  const sg = new ShareGroupCoordinator(
    { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5000, maxSize: 2 },
    clock,
    () => [{ name: 'orders', topicId: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', partitions: 2, internal: false }],
  );
  const client = { clientId: 'c', clientHost: '/127.0.0.1' };
  const join = (memberId: string) =>
    sg.heartbeat({ groupId: 'g', memberId, memberEpoch: 0, rackId: null, subscribedTopicNames: ['orders'] }, client);
  assert.equal(join('a').errorCode, ErrorCode.NONE);
  assert.equal(join('b').errorCode, ErrorCode.NONE);
  const epoch = sg.group('g')!.groupEpoch;
  const c = join('c');
  assert.equal(c.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  assert.equal(sg.group('g')!.members.size, 2);
  assert.equal(sg.group('g')!.groupEpoch, epoch, 'a refused join changes nothing');
  assert.equal(join('a').errorCode, ErrorCode.NONE, 'a rejoin is not a new member');
  // Default: Kafka's 200.
  const big = new ShareGroupCoordinator({ sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5000 }, clock, () => [
    { name: 'orders', topicId: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', partitions: 2, internal: false },
  ]);
  const codes = Array.from(
    { length: 201 },
    (_, i) =>
      big.heartbeat(
        { groupId: 'h', memberId: `m${i}`, memberEpoch: 0, rackId: null, subscribedTopicNames: ['orders'] },
        client,
      ).errorCode,
  );
  assert.equal(codes.filter((x) => x === ErrorCode.NONE).length, 200);
  assert.equal(codes[200], ErrorCode.GROUP_MAX_SIZE_REACHED);
});

test('describing a share group changes nothing: epochs move on heartbeats only', () => {
  const clock = new FakeClock();
  const topicId = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
  let partitions = 2;
  const sg = new ShareGroupCoordinator({ sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5000 }, clock, () => [
    { name: 'orders', topicId, partitions, internal: false },
  ]);
  const client = { clientId: 'c', clientHost: '/127.0.0.1' };
  const a = sg.heartbeat(
    { groupId: 'g', memberId: 'a', memberEpoch: 0, rackId: null, subscribedTopicNames: ['orders'] },
    client,
  );
  const rebalances = sg.rebalancesTotal;
  partitions = 3;
  for (let i = 0; i < 3; i++) {
    const d = sg.describe('g');
    assert.equal(d.groupEpoch, a.memberEpoch);
    assert.equal(d.assignmentEpoch, a.memberEpoch);
  }
  assert.equal(sg.rebalancesTotal, rebalances, 'a describe is not a rebalance');
  const hb = sg.heartbeat(
    { groupId: 'g', memberId: 'a', memberEpoch: a.memberEpoch, rackId: null, subscribedTopicNames: null },
    client,
  );
  assert.ok(hb.memberEpoch > a.memberEpoch);
  assert.deepEqual(hb.assignment, [{ topicId, partitions: [0, 1, 2] }]);
  assert.equal(sg.rebalancesTotal, rebalances + 1);
});
