import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterState, ShareGroupPartitionOffset } from '../../kafka-client/index.js';
import { samplesOf } from '../snapshot/snapshot.js';
import { deriveSnapshot } from './derive.js';
import { ClusterHistory } from './history.js';
import { shareGroupLag } from '../lag/share-lag.js';

const ends: Record<string, Record<number, number>> = { q: { 0: 100, 1: 40, 2: 7 } };
const endOffset = (t: string, p: number) => ends[t]?.[p];
const off = (topic: string, partition: number, rest: Partial<ShareGroupPartitionOffset> = {}) => ({
  topic,
  partition,
  leaderEpoch: 0,
  ...rest,
});

test('share lag is end offset - start offset, lowered to the broker lag, never negative', () => {
  const r = shareGroupLag(
    'g',
    [
      off('q', 0, { startOffset: 60 }), // v0: no broker lag -> 100 - 60
      off('q', 1, { startOffset: 10, lag: 20 }), // records acknowledged past the SPSO: broker's 20 < 30
      off('q', 2, { startOffset: 9, lag: 0 }), // SPSO read after the end offset moved: 0, not -2
    ],
    endOffset,
  );
  assert.deepEqual(r.partitions, [
    { topic: 'q', partition: 0, lag: 40 },
    { topic: 'q', partition: 1, lag: 20 },
    { topic: 'q', partition: 2, lag: 0 },
  ]);
  assert.deepEqual(r.topics, [{ topic: 'q', lagSum: 60 }]);
  assert.deepEqual(r.skipped, []);
});

test('a broker lag above end - start (its later high watermark) is capped to this cycle end offset', () => {
  const r = shareGroupLag('g', [off('q', 0, { startOffset: 90, lag: 25 })], endOffset);
  assert.deepEqual(r.partitions, [{ topic: 'q', partition: 0, lag: 10 }]);
});

test('partition errors, missing start offsets and missing end offsets give no series and no sum share', () => {
  const r = shareGroupLag(
    'g',
    [
      off('q', 0, { startOffset: 95, lag: 5 }),
      off('q', 1, { error: 'NOT_LEADER_OR_FOLLOWER', startOffset: 0 }),
      off('q', 2), // never fetched by the group: no share-partition state
      off('q', 3, { startOffset: 0 }), // partition not in this cycle's metadata
      off('gone', 0, { startOffset: 0, lag: 3 }), // topic filtered out or deleted
    ],
    endOffset,
  );
  assert.deepEqual(r.partitions, [{ topic: 'q', partition: 0, lag: 5 }]);
  assert.deepEqual(r.topics, [{ topic: 'q', lagSum: 5 }]);
  assert.deepEqual(r.skipped, [
    { topic: 'q', partition: 1, reason: 'error' },
    { topic: 'q', partition: 2, reason: 'no-start-offset' },
    { topic: 'q', partition: 3, reason: 'no-end-offset' },
    { topic: 'gone', partition: 0, reason: 'no-end-offset' },
  ]);
  assert.deepEqual(shareGroupLag('g', [off('q', 1, { error: 'UNKNOWN_SERVER_ERROR' })], endOffset).topics, []);
});

function clusterState(highWatermarks: (number | undefined)[]): ClusterState {
  return {
    clusterId: 'c1',
    controllerId: 1,
    brokers: [{ id: 1, host: '127.0.0.1', port: 9092 }],
    topics: [
      {
        name: 'jobs',
        internal: false,
        partitions: highWatermarks.map((hw, partition) => ({
          topic: 'jobs',
          partition,
          leader: 1,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
          ...(hw === undefined ? {} : { logStartOffset: 0, highWatermark: hw }),
        })),
      },
    ],
    groups: [],
    requestErrors: new Map(),
  };
}

test('snapshot: kafka_sharegroup_lag per partition and _sum per topic, aggregateLagToTopic keeps only the sum', async () => {
  const shareGroups = [
    {
      groupId: 'workers',
      partitions: [
        off('jobs', 0, { startOffset: 3, lag: 7 }),
        off('jobs', 1, { startOffset: 50, lag: 0 }),
        off('jobs', 2, { startOffset: 0 }), // its ListOffsets failed this cycle
      ],
    },
  ];
  const derive = (aggregateLagToTopic: boolean) =>
    deriveSnapshot(clusterState([10, 50, undefined]), new ClusterHistory(10), {
      cluster: 'c',
      seriesLimit: 1000,
      aggregateLagToTopic,
      nowMs: 1_000_000,
      shareGroups,
    });
  const { snapshot } = await derive(false);
  assert.deepEqual(samplesOf(snapshot, 'shareGroupLag'), [
    { labels: { cluster: 'c', sharegroup: 'workers', topic: 'jobs', partition: '0' }, value: 7 },
    { labels: { cluster: 'c', sharegroup: 'workers', topic: 'jobs', partition: '1' }, value: 0 },
  ]);
  assert.deepEqual(samplesOf(snapshot, 'shareGroupLagSum'), [
    { labels: { cluster: 'c', sharegroup: 'workers', topic: 'jobs' }, value: 7 },
  ]);
  const aggregated = (await derive(true)).snapshot;
  assert.deepEqual(samplesOf(aggregated, 'shareGroupLag'), []);
  assert.equal(samplesOf(aggregated, 'shareGroupLagSum').length, 1);
});

test('snapshot: the series limit drops per-partition share lag before the sums', async () => {
  const st = clusterState([10, 10]);
  const shareGroups = [
    { groupId: 'w', partitions: [off('jobs', 0, { startOffset: 1 }), off('jobs', 1, { startOffset: 2 })] },
  ];
  const full = await deriveSnapshot(st, new ClusterHistory(10), {
    cluster: 'c',
    seriesLimit: 100_000,
    aggregateLagToTopic: false,
    nowMs: 1,
    shareGroups,
  });
  // Room for everything but the two per-partition share series.
  const limited = await deriveSnapshot(st, new ClusterHistory(10), {
    cluster: 'c',
    seriesLimit: full.snapshot.seriesCount - 2,
    aggregateLagToTopic: false,
    nowMs: 1,
    shareGroups,
  });
  assert.equal(limited.snapshot.droppedSeries, 2);
  assert.deepEqual(samplesOf(limited.snapshot, 'shareGroupLag'), []);
  assert.deepEqual(
    samplesOf(limited.snapshot, 'shareGroupLagSum').map((s) => s.value),
    [17],
  );
});
