import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConsumerAssignment } from '../../kafka-client/index.js';
import { deriveSnapshot } from '../collect/derive.js';
import { ClusterHistory } from '../collect/history.js';
import type { ClusterState, GroupState } from '../../kafka-client/index.js';
import { samplesOf } from '../snapshot/snapshot.js';
import { assignedPartitions, encodeAssignment } from './consumer-protocol.js';
import { assignShards, shardOf } from './shard.js';

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

test('assignShards deals every partition exactly once, evenly, partition 0 to the first member by id', () => {
  const a = assignShards(['m-c', 'm-a', 'm-b', 'm-a'], 24);
  assert.deepEqual([...a.keys()], ['m-a', 'm-b', 'm-c']);
  const all = [...a.values()].flat().sort((x, y) => x - y);
  assert.deepEqual(
    all,
    Array.from({ length: 24 }, (_, i) => i),
  );
  for (const parts of a.values()) assert.equal(parts.length, 8);
  assert.ok(a.get('m-a')!.includes(0));
  // More members than partitions: some get none, none is dealt twice.
  const b = assignShards(['x', 'y', 'z'], 2);
  assert.deepEqual([...b.values()], [[0], [1], []]);
  assert.equal(assignShards([], 3).size, 0);
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
