// SharePartitionManager on a real in-process broker: acknowledgements whose state cannot be made
// durable in `__share_group_state` are answered with a retriable REQUEST_TIMED_OUT, never NONE
// (here the state topic refuses every record: max.message.bytes is tiny).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerSection } from '../../common/config/sections/broker.js';
import { createLogger } from '../../common/logging.js';
import { ErrorCode, type ShareFetchRequest } from '../../protocol/index.js';
import { buildRecordBatch } from '../../protocol/record-batch/index.js';
import { startBroker } from '../broker.js';
import { brokerConfigFor } from '../config.js';
import { shareServicesOf } from './share-plugin.js';
import { SHARE_STATE_TOPIC } from './share-partitions.js';

const logger = createLogger({ level: 'silent' });

test('acknowledgements that cannot be persisted are answered REQUEST_TIMED_OUT', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'share-partitions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const broker = await startBroker(brokerConfigFor(brokerSection.parse({ dataDir: dir }), 0, 0, -1), logger);
  t.after(() => broker.stop());
  const s = broker.services;
  await s.controller.createTopic({ name: 'orders', numPartitions: 1, replicationFactor: 1 });
  await s.controller.createTopic({
    name: SHARE_STATE_TOPIC,
    numPartitions: 1,
    replicationFactor: 1,
    configs: { 'cleanup.policy': 'compact', 'max.message.bytes': '10' },
  });
  const topicId = s.topics.get('orders')!.topicId;
  const pm = shareServicesOf(s).partitions;
  const fetch = (epoch: number, o: Partial<ShareFetchRequest> = {}): ShareFetchRequest => ({
    groupId: 'g',
    memberId: 'm',
    shareSessionEpoch: epoch,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    maxRecords: 10,
    batchSize: 10,
    topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }],
    forgottenTopicsData: [],
    ...o,
  });
  assert.equal((await pm.shareFetch(fetch(0))).errorCode, ErrorCode.NONE);
  assert.equal(
    s.replicas.appendRecords('orders', 0, buildRecordBatch([{ value: 'a' }, { value: 'b' }]), 1).errorCode,
    0,
  );
  const got = await pm.shareFetch(fetch(1));
  assert.deepEqual(got.responses[0].partitions[0].acquiredRecords, [
    { firstOffset: 0, lastOffset: 1, deliveryCount: 1 },
  ]);

  // Piggybacked on ShareFetch.
  const piggy = await pm.shareFetch(
    fetch(2, {
      maxRecords: 0,
      topics: [
        {
          topicId,
          partitions: [
            { partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 0, lastOffset: 0, acknowledgeTypes: [1] }] },
          ],
        },
      ],
    }),
  );
  assert.equal(piggy.responses[0].partitions[0].acknowledgeErrorCode, ErrorCode.REQUEST_TIMED_OUT);
  // ShareAcknowledge.
  const ack = await pm.shareAcknowledge({
    groupId: 'g',
    memberId: 'm',
    shareSessionEpoch: 3,
    topics: [
      {
        topicId,
        partitions: [
          { partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 1, lastOffset: 1, acknowledgeTypes: [1] }] },
        ],
      },
    ],
  });
  assert.equal(ack.errorCode, ErrorCode.NONE);
  assert.equal(ack.responses[0].partitions[0].errorCode, ErrorCode.REQUEST_TIMED_OUT);
});

test('a fetch reads only the offsets it may acquire out of a large batch, and the next fetch continues', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'share-partitions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const broker = await startBroker(brokerConfigFor(brokerSection.parse({ dataDir: dir }), 0, 0, -1), logger);
  t.after(() => broker.stop());
  const s = broker.services;
  await s.controller.createTopic({ name: 'big', numPartitions: 1, replicationFactor: 1 });
  const topicId = s.topics.get('big')!.topicId;
  const pm = shareServicesOf(s).partitions;
  const req = (memberId: string, epoch: number): ShareFetchRequest => ({
    groupId: 'g',
    memberId,
    shareSessionEpoch: epoch,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    maxRecords: 5,
    batchSize: 5,
    topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }],
    forgottenTopicsData: [],
  });
  await pm.shareFetch(req('a', 0));
  const values = Array.from({ length: 20_000 }, (_, i) => ({ value: `v${i}` }));
  assert.equal(s.replicas.appendRecords('big', 0, buildRecordBatch(values), 1).errorCode, 0);
  const first = await pm.shareFetch(req('a', 1));
  assert.deepEqual(first.responses[0].partitions[0].acquiredRecords, [
    { firstOffset: 0, lastOffset: 4, deliveryCount: 1 },
  ]);
  // Opening a session fetches too: b gets the next five.
  const second = await pm.shareFetch(req('b', 0));
  assert.deepEqual(second.responses[0].partitions[0].acquiredRecords, [
    { firstOffset: 5, lastOffset: 9, deliveryCount: 1 },
  ]);
});

test('successive fetches start at a different partition of the session (no starvation under max_records)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'share-partitions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const broker = await startBroker(brokerConfigFor(brokerSection.parse({ dataDir: dir }), 0, 0, -1), logger);
  t.after(() => broker.stop());
  const s = broker.services;
  await s.controller.createTopic({ name: 'two', numPartitions: 2, replicationFactor: 1 });
  const topicId = s.topics.get('two')!.topicId;
  const pm = shareServicesOf(s).partitions;
  const req = (epoch: number): ShareFetchRequest => ({
    groupId: 'g',
    memberId: 'a',
    shareSessionEpoch: epoch,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    maxRecords: 2,
    batchSize: 2,
    topics: [
      {
        topicId,
        partitions: [
          { partitionIndex: 0, acknowledgementBatches: [] },
          { partitionIndex: 1, acknowledgementBatches: [] },
        ],
      },
    ],
    forgottenTopicsData: [],
  });
  await pm.shareFetch(req(0));
  for (const p of [0, 1])
    s.replicas.appendRecords('two', p, buildRecordBatch(Array.from({ length: 10 }, (_, i) => ({ value: `${i}` }))), 1);
  const servedBy = async (epoch: number) =>
    (await pm.shareFetch(req(epoch))).responses[0].partitions
      .filter((p) => p.acquiredRecords.length > 0)
      .map((p) => p.partitionIndex);
  const served = [await servedBy(1), await servedBy(2), await servedBy(3), await servedBy(4)];
  assert.ok(
    served.every((x) => x.length === 1),
    JSON.stringify(served),
  );
  assert.deepEqual(new Set(served.flat()), new Set([0, 1]), 'both partitions get served');
  assert.notDeepEqual(served[0], served[1]);
});
