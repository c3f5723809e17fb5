// Gap 1 of the fleet: a replica whose cycle fails after a rebalance must not keep serving the
// groups of its old share (restrict.ts, MetricsHub.replaceStale, ClusterCollector.dropMovedGroups).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterState, GroupState } from '../../kafka-client/index.js';
import { deriveSnapshot } from '../collect/derive.js';
import { ClusterHistory } from '../collect/history.js';
import { MetricsHub } from '../metrics/exposition.js';
import { restrictSnapshot } from '../snapshot/restrict.js';
import { samplesOf } from '../snapshot/snapshot.js';

const group = (groupId: string): GroupState => ({
  groupId,
  state: 'Empty',
  protocolType: 'consumer',
  type: 'classic',
  coordinator: 0,
  assignor: '',
  described: true,
  members: [],
  offsets: [{ topic: 'orders', partition: 0, offset: 40 }],
});

const state = (groups: GroupState[]): ClusterState => ({
  clusterId: 'c1',
  controllerId: 0,
  brokers: [{ id: 0, host: '127.0.0.1', port: 9092 }],
  topics: [
    {
      name: 'orders',
      internal: false,
      partitions: [
        {
          topic: 'orders',
          partition: 0,
          leader: 0,
          replicas: [0],
          isr: [0],
          offlineReplicas: [],
          logStartOffset: 0,
          highWatermark: 100,
        },
      ],
    },
  ],
  groups,
  requestErrors: new Map(),
});

const groupsIn = (s: Parameters<typeof samplesOf>[0]) =>
  samplesOf(s, 'consumerGroupLag')
    .map((x) => x.labels.consumergroup)
    .sort();

test('restrictSnapshot keeps only owned groups, and cluster-wide series only with partition 0', async () => {
  const { snapshot } = await deriveSnapshot(state(['g-a', 'g-b', 'g "q"'].map(group)), new ClusterHistory(), {
    cluster: 'east',
    seriesLimit: 10_000,
    aggregateLagToTopic: false,
    nowMs: 1_000_000,
  });
  assert.deepEqual(groupsIn(snapshot), ['g "q"', 'g-a', 'g-b']);
  assert.equal(samplesOf(snapshot, 'brokers').length, 1);

  // Same share: nothing to cut, the very same snapshot (its pooled buffers stay in use).
  assert.equal(
    restrictSnapshot(snapshot, () => true, true),
    snapshot,
  );

  // Lost g-b but kept partition 0: broker/topic series stay, g-b's series go (every family).
  const kept = restrictSnapshot(snapshot, (g) => g !== 'g-b', true);
  assert.deepEqual(groupsIn(kept), ['g "q"', 'g-a']);
  assert.equal(samplesOf(kept, 'brokers').length, 1);
  assert.equal(samplesOf(kept, 'partitionLeader').length, 1);
  for (const key of [
    'consumerGroupState',
    'consumerGroupMembers',
    'consumerGroupLagSum',
    'consumerGroupLagSeconds',
  ] as const)
    assert.ok(
      samplesOf(kept, key).every((x) => x.labels.consumergroup !== 'g-b'),
      key,
    );
  assert.ok(kept.seriesCount < snapshot.seriesCount);
  const lines = [...kept.families.keys()].reduce((n, key) => n + samplesOf(kept, key).length, 0);
  assert.equal(kept.seriesCount, lines);

  // Lost partition 0 too (and the escaped group id still parses back to its owner).
  const moved = restrictSnapshot(snapshot, (g) => g === 'g "q"', false);
  assert.deepEqual(groupsIn(moved), ['g "q"']);
  assert.equal(samplesOf(moved, 'brokers').length, 0);
  assert.equal(samplesOf(moved, 'partitionLeader').length, 0);
  assert.equal(samplesOf(moved, 'offlinePartitions').length, 0);

  // No share at all: nothing left.
  assert.equal(restrictSnapshot(snapshot, () => false, false).seriesCount, 0);
});

test('MetricsHub.replaceStale serves the cut snapshot and leaves it marked stale', async () => {
  const hub = new MetricsHub(['east']);
  const { snapshot } = await deriveSnapshot(state(['g-a', 'g-b'].map(group)), new ClusterHistory(), {
    cluster: 'east',
    seriesLimit: 10_000,
    aggregateLagToTopic: false,
    nowMs: 1_000_000,
  });
  await hub.publish(snapshot, 0.1);
  hub.markFailed('east', 0.2);
  await hub.replaceStale(restrictSnapshot(snapshot, (g) => g === 'g-a', false));
  const text = (await hub.render()).toString();
  assert.match(text, /kafka_consumergroup_lag\{cluster="east",consumergroup="g-a"/);
  assert.doesNotMatch(text, /consumergroup="g-b"/);
  assert.doesNotMatch(text, /^kafka_brokers\{/m);
  assert.match(text, /kafka_sre_exporter_up\{cluster="east"\} 0/);
  assert.match(text, /kafka_sre_exporter_snapshot_stale\{cluster="east"\} 1/);
});
