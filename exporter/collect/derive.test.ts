import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSnapshot, timestampsToRead } from './derive.js';
import { ClusterHistory } from './history.js';
import type { ClusterState, GroupState } from '../../kafka-client/index.js';
import { samplesOf, type ClusterSnapshot, type FamilyKey } from '../snapshot/snapshot.js';

function state(groups: GroupState[], opts: { leaderless?: boolean } = {}): ClusterState {
  return {
    clusterId: 'c1',
    controllerId: 1,
    brokers: [
      { id: 1, host: '127.0.0.1', port: 9092 },
      { id: 2, host: '127.0.0.1', port: 9192 },
    ],
    topics: [
      {
        name: 'orders',
        internal: false,
        minInsyncReplicas: 2,
        partitions: [
          {
            topic: 'orders',
            partition: 0,
            leader: 1,
            replicas: [1, 2],
            isr: [1, 2],
            offlineReplicas: [],
            logStartOffset: 0,
            highWatermark: 100,
          },
          {
            topic: 'orders',
            partition: 1,
            leader: opts.leaderless ? -1 : 2,
            replicas: [1, 2],
            isr: [2],
            offlineReplicas: [],
            logStartOffset: 50,
            highWatermark: 80,
          },
        ],
      },
    ],
    groups,
    requestErrors: new Map(),
  };
}

const value = (s: ClusterSnapshot, key: FamilyKey, labels: Record<string, string> = {}) =>
  samplesOf(s, key).find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

const opts = { cluster: 'east', seriesLimit: 10_000, aggregateLagToTopic: false, nowMs: 1_000_000 };

test('Lag series use the committed offsets, lift commits below log start, and count uncommitted partitions.', async () => {
  const g: GroupState = {
    groupId: 'g1',
    state: 'Empty',
    protocolType: 'consumer',
    type: 'classic',
    coordinator: 0,
    assignor: 'range',
    described: true,
    members: [],
    offsets: [{ topic: 'orders', partition: 1, offset: 10 }],
  };
  const { snapshot: s } = await deriveSnapshot(state([g]), new ClusterHistory(), opts);
  assert.equal(value(s, 'consumerGroupLag', { consumergroup: 'g1', partition: '1' }), 30);
  assert.equal(value(s, 'consumerGroupLagLostRecords', { consumergroup: 'g1', partition: '1' }), 40);
  assert.equal(value(s, 'consumerGroupCurrentOffset', { consumergroup: 'g1', partition: '1' }), 10);
  assert.equal(
    value(s, 'consumerGroupLag', { consumergroup: 'g1', partition: '0' }),
    undefined,
    'no -1 lag for a partition without a commit',
  );
  assert.equal(value(s, 'consumerGroupUncommittedPartitions', { consumergroup: 'g1', topic: 'orders' }), 1);
  assert.equal(value(s, 'consumerGroupLagSum', { consumergroup: 'g1', topic: 'orders' }), 30);
  assert.equal(
    value(s, 'consumerGroupMembers', { consumergroup: 'g1' }),
    0,
    'a group without members is still covered',
  );
  assert.equal(value(s, 'consumerGroupState', { consumergroup: 'g1', state: 'Empty' }), 1);
  assert.ok(
    [...s.families.keys()].every((k) => samplesOf(s, k).every((x) => x.labels.cluster === 'east')),
    'every series carries the cluster label',
  );
});

test('Partition health series report under-replication, under-min-ISR and offline partitions.', async () => {
  const { snapshot: s } = await deriveSnapshot(state([], { leaderless: true }), new ClusterHistory(), opts);
  assert.equal(value(s, 'partitionUnderReplicated', { partition: '1' }), 1);
  assert.equal(value(s, 'partitionUnderMinIsr', { partition: '1' }), 1);
  assert.equal(value(s, 'partitionOffline', { partition: '1' }), 1);
  assert.equal(value(s, 'offlinePartitions'), 1);
  assert.equal(value(s, 'underReplicatedPartitions'), 1);
  assert.equal(value(s, 'underMinIsrPartitions'), 1);
  assert.equal(value(s, 'partitionLeaderIsPreferred', { partition: '0' }), 1);
});

test('Aggregating lag to topic level drops per-partition group series but keeps sums.', async () => {
  const g: GroupState = {
    groupId: 'g1',
    state: 'Stable',
    protocolType: 'consumer',
    type: 'classic',
    coordinator: 0,
    assignor: 'range',
    described: true,
    members: [],
    offsets: [{ topic: 'orders', partition: 0, offset: 90 }],
  };
  const { snapshot: s } = await deriveSnapshot(state([g]), new ClusterHistory(), {
    ...opts,
    aggregateLagToTopic: true,
  });
  assert.equal(s.families.get('consumerGroupLag'), undefined);
  assert.equal(value(s, 'consumerGroupLagSum', { consumergroup: 'g1' }), 10);
});

test('The cardinality guard keeps cluster-level series and drops the most detailed ones first.', async () => {
  const g: GroupState = {
    groupId: 'g1',
    state: 'Stable',
    protocolType: 'consumer',
    type: 'classic',
    coordinator: 0,
    assignor: 'range',
    described: true,
    members: [],
    offsets: [{ topic: 'orders', partition: 0, offset: 90 }],
  };
  const { snapshot: s } = await deriveSnapshot(state([g]), new ClusterHistory(), { ...opts, seriesLimit: 10 });
  assert.equal(s.seriesCount, 10);
  assert.ok(s.droppedSeries > 0);
  assert.equal(value(s, 'offlinePartitions'), 0);
  assert.equal(s.families.get('consumerGroupLag'), undefined);
});

test('A group that stops committing while owned goes from OK to STALL after the window fills.', async () => {
  const h = new ClusterHistory(3);
  const owned = [
    { memberId: 'm', clientId: 'c', clientHost: 'h', assignments: [{ topic: 'orders', partitions: [0] }] },
  ];
  const g: GroupState = {
    groupId: 'g1',
    state: 'Stable',
    protocolType: 'consumer',
    type: 'classic',
    coordinator: 0,
    assignor: 'range',
    described: true,
    members: owned,
    offsets: [{ topic: 'orders', partition: 0, offset: 40 }],
  };
  let last = 0;
  for (let i = 0; i < 3; i++)
    last = value(
      (await deriveSnapshot(state([g]), h, { ...opts, nowMs: opts.nowMs + i * 15_000 })).snapshot,
      'consumerGroupPartitionStatus',
      { partition: '0' },
    )!;
  assert.equal(last, 5);
});

test('Record timestamps are requested only for lagging partitions whose committed offset is new.', async () => {
  const h = new ClusterHistory();
  const g: GroupState = {
    groupId: 'g1',
    state: 'Empty',
    protocolType: 'consumer',
    type: 'classic',
    coordinator: 0,
    assignor: 'range',
    described: true,
    members: [],
    offsets: [
      { topic: 'orders', partition: 0, offset: 100 },
      { topic: 'orders', partition: 1, offset: 10 },
    ],
  };
  assert.deepEqual(await timestampsToRead(state([g]), h), [
    { group: 'g1', topic: 'orders', partition: 1, offset: 50, leader: 2 },
  ]);
  h.setRecordTime('g1', 'orders', 1, 50, 999, 0);
  assert.deepEqual(await timestampsToRead(state([g]), h), []);
  const { snapshot: s } = await deriveSnapshot(state([g]), h, opts);
  assert.equal(value(s, 'consumerGroupLagSeconds', { partition: '1' }), (1_000_000 - 999) / 1000);
});

test('Every group type gets kafka_consumergroup_info; consumer groups get members and lag, share groups neither', async () => {
  const consumer: GroupState = {
    groupId: 'kip848',
    state: 'Reconciling',
    protocolType: 'consumer',
    type: 'consumer',
    coordinator: 2,
    assignor: 'uniform',
    groupEpoch: 7,
    assignmentEpoch: 7,
    described: true,
    members: [
      {
        memberId: 'm1',
        clientId: 'c1',
        clientHost: '/127.0.0.1',
        memberEpoch: 6,
        assignments: [{ topic: 'orders', partitions: [0, 1] }],
        targetAssignments: [{ topic: 'orders', partitions: [0] }],
      },
      {
        memberId: 'm2',
        clientId: 'c2',
        clientHost: '/127.0.0.1',
        memberEpoch: 7,
        assignments: [],
        targetAssignments: [{ topic: 'orders', partitions: [1] }],
      },
    ],
    offsets: [{ topic: 'orders', partition: 1, offset: 75 }],
  };
  const share: GroupState = {
    groupId: 'queue',
    state: 'Stable',
    protocolType: 'share',
    type: 'share',
    coordinator: 1,
    assignor: '',
    described: false,
    members: [],
    offsets: [],
  };
  const { snapshot: s, groups } = await deriveSnapshot(state([consumer, share]), new ClusterHistory(), opts);
  const info = samplesOf(s, 'consumerGroupInfo').map((x) => x.labels);
  assert.deepEqual(
    info.map(({ consumergroup, type, state: st, assignor, coordinator }) => ({
      consumergroup,
      type,
      state: st,
      assignor,
      coordinator,
    })),
    [
      { consumergroup: 'kip848', type: 'consumer', state: 'Reconciling', assignor: 'uniform', coordinator: '2' },
      { consumergroup: 'queue', type: 'share', state: 'Stable', assignor: '', coordinator: '1' },
    ],
  );
  assert.equal(value(s, 'consumerGroupMembers', { consumergroup: 'kip848' }), 2);
  assert.equal(value(s, 'consumerGroupLag', { consumergroup: 'kip848', partition: '1' }), 5);
  assert.equal(value(s, 'consumerGroupState', { consumergroup: 'queue', state: 'Stable' }), 1);
  assert.equal(value(s, 'consumerGroupMembers', { consumergroup: 'queue' }), undefined, 'unknown, not 0');
  assert.equal(value(s, 'consumerGroupStatus', { consumergroup: 'queue' }), undefined);
  assert.ok(groups.has('kip848') && !groups.has('queue'));
});

test('LSO series per partition, and read_committed groups lag to the LSO while other groups lag to the high watermark.', async () => {
  const st = state(
    ['g-rc', 'g-ru'].map((groupId): GroupState => ({
      groupId,
      state: 'Empty',
      protocolType: 'consumer',
      type: 'classic',
      coordinator: 1,
      assignor: 'range',
      described: true,
      members: [],
      offsets: [
        { topic: 'orders', partition: 0, offset: 85 },
        { topic: 'orders', partition: 1, offset: 60 },
      ],
    })),
  );
  const [p0, p1] = st.topics[0].partitions as readonly { lastStableOffset?: number }[];
  p0.lastStableOffset = 90; // an open transaction from offset 90; high watermark 100
  p1.lastStableOffset = 83; // read after the high watermark (80): records came in between
  const { snapshot: s } = await deriveSnapshot(st, new ClusterHistory(), {
    ...opts,
    readCommitted: (g) => g === 'g-rc',
  });
  assert.equal(value(s, 'partitionLastStableOffset', { partition: '0' }), 90);
  assert.equal(value(s, 'partitionLsoLag', { partition: '0' }), 10);
  assert.equal(value(s, 'partitionLastStableOffset', { partition: '1' }), 80, 'never above the high watermark');
  assert.equal(value(s, 'partitionLsoLag', { partition: '1' }), 0);
  assert.equal(value(s, 'consumerGroupLag', { consumergroup: 'g-rc', partition: '0' }), 5, 'to the LSO');
  assert.equal(value(s, 'consumerGroupLag', { consumergroup: 'g-ru', partition: '0' }), 15, 'to the high watermark');
  assert.equal(value(s, 'consumerGroupLag', { consumergroup: 'g-rc', partition: '1' }), 20);
  assert.equal(value(s, 'consumerGroupLagSum', { consumergroup: 'g-rc', topic: 'orders' }), 25);

  // Caught up to the LSO: no lag and no record to read for lag seconds, though records follow it.
  const caughtUp = state([
    {
      groupId: 'g-rc',
      state: 'Empty',
      protocolType: 'consumer',
      type: 'classic',
      coordinator: 1,
      assignor: 'range',
      described: true,
      members: [],
      offsets: [{ topic: 'orders', partition: 0, offset: 90 }],
    },
  ]);
  (caughtUp.topics[0].partitions[0] as { lastStableOffset?: number }).lastStableOffset = 90;
  const rc = (g: string) => g === 'g-rc';
  assert.deepEqual(await timestampsToRead(caughtUp, new ClusterHistory(), rc), []);
  assert.equal((await timestampsToRead(caughtUp, new ClusterHistory())).length, 1, 'to the high watermark it lags');
  const { snapshot: c } = await deriveSnapshot(caughtUp, new ClusterHistory(), { ...opts, readCommitted: rc });
  assert.equal(value(c, 'consumerGroupLag', { consumergroup: 'g-rc', partition: '0' }), 0);
  assert.equal(value(c, 'consumerGroupLagSeconds', { consumergroup: 'g-rc', partition: '0' }), 0);

  // No LSO read (a broker without ListOffsets v2): no LSO series, and the high watermark as the end.
  const { snapshot: none } = await deriveSnapshot(state([]), new ClusterHistory(), opts);
  assert.equal(value(none, 'partitionLastStableOffset', { partition: '0' }), undefined);
  assert.equal(value(none, 'partitionLsoLag', { partition: '0' }), undefined);
});
