import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotBuilder, samplesOf } from '../snapshot/snapshot.js';
import {
  AbortTransitions,
  addTransactionSeries,
  startKey,
  transactionView,
  type DescribedTransaction,
  type PartitionProducers,
  type TransactionsRead,
} from './transactions.js';

const NOW = 10_000_000;
const opts = { hangingMarginMs: 60_000, maxTransactionalIds: 100 };

const described = (
  transactionalId: string,
  producerId: number,
  startedAgoMs: number,
  topics: DescribedTransaction['topics'],
  transactionTimeoutMs = 60_000,
): DescribedTransaction => ({
  transactionalId,
  errorCode: 0,
  transactionState: 'Ongoing',
  transactionTimeoutMs,
  transactionStartTimeMs: NOW - startedAgoMs,
  producerId,
  producerEpoch: 0,
  topics,
});

const onPartition = (
  partition: number,
  producers: [producerId: number, firstOffset: number][],
): PartitionProducers => ({
  topic: 'payments',
  partition,
  errorCode: 0,
  producers: producers.map(([producerId, first]) => ({
    producerId,
    producerEpoch: 0,
    lastSequence: 4,
    lastTimestamp: NOW - 1000,
    coordinatorEpoch: 0,
    currentTxnStartOffset: first,
  })),
});

test('Open age and hanging per transactional id: past its own timeout plus the margin; idle ids have a state only.', () => {
  const read: TransactionsRead = {
    listed: [
      { transactionalId: 'fresh', producerId: 1, transactionState: 'Ongoing' },
      { transactionalId: 'stuck', producerId: 2, transactionState: 'PrepareAbort' },
      { transactionalId: 'idle', producerId: 3, transactionState: 'CompleteCommit' },
    ],
    listComplete: true,
    described: [
      described('fresh', 1, 30_000, [{ topic: 'payments', partitions: [0] }]),
      { ...described('stuck', 2, 200_000, [{ topic: 'payments', partitions: [1] }]), transactionState: 'PrepareAbort' },
    ],
    producers: [],
    startTimes: new Map(),
  };
  const v = transactionView(read, opts, NOW);
  assert.deepEqual(v.ids, [
    { transactionalId: 'fresh', state: 'Ongoing', openAgeSeconds: 30, hanging: false },
    { transactionalId: 'stuck', state: 'PrepareAbort', openAgeSeconds: 200, hanging: true },
    { transactionalId: 'idle', state: 'CompleteCommit' },
  ]);
  // 121 s > 60 s timeout + 60 s margin; 119 s is not.
  const edge = (ago: number) =>
    transactionView({ ...read, described: [described('fresh', 1, ago, [])] }, opts, NOW).ids[0].hanging;
  assert.equal(edge(121_000), true);
  assert.equal(edge(119_000), false);
  const capped = transactionView(read, { ...opts, maxTransactionalIds: 2 }, NOW);
  assert.deepEqual(
    capped.ids.map((i) => i.transactionalId),
    ['fresh', 'stuck'],
    'open ids are kept first',
  );
  assert.equal(capped.droppedIds, 1);
});

test('Per partition: the oldest open transaction, and partition-only hanging transactions judged by how long the exporter has seen them open.', () => {
  const read: TransactionsRead = {
    listed: [{ transactionalId: 'fresh', producerId: 1, transactionState: 'Ongoing' }],
    listComplete: true,
    described: [described('fresh', 1, 30_000, [{ topic: 'payments', partitions: [0] }])],
    producers: [
      onPartition(0, [[1, 40]]), // the coordinator's open transaction: not hanging
      onPartition(1, [[9, 7]]), // producer 9: no coordinator lists it
      onPartition(2, [[1, 12]]), // producer 1, but its transaction did not add partition 2
      onPartition(3, [[9, -1]]), // no open transaction
    ],
    startTimes: new Map([
      [startKey('payments', 0, 40), NOW - 30_000],
      [startKey('payments', 1, 7), NOW - 90_000],
      [startKey('payments', 2, 12), NOW - 45_000],
    ]),
    firstSeen: new Map([
      [startKey('payments', 1, 7), NOW - 90_000],
      [startKey('payments', 2, 12), NOW - 45_000],
    ]),
  };
  const v = transactionView(read, opts, NOW);
  assert.deepEqual(v.partitions, [
    { topic: 'payments', partition: 0, oldestOpenAgeSeconds: 30, hanging: 0 },
    { topic: 'payments', partition: 1, oldestOpenAgeSeconds: 90, hanging: 1 },
    { topic: 'payments', partition: 2, oldestOpenAgeSeconds: 45, hanging: 0 },
  ]);
  // Past the margin, the one on partition 2 hangs too; without every broker's listing none is judged.
  assert.equal(transactionView(read, opts, NOW + 20_000).partitions[2].hanging, 1);
  assert.deepEqual(
    transactionView({ ...read, listComplete: false }, opts, NOW + 20_000).partitions.map((p) => p.hanging),
    [0, 0, 0],
  );
  // Record timestamps are the producer's (CreateTime, often copied from input records): an old one
  // shows in the age but does not make a transaction the exporter has just seen open hang.
  const justSeen = transactionView({ ...read, firstSeen: new Map() }, opts, NOW);
  assert.deepEqual(
    justSeen.partitions.map((p) => [p.oldestOpenAgeSeconds, p.hanging]),
    [
      [30, 0],
      [90, 0],
      [45, 0],
    ],
  );
  // No record read at the first offset and first seen now: the producer's last write bounds the age from below.
  const noTimes = transactionView({ ...read, startTimes: new Map(), firstSeen: new Map() }, opts, NOW);
  assert.equal(noTimes.partitions[1].oldestOpenAgeSeconds, 1);
});

test('Aborts are counted on the transition into PrepareAbort or CompleteAbort, not on the first read or while aborted.', () => {
  const a = new AbortTransitions();
  const l = (state: string) => [{ transactionalId: 't1', producerId: 1, transactionState: state }];
  assert.deepEqual(a.observe(l('PrepareAbort')), [], 'first read: unknown before');
  assert.deepEqual(a.observe(l('CompleteAbort')), [], 'the same abort');
  assert.deepEqual(a.observe(l('Ongoing')), []);
  assert.deepEqual(a.observe(l('CompleteAbort')), ['t1']);
  assert.deepEqual(a.observe(l('CompleteCommit')), []);
});

test('The series carry the catalog labels.', () => {
  const b = new SnapshotBuilder('east', 1000);
  addTransactionSeries(b, {
    ids: [{ transactionalId: 'stuck', state: 'Ongoing', openAgeSeconds: 200, hanging: true }],
    droppedIds: 0,
    partitions: [{ topic: 'payments', partition: 1, oldestOpenAgeSeconds: 90, hanging: 1 }],
  });
  const s = b.build(NOW);
  assert.deepEqual(samplesOf(s, 'transactionState'), [
    { labels: { cluster: 'east', transactional_id: 'stuck', state: 'Ongoing' }, value: 1 },
  ]);
  assert.equal(samplesOf(s, 'transactionHanging')[0].value, 1);
  assert.equal(samplesOf(s, 'transactionOpenAge')[0].value, 200);
  assert.deepEqual(samplesOf(s, 'partitionHangingTransactions'), [
    { labels: { cluster: 'east', topic: 'payments', partition: '1' }, value: 1 },
  ]);
  assert.equal(samplesOf(s, 'partitionOpenTransactionAge')[0].value, 90);
});
