// Unit tests of the classic group protocol state machine, on a fake clock (timeouts fire on demand).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { JoinGroupRequest } from '../../protocol/apis/11-join-group.js';
import { decodeKey, decodeGroupMetadataValue } from '../../protocol/consumer-offsets/formats.js';
import { FakeClock } from './clock.js';
import { GroupCoordinator, type GroupStore, type StoredRecord } from './coordinator.js';
import type { JoinResult } from './group.js';
import { offsetFetch } from './requests.js';

const client = { clientId: 'c', clientHost: '/127.0.0.1' };

class MemoryStore implements GroupStore {
  readonly records: { partition: number; rec: StoredRecord }[] = [];
  fail = false;
  async append(partition: number, records: StoredRecord[]): Promise<void> {
    if (this.fail) throw new Error('disk full');
    for (const rec of records) this.records.push({ partition, rec });
  }
  /** Replication the test releases: `replicated()` resolves the TxnOffsetCommits waiting for it. */
  holdReplication = false;
  private readonly waiting: (() => void)[] = [];
  async appendTransactional(
    partition: number,
    records: StoredRecord[],
    _producer: unknown,
    onAppended: () => void,
  ): Promise<void> {
    await this.append(partition, records);
    onAppended();
    if (this.holdReplication) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  replicated(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

function joinReq(memberId: string, protocols = ['roundrobin'], over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: protocols.map((name) => ({ name, metadata: Buffer.from(`${memberId}:${name}`) })),
    ...over,
  };
}

function setup(config = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const gc = new GroupCoordinator(store, config, clock);
  return { clock, store, gc };
}

/** Lets promise callbacks (persist, then-chains) run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Joins with v5 (two steps: MEMBER_ID_REQUIRED then the real join); returns the pending join. */
async function joinV5(gc: GroupCoordinator, protocols?: string[]): Promise<{ id: string; join: Promise<JoinResult> }> {
  const first = await gc.joinGroup(joinReq('', protocols), 5, client);
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.match(first.memberId, /^c-/);
  return { id: first.memberId, join: gc.joinGroup(joinReq(first.memberId, protocols), 5, client) };
}

describe('JoinGroup', () => {
  test('a v4+ join without a member id gets MEMBER_ID_REQUIRED, and the rejoin with that id makes it the leader', async () => {
    const { gc } = setup();
    const { id, join } = await joinV5(gc);
    const res = await join;
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.generationId, 1);
    assert.equal(res.leader, id);
    assert.equal(res.memberId, id);
    assert.equal(res.protocolName, 'roundrobin');
    assert.deepEqual(
      res.members.map((m) => m.memberId),
      [id],
    );
    assert.equal(gc.groupState('g'), 'CompletingRebalance');
  });

  test('a v0-3 join without a member id joins at once', async () => {
    const { gc } = setup();
    const res = await gc.joinGroup(joinReq(''), 2, client);
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.generationId, 1);
  });

  test('members joining the same round all get the same generation; only the leader gets the member list', async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 3000 });
    const a = await joinV5(gc);
    const b = await joinV5(gc);
    const c = await joinV5(gc);
    clock.advance(3000);
    const [ra, rb, rc] = await Promise.all([a.join, b.join, c.join]);
    for (const r of [ra, rb, rc]) assert.equal(r.generationId, 1);
    assert.equal(ra.leader, a.id);
    assert.equal(ra.members.length, 3);
    assert.equal(rb.members.length, 0);
    assert.equal(rc.members.length, 0);
  });

  test("the protocol every member supports is chosen even when it is not everyone's first choice", async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 100 });
    const a = await joinV5(gc, ['range', 'roundrobin']);
    const b = await joinV5(gc, ['roundrobin']);
    clock.advance(100);
    const [ra] = await Promise.all([a.join, b.join]);
    assert.equal(ra.protocolName, 'roundrobin');
    assert.deepEqual(ra.members.find((m) => m.memberId === a.id)?.metadata, Buffer.from(`${a.id}:roundrobin`));
  });

  const rejected: [string, Partial<JoinGroupRequest>, number][] = [
    [
      'a member with no assignor in common with the group is rejected with INCONSISTENT_GROUP_PROTOCOL',
      { protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] },
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ],
    [
      'a member of another protocol type is rejected with INCONSISTENT_GROUP_PROTOCOL',
      { protocolType: 'connect' },
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ],
    [
      'a session timeout below the minimum is rejected with INVALID_SESSION_TIMEOUT',
      { sessionTimeoutMs: 100 },
      ErrorCode.INVALID_SESSION_TIMEOUT,
    ],
    ['an empty group id is rejected with INVALID_GROUP_ID', { groupId: '' }, ErrorCode.INVALID_GROUP_ID],
    ['an unknown member id is rejected with UNKNOWN_MEMBER_ID', { memberId: 'ghost' }, ErrorCode.UNKNOWN_MEMBER_ID],
  ];
  for (const [name, over, code] of rejected) {
    test(name, async () => {
      const { gc } = setup();
      await gc.joinGroup(joinReq('', ['range']), 1, client);
      const res = await gc.joinGroup({ ...joinReq('', ['range']), ...over }, 1, client);
      assert.equal(res.errorCode, code);
    });
  }

  test('a member id handed out with MEMBER_ID_REQUIRED expires after the session timeout if never used', async () => {
    const { gc, clock } = setup();
    const first = await gc.joinGroup(joinReq(''), 4, client);
    clock.advance(10_000);
    const res = await gc.joinGroup(joinReq(first.memberId), 4, client);
    assert.equal(res.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('SyncGroup and Heartbeat', () => {
  test("the leader's assignment reaches every member and the group becomes Stable", async () => {
    const { gc, clock, store } = setup({ initialRebalanceDelayMs: 10 });
    const a = await joinV5(gc);
    const b = await joinV5(gc);
    clock.advance(10);
    const [ra] = await Promise.all([a.join, b.join]);
    const follower = gc.syncGroup({
      groupId: 'g',
      generationId: ra.generationId,
      memberId: b.id,
      groupInstanceId: null,
      assignments: [],
    });
    const leader = gc.syncGroup({
      groupId: 'g',
      generationId: ra.generationId,
      memberId: a.id,
      groupInstanceId: null,
      assignments: [
        { memberId: a.id, assignment: Buffer.from('A') },
        { memberId: b.id, assignment: Buffer.from('B') },
      ],
    });
    const [sf, sl] = await Promise.all([follower, leader]);
    assert.deepEqual([sf.errorCode, sf.assignment.toString()], [0, 'B']);
    assert.deepEqual([sl.errorCode, sl.assignment.toString()], [0, 'A']);
    assert.equal(gc.groupState('g'), 'Stable');
    const stored = store.records.map((r) => decodeKey(r.rec.key));
    assert.deepEqual(stored, [{ kind: 'group', version: 2, group: 'g' }]);
    const value = decodeGroupMetadataValue(store.records[0].rec.value!);
    assert.equal(value.version, 1);
    assert.equal(value.generation, 1);
    assert.deepEqual(value.members.map((m) => m.assignment.toString()).sort(), ['A', 'B']);
    assert.equal(store.records[0].partition, gc.partitionFor('g'));
  });

  test('heartbeats answer NONE when Stable, REBALANCE_IN_PROGRESS once a new member joins, and fence stale callers', async () => {
    const { gc } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, assignments: [] });
    const hb = (memberId: string, generationId: number) =>
      gc.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null });
    assert.equal(hb(a.memberId, 1), ErrorCode.NONE);
    const bJoin = gc.joinGroup(joinReq(''), 1, client);
    assert.equal(gc.groupState('g'), 'PreparingRebalance');
    assert.equal(hb(a.memberId, 1), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(hb(a.memberId, 0), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(hb('ghost', 1), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(
      gc.heartbeat({ groupId: 'nope', generationId: 1, memberId: a.memberId, groupInstanceId: null }),
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    const aRejoin = await gc.joinGroup(joinReq(a.memberId), 1, client);
    const b = await bJoin;
    assert.equal(aRejoin.generationId, 2);
    assert.equal(b.generationId, 2);
    assert.equal(gc.stats().rebalancesTotal, 2);
  });

  test('a sync with the wrong generation gets ILLEGAL_GENERATION and one during a join round REBALANCE_IN_PROGRESS', async () => {
    const { gc } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    assert.equal(
      (
        await gc.syncGroup({
          groupId: 'g',
          generationId: 9,
          memberId: a.memberId,
          groupInstanceId: null,
          assignments: [],
        })
      ).errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    );
    void gc.joinGroup(joinReq(''), 1, client);
    assert.equal(
      (
        await gc.syncGroup({
          groupId: 'g',
          generationId: 1,
          memberId: a.memberId,
          groupInstanceId: null,
          assignments: [],
        })
      ).errorCode,
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  });

  test('a follower waiting in SyncGroup is sent back with REBALANCE_IN_PROGRESS when another member joins', async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 10 });
    const a = await joinV5(gc);
    const b = await joinV5(gc);
    clock.advance(10);
    await Promise.all([a.join, b.join]);
    const waiting = gc.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: b.id,
      groupInstanceId: null,
      assignments: [],
    });
    void gc.joinGroup(joinReq('', ['roundrobin']), 1, client);
    assert.equal((await waiting).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  });
});

describe('timeouts and leaving', () => {
  test('a member that stops heartbeating is removed after its session timeout and the rest rebalance', async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 10 });
    const a = await joinV5(gc);
    const b = await joinV5(gc);
    clock.advance(10);
    await Promise.all([a.join, b.join]);
    await Promise.all([
      gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.id, groupInstanceId: null, assignments: [] }),
      gc.syncGroup({ groupId: 'g', generationId: 1, memberId: b.id, groupInstanceId: null, assignments: [] }),
    ]);
    clock.advance(6000);
    assert.equal(
      gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.id, groupInstanceId: null }),
      ErrorCode.NONE,
    );
    clock.advance(5000); // b silent for 11 s > 10 s session
    assert.equal(gc.groupState('g'), 'PreparingRebalance');
    assert.equal(
      gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.id, groupInstanceId: null }),
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const again = await gc.joinGroup(joinReq(a.id), 5, client);
    assert.equal(again.generationId, 2);
    assert.deepEqual(
      again.members.map((m) => m.memberId),
      [a.id],
    );
  });

  test('members that do not rejoin within the rebalance timeout are dropped from the new generation', async () => {
    const { gc, clock } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, assignments: [] });
    const b = gc.joinGroup(joinReq(''), 1, client);
    // a keeps heartbeating (so its session never lapses) but never rejoins.
    for (let t = 0; t < 20_000; t += 5000) {
      clock.advance(5000);
      gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null });
    }
    const rb = await b;
    assert.equal(rb.generationId, 2);
    assert.deepEqual(
      rb.members.map((m) => m.memberId),
      [rb.memberId],
    );
    assert.equal(rb.leader, rb.memberId);
  });

  test('LeaveGroup v3 removes the known members in a batch and reports unknown ones', async () => {
    const { gc } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    const res = gc.leaveGroup({
      groupId: 'g',
      members: [
        { memberId: a.memberId, groupInstanceId: null },
        { memberId: 'ghost', groupInstanceId: null },
      ],
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.deepEqual(
      res.members.map((m) => m.errorCode),
      [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID],
    );
    assert.equal(gc.groupState('g'), 'Empty');
    assert.equal(
      gc.leaveGroup({ groupId: 'nope', members: [{ memberId: 'x', groupInstanceId: null }] }).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  test('the last member leaving a Stable group makes it Empty with a new generation', async () => {
    const { gc } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, assignments: [] });
    assert.equal(
      gc.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }).errorCode,
      ErrorCode.NONE,
    );
    assert.equal(gc.groupState('g'), 'Empty');
    assert.equal(gc.describeGroup('g').groupState, 'Empty');
  });
});

describe('offsets', () => {
  const commit = (gc: GroupCoordinator, generationId: number, memberId: string, offset: number) =>
    gc.commitOffsets({
      groupId: 'g',
      generationId,
      memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
  const code = (r: Awaited<ReturnType<typeof commit>>) => r.topics[0].partitions[0].errorCode;

  test('a standalone consumer commits with generation -1 and reads the offset back; uncommitted partitions give -1 and no error', async () => {
    const { gc, store } = setup();
    assert.equal(code(await commit(gc, -1, '', 42)), ErrorCode.NONE);
    const res = gc.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] });
    assert.deepEqual(
      res.topics[0].partitions.map((p) => [p.committedOffset, p.errorCode]),
      [
        [42, 0],
        [-1, 0],
      ],
    );
    assert.equal(
      gc.fetchOffsets({ groupId: 'none', topics: [{ name: 't', partitionIndexes: [0] }] }).topics[0].partitions[0]
        .committedOffset,
      -1,
    );
    assert.deepEqual(decodeKey(store.records[0].rec.key), {
      kind: 'offset',
      version: 1,
      group: 'g',
      topic: 't',
      partition: 0,
    });
    assert.equal(gc.groupState('g'), 'Empty');
  });

  test('fetching with null topics returns every committed partition', async () => {
    const { gc } = setup();
    await commit(gc, -1, '', 5);
    await gc.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 'u',
          partitions: [{ partitionIndex: 3, committedOffset: 8, committedLeaderEpoch: 1, committedMetadata: 'x' }],
        },
      ],
    });
    const res = gc.fetchOffsets({ groupId: 'g', topics: null });
    assert.deepEqual(
      res.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])]),
      [
        ['t', [[0, 5]]],
        ['u', [[3, 8]]],
      ],
    );
  });

  test('group members commit with their generation; stale, unknown and mid-rebalance commits are refused', async () => {
    const { gc } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    assert.equal(code(await commit(gc, 1, a.memberId, 1)), ErrorCode.REBALANCE_IN_PROGRESS);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, assignments: [] });
    assert.equal(code(await commit(gc, 1, a.memberId, 2)), ErrorCode.NONE);
    assert.equal(code(await commit(gc, 0, a.memberId, 3)), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(code(await commit(gc, 1, 'ghost', 3)), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(code(await commit(gc, -1, '', 3)), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(gc.committed('g', 't', 0)?.offset, 2);
  });

  test('a commit that cannot be written is refused with a retriable coordinator error and not remembered', async () => {
    const { gc, store } = setup();
    store.fail = true;
    assert.equal(code(await commit(gc, -1, '', 9)), ErrorCode.COORDINATOR_NOT_AVAILABLE);
    assert.equal(gc.committed('g', 't', 0), undefined);
  });
});

/** TxnOffsetCommit of producer 7 (epoch 0) for group g: `offset` on t-0. */
const txnCommit = (offset: number) => ({
  transactionalId: 'tx',
  groupId: 'g',
  producerId: 7,
  producerEpoch: 0,
  topics: [
    {
      name: 't',
      partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }],
    },
  ],
});

describe('transactional offsets', () => {
  test('require_stable: a partition with a staged transactional offset of the group is UNSTABLE_OFFSET_COMMIT until its marker', async () => {
    const { gc } = setup();
    const commit = async (offset: number) => (await gc.commitTxnOffsets(txnCommit(offset)))[0].partitions[0].errorCode;
    const fetch = (requireStable: boolean) =>
      gc
        .fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable })
        .topics[0].partitions.map((p) => [p.committedOffset, p.errorCode]);
    assert.equal(await commit(5), ErrorCode.NONE);
    assert.deepEqual(fetch(true), [
      [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT],
      [-1, ErrorCode.NONE],
    ]);
    assert.deepEqual(
      fetch(false),
      [
        [-1, ErrorCode.NONE],
        [-1, ErrorCode.NONE],
      ],
      'without require_stable: the last stable offset (none yet)',
    );
    const v8 = offsetFetch(
      gc,
      {
        groupId: '',
        topics: null,
        requireStable: true,
        groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] }],
      },
      8,
    );
    assert.equal(v8.groups?.[0].topics[0].partitions[0].errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT, 'v8+ batch form');
    gc.completeTransaction(gc.partitionFor('g'), 7, true);
    assert.deepEqual(fetch(true), [
      [5, ErrorCode.NONE],
      [-1, ErrorCode.NONE],
    ]);
    assert.equal(await commit(9), ErrorCode.NONE);
    assert.equal(
      gc.fetchOffsets({ groupId: 'g', topics: null, requireStable: true }).topics[0].partitions[0].errorCode,
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
      'null topics (every committed partition) too',
    );
    gc.completeTransaction(gc.partitionFor('g'), 7, false);
    assert.deepEqual(
      fetch(true),
      [
        [5, ErrorCode.NONE],
        [-1, ErrorCode.NONE],
      ],
      'the aborted offset is dropped',
    );
  });

  test('a TxnOffsetCommit is answered once replicated; a marker arriving meanwhile finds its staged offsets', async () => {
    const { gc, store } = setup();
    store.holdReplication = true;
    let answered = false;
    const reply = gc.commitTxnOffsets(txnCommit(5)).then((r) => ((answered = true), r));
    await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, 'not answered before the in-sync replicas have the batch');
    assert.equal(store.records.length, 1, 'the batch is in the log');
    // A timeout abort's marker while the batch replicates: the staged offset is dropped, not left behind.
    gc.completeTransaction(gc.partitionFor('g'), 7, false);
    store.replicated();
    assert.equal((await reply)[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(gc.committed('g', 't', 0), undefined);
    assert.deepEqual(
      gc
        .fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], requireStable: true })
        .topics[0].partitions.map((p) => [p.committedOffset, p.errorCode]),
      [[-1, ErrorCode.NONE]],
      'nothing pending: require_stable readers are not held back',
    );
  });
});

describe('describe, list, delete and stats', () => {
  test('DescribeGroups shows members and assignments of a Stable group and Dead for unknown groups', async () => {
    const { gc } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    await gc.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }],
    });
    const d = gc.describeGroup('g');
    assert.deepEqual(
      [d.groupState, d.protocolType, d.protocolData, d.members.length],
      ['Stable', 'consumer', 'roundrobin', 1],
    );
    assert.equal(d.members[0].memberAssignment.toString(), 'A');
    assert.equal(gc.describeGroup('nope').groupState, 'Dead');
    assert.deepEqual(gc.listGroups(), [
      { groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
    ]);
  });

  test('DeleteGroups refuses a group with members, deletes an empty one with tombstones, and reports unknown groups', async () => {
    const { gc, store } = setup();
    const a = await gc.joinGroup(joinReq(''), 1, client);
    assert.equal(await gc.deleteGroup('g'), ErrorCode.NON_EMPTY_GROUP);
    gc.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
    await gc.commitOffsets({
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
    assert.equal(await gc.deleteGroup('g'), ErrorCode.NONE);
    assert.equal(await gc.deleteGroup('g'), ErrorCode.GROUP_ID_NOT_FOUND);
    assert.deepEqual(gc.listGroups(), []);
    const tombstones = store.records.filter((r) => r.rec.value === null).map((r) => decodeKey(r.rec.key).kind);
    assert.deepEqual(tombstones.sort(), ['group', 'offset']);
  });

  test('stats count groups per state, offsets and rebalances', async () => {
    const { gc } = setup();
    await gc.joinGroup(joinReq(''), 1, client);
    await gc.commitOffsets({
      groupId: 'h',
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
    const s = gc.stats();
    assert.equal(s.numGroups, 2);
    assert.equal(s.groupsByState.CompletingRebalance, 1);
    assert.equal(s.groupsByState.Empty, 1);
    assert.equal(s.numOffsets, 1);
    assert.equal(s.rebalancesTotal, 1);
  });
});

describe('restart', () => {
  test('offsets and a Stable group are restored from the stored records, and silent members later expire', async () => {
    const first = setup();
    const a = await first.gc.joinGroup(joinReq(''), 1, client);
    await first.gc.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }],
    });
    await first.gc.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, committedMetadata: null }],
        },
      ],
    });
    await first.gc.commitOffsets({
      groupId: 'gone',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, committedMetadata: null }],
        },
      ],
    });
    await first.gc.deleteGroup('gone');
    await settle();
    first.gc.shutdown();

    const second = setup();
    const loaded = second.gc.load(first.store.records.map((r) => r.rec));
    assert.deepEqual(loaded, { applied: first.store.records.length, skipped: 0 });
    assert.equal(second.gc.committed('g', 't', 0)?.offset, 10);
    assert.equal(second.gc.committed('gone', 't', 0), undefined);
    assert.equal(second.gc.groupState('g'), 'Stable');
    assert.equal(second.gc.groupState('gone'), undefined);
    assert.equal(
      second.gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }),
      ErrorCode.NONE,
    );
    const sync = await second.gc.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      assignments: [],
    });
    assert.equal(sync.assignment.toString(), 'A');
    second.clock.advance(10_001);
    assert.equal(second.gc.groupState('g'), 'Empty');
  });
});
