import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConsumerAssignment } from '../../kafka-client/index.js';
import { deriveSnapshot } from '../collect/derive.js';
import { ClusterHistory } from '../collect/history.js';
import type { ClusterState, GroupState } from '../../kafka-client/index.js';
import { samplesOf } from '../snapshot/snapshot.js';
import { decodeConsumerSubscription, encodeConsumerSubscription } from '../../protocol/index.js';
import { assignedPartitions, claimedPartitions, encodeAssignment, encodeSubscription } from './consumer-protocol.js';
import { assignShards, movedPartitions, shardOf, type ShardMember } from './shard.js';

test('shardOf is stable (fixed values), in range, and spreads 5000 group ids evenly over 24 partitions', () => {
  // Fixed values: every replica and every version must agree on them (FNV-1a 32).
  assert.equal(shardOf('', 24), 0x811c9dc5 % 24);
  assert.equal(shardOf('a', 1_000_000), 0xe40c292c % 1_000_000);
  const counts = new Array<number>(24).fill(0);
  for (let i = 0; i < 5000; i++) counts[shardOf(`group-${i}`, 24)]++;
  const mean = 5000 / 24;
  for (const c of counts) assert.ok(c > mean * 0.75 && c < mean * 1.25, `uneven: ${counts.join(',')}`);
  assert.equal(shardOf('ünïcode-grüppe', 7), shardOf('ünïcode-grüppe', 7));
});

const fresh = (...ids: string[]): ShardMember[] => ids.map((memberId) => ({ memberId, owned: [], generation: -1 }));
/** The next generation's members: those of `prev` that stay claim what they got in generation `gen`; joiners claim nothing. */
const rejoin = (prev: Map<string, number[]>, gen: number, stays: (id: string) => boolean, joiners: string[] = []) => [
  ...[...prev].filter(([id]) => stays(id)).map(([memberId, owned]) => ({ memberId, owned, generation: gen })),
  ...fresh(...joiners),
];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Every partition exactly once, every member floor or ceil of partitions/members. */
function assertBalanced(a: Map<string, number[]>, partitions: number): void {
  assert.deepEqual(
    [...a.values()].flat().sort((x, y) => x - y),
    range(partitions),
  );
  const lo = Math.floor(partitions / a.size);
  for (const [id, parts] of a) assert.ok(parts.length === lo || parts.length === lo + 1, `${id} holds ${parts.length}`);
}
/** Partitions of `prev` whose holder changed in `next` (a leaver's count as moved). */
function movedBetween(prev: Map<string, number[]>, next: Map<string, number[]>): number {
  const holder = new Map<number, string>();
  for (const [id, parts] of next) for (const p of parts) holder.set(p, id);
  let n = 0;
  for (const [id, parts] of prev) for (const p of parts) if (holder.get(p) !== id) n++;
  return n;
}

test('assignShards from scratch deals every partition exactly once, evenly; more members than partitions; none', () => {
  const a = assignShards(fresh('m-c', 'm-a', 'm-b', 'm-a'), 24);
  assert.deepEqual([...a.keys()], ['m-a', 'm-b', 'm-c']);
  assertBalanced(a, 24);
  for (const parts of a.values()) assert.equal(parts.length, 8);
  // More members than partitions: some get none, none is dealt twice.
  assert.deepEqual([...assignShards(fresh('x', 'y', 'z'), 2).values()], [[0], [1], []]);
  assert.equal(assignShards([], 3).size, 0);
});

test("sticky: a third replica takes a third from the others, a leaver's share goes to the rest, nothing else moves", () => {
  const two = assignShards(fresh('a', 'b'), 24);
  const three = assignShards(
    rejoin(two, 1, () => true, ['c']),
    24,
  );
  assertBalanced(three, 24);
  assert.equal(three.get('c')!.length, 8);
  assert.equal(movedBetween(two, three), 8, "only the joiner's share moves");
  for (const id of ['a', 'b'])
    assert.ok(
      three.get(id)!.every((p) => two.get(id)!.includes(p)),
      id,
    );
  assert.equal(
    movedPartitions(
      rejoin(two, 1, () => true, ['c']),
      three,
    ),
    8,
  );

  // b dies: only its 8 move, 4 to each survivor, who keep all of theirs.
  const left = assignShards(
    rejoin(three, 2, (id) => id !== 'b'),
    24,
  );
  assertBalanced(left, 24);
  assert.equal(movedBetween(three, left), 8);
  for (const id of ['a', 'c'])
    assert.ok(
      three.get(id)!.every((p) => left.get(id)!.includes(p)),
      id,
    );
  assert.equal(
    movedPartitions(
      rejoin(three, 2, (id) => id !== 'b'),
      left,
    ),
    8,
  );

  // b restarts as a new member (a new id): it takes a third again.
  const back = assignShards(
    rejoin(left, 3, () => true, ['b2']),
    24,
  );
  assertBalanced(back, 24);
  assert.equal(movedBetween(left, back), 8);
  // Partition 0 (cluster-wide series, probe) never moved: its holder never left.
  for (const s of [two, three, left, back]) assert.ok(s.get('a')!.includes(0));
  // When its holder leaves, it goes to a survivor like any other partition.
  const noA = assignShards(
    rejoin(back, 4, (id) => id !== 'a'),
    24,
  );
  assertBalanced(noA, 24);
  assert.equal(movedBetween(back, noA), 8);
});

test('two claims on one partition: the newer generation keeps it, a tie the smaller id; order does not matter', () => {
  // b got 1 in generation 5; a still claims it from generation 4 (it missed generation 5's sync).
  const conflict: ShardMember[] = [
    { memberId: 'a', owned: [1, 2], generation: 4 },
    { memberId: 'b', owned: [0, 1], generation: 5 },
  ];
  assert.deepEqual(
    [...assignShards(conflict, 4)],
    [
      ['a', [2, 3]],
      ['b', [0, 1]],
    ],
  );
  assert.deepEqual([...assignShards([...conflict].reverse(), 4)], [...assignShards(conflict, 4)]);
  const tie = conflict.map((m) => ({ ...m, generation: 5 }));
  assert.deepEqual(
    [...assignShards(tie, 4)],
    [
      ['a', [1, 2]],
      ['b', [0, 3]],
    ],
  );
  // A claim beyond the topic's partitions is dropped.
  assert.deepEqual([...assignShards([{ memberId: 'a', owned: [30, 1], generation: 2 }], 2)], [['a', [0, 1]]]);
});

test("sticky over 2,000 random joins and leaves: balanced, a join moves only the joiner's share, a leave only the leaver's, deterministic", () => {
  let seed = 21;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const partitions of [1, 5, 7, 24, 100]) {
    let current = new Map<string, number[]>();
    let next = 0;
    for (let gen = 0; gen < 400; gen++) {
      const ids = [...current.keys()];
      const leaver =
        ids.length > 0 && (ids.length > partitions + 1 || rand() < 0.45)
          ? ids[Math.floor(rand() * ids.length)]
          : undefined;
      // Member ids as a broker hands them out: a client id and a random suffix, so any order.
      const joiner = leaver === undefined ? `exporter-${Math.floor(rand() * 1e9)}-${next++}` : undefined;
      const members = rejoin(current, gen, (id) => id !== leaver, joiner ? [joiner] : []);
      const result = assignShards(members, partitions);
      if (result.size > 0) assertBalanced(result, partitions);
      assert.deepEqual([...assignShards([...members].reverse(), partitions)], [...result]);
      for (const [id, parts] of current) {
        if (id === leaver) continue;
        const now = result.get(id)!;
        if (joiner)
          assert.ok(
            now.every((p) => parts.includes(p)),
            `${id} gained on a join`,
          );
        else
          assert.ok(
            parts.every((p) => now.includes(p)),
            `${id} lost on a leave`,
          );
      }
      // A join moves what the joiner gets (nothing was held before the first member), a leave what the leaver held.
      const expected = joiner ? (current.size > 0 ? result.get(joiner)!.length : 0) : current.get(leaver!)!.length;
      assert.equal(movedBetween(current, result), expected);
      current = result;
    }
  }
});

test('the subscription carries the partitions a replica holds and their generation; a v0 or broken one claims nothing', () => {
  const buf = encodeSubscription('_shards', [0, 3], 7);
  const s = decodeConsumerSubscription(buf);
  assert.equal(s.version, 2);
  assert.deepEqual(s.topics, ['_shards']);
  assert.deepEqual(claimedPartitions(buf, '_shards'), { owned: [0, 3], generation: 7 });
  assert.deepEqual(claimedPartitions(buf, 'other'), { owned: [], generation: 7 });
  assert.deepEqual(claimedPartitions(encodeSubscription('_shards', [], -1), '_shards'), { owned: [], generation: -1 });
  const v0 = encodeConsumerSubscription({ version: 0, topics: ['_shards'] });
  assert.deepEqual(claimedPartitions(v0, '_shards'), { owned: [], generation: -1 });
  assert.deepEqual(claimedPartitions(Buffer.from([0, 2, 0]), '_shards'), { owned: [], generation: -1 });
});

test('the assignment uses the consumer protocol: the shared decoder reads it back', () => {
  const buf = encodeAssignment('_shards', [0, 3, 5]);
  assert.deepEqual(decodeConsumerAssignment(buf), [{ topic: '_shards', partitions: [0, 3, 5] }]);
  assert.deepEqual(assignedPartitions(buf, '_shards'), [0, 3, 5]);
  assert.deepEqual(assignedPartitions(buf, 'other'), []);
});

function cluster(groups: GroupState[], committed: number): ClusterState {
  return {
    clusterId: 'c1',
    controllerId: 1,
    brokers: [{ id: 1, host: '127.0.0.1', port: 9092 }],
    topics: [
      {
        name: 'orders',
        internal: false,
        partitions: [
          {
            topic: 'orders',
            partition: 0,
            leader: 1,
            replicas: [1],
            isr: [1],
            offlineReplicas: [],
            logStartOffset: 0,
            highWatermark: 100,
          },
        ],
      },
    ],
    groups: groups.map((g) => ({ ...g, offsets: [{ topic: 'orders', partition: 0, offset: committed }] })),
    requestErrors: new Map(),
  };
}

test('a replica without partition 0 exports only its groups; a moved group gets no status until its window is full', async () => {
  const g: GroupState = {
    groupId: 'g1',
    state: 'Stable',
    protocolType: 'consumer',
    type: 'classic',
    coordinator: 0,
    assignor: 'range',
    described: true,
    members: [],
    offsets: [],
  };
  const history = new ClusterHistory(4);
  const families = (s: Awaited<ReturnType<typeof deriveSnapshot>>['snapshot']) => ({
    brokers: samplesOf(s, 'brokers').length,
    partitionLeader: samplesOf(s, 'partitionLeader').length,
    lag: samplesOf(s, 'consumerGroupLag').length,
    partitionStatus: samplesOf(s, 'consumerGroupPartitionStatus').length,
    groupStatus: samplesOf(s, 'consumerGroupStatus').length,
  });
  const seen = [];
  for (let i = 0; i < 4; i++) {
    // The commit does not move: a single exporter would call this STALL/STOP from the 2nd observation.
    const { snapshot } = await deriveSnapshot(cluster([g], 10), history, {
      cluster: 'east',
      seriesLimit: 10_000,
      aggregateLagToTopic: false,
      nowMs: 1_000_000 + i * 15_000,
      clusterWide: false,
      statusMinObservations: 4,
    });
    seen.push(families(snapshot));
  }
  for (const f of seen) {
    assert.equal(f.brokers, 0);
    assert.equal(f.partitionLeader, 0);
    assert.equal(f.lag, 1, 'the lag series is there from the first cycle');
  }
  assert.deepEqual(
    seen.map((f) => [f.partitionStatus, f.groupStatus]),
    [
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 1],
    ],
  );
  const full = await deriveSnapshot(cluster([g], 10), new ClusterHistory(), {
    cluster: 'east',
    seriesLimit: 10_000,
    aggregateLagToTopic: false,
    nowMs: 1_000_000,
  });
  assert.equal(families(full.snapshot).brokers, 1, 'default: cluster-wide series');
});

test('history: a group-partition back after a gap starts a new status window', () => {
  const h = new ClusterHistory(10, 16, 30_000);
  const e = h.groupPartition('g', 't', 0, 0);
  e.push({ offset: 1, lag: 5 });
  e.push({ offset: 1, lag: 5 });
  assert.equal(h.groupPartition('g', 't', 0, 15_000).length, 2);
  assert.equal(h.groupPartition('g', 't', 0, 100_000).length, 0);
});
