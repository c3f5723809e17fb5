// test-budget: 120s
// Storage end to end through the broker: retention by size with small segments advances the log
// start offset (ListOffsets earliest) as the maintenance timer runs; compaction keeps the latest
// value per key; a full log directory (the
// simulated capacity) answers produce with KAFKA_STORAGE_ERROR, raises the offline-log-dir metric
// without crashing, and comes back online once retention frees space.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { produceCodec } from '../protocol/apis/00-produce.js';
import { fetchCodec } from '../protocol/apis/01-fetch.js';
import { listOffsetsCodec } from '../protocol/apis/02-list-offsets.js';
import { createTopicsCodec } from '../protocol/apis/19-create-topics.js';
import { alterConfigsCodec } from '../protocol/apis/33-alter-configs.js';
import { buildRecordBatch, decodeBatches } from '../protocol/record-batch/index.js';
import { processFixture, waitFor } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-storage');
let broker: BrokerProc;
let c: RawClient;

test.before(async () => {
  const cfg = join(dir, 'kafka-sre.yaml');
  writeFileSync(cfg, 'broker:\n  logDirCapacityBytes: 400000\n  logRetentionCheckIntervalMs: 1000\n');
  broker = await startBrokerProc(fx, join(dir, 'data'), undefined, ['--config', cfg]);
  c = await RawClient.connect(broker.port);
});
test.after(() => c?.close());

const produce = (topic: string, kb: number) =>
  c.request(produceCodec, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topics: [
      {
        name: topic,
        partitions: [
          {
            index: 0,
            records: buildRecordBatch(Array.from({ length: kb }, (_, i) => ({ value: `${i}`.padEnd(1000, '.') }))),
          },
        ],
      },
    ],
  });
const earliest = async (topic: string) =>
  (
    await c.request(listOffsetsCodec, 1, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2, maxNumOffsets: 1 }] }],
    })
  ).topics[0].partitions[0].offset;
const metric = async (name: string) => {
  const text = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.split(' ').pop()) : NaN;
};

test('retention.bytes with small segments deletes old segments and moves the log start offset', async () => {
  const res = await c.request(createTopicsCodec, 3, {
    topics: [
      {
        name: 'retained',
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [
          { name: 'segment.bytes', value: '20000' },
          { name: 'retention.bytes', value: '40000' },
        ],
      },
    ],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, 0);
  for (let i = 0; i < 10; i++) assert.equal((await produce('retained', 10)).topics[0].partitions[0].errorCode, 0);
  await waitFor('log start offset to move', async () => (await earliest('retained')) > 0, 10_000, 100);
  assert.ok((await metric('kafka_log_log_numlogsegments{topic="retained",partition="0"}')) <= 4);
});

test('cleanup.policy=compact keeps the latest value per key and honours tombstones', async () => {
  const res = await c.request(createTopicsCodec, 3, {
    topics: [
      {
        name: 'compacted',
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.bytes', value: '2000' },
          { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          { name: 'delete.retention.ms', value: '0' },
        ],
      },
    ],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, 0);
  for (let round = 0; round < 10; round++) {
    const records = Array.from({ length: 5 }, (_, k) => ({
      key: `key-${k}`,
      value: k === 4 && round === 9 ? null : `r${round}-${'.'.repeat(80)}`,
    }));
    const p = await c.request(produceCodec, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topics: [{ name: 'compacted', partitions: [{ index: 0, records: buildRecordBatch(records) }] }],
    });
    assert.equal(p.topics[0].partitions[0].errorCode, 0);
  }
  // One more batch so the last real one leaves the active segment.
  await c.request(produceCodec, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topics: [
      {
        name: 'compacted',
        partitions: [{ index: 0, records: buildRecordBatch([{ key: 'other', value: '.'.repeat(3000) }]) }],
      },
    ],
  });
  // Reads the whole partition up to the high watermark: one fetch may stop at a segment end, and
  // compaction rewrites segments one at a time, so a single fetch can show a partial state.
  const fetchFrom = async (offset: number) => {
    const f = await c.request(fetchCodec, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 10_000_000,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'compacted',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: offset,
              logStartOffset: -1,
              partitionMaxBytes: 10_000_000,
            },
          ],
        },
      ],
      forgottenTopics: [],
      rackId: '',
    });
    const part = f.topics[0].partitions[0];
    return { batches: decodeBatches(part.records as Buffer), highWatermark: part.highWatermark };
  };
  const readAll = async () => {
    const out: ReturnType<typeof decodeBatches>[number]['records'] = [];
    let next = await earliest('compacted');
    for (;;) {
      const { batches, highWatermark } = await fetchFrom(next);
      for (const b of batches) out.push(...b.records);
      const last = batches.at(-1);
      if (!last) break;
      next = last.header.baseOffset + last.header.lastOffsetDelta + 1;
      if (next >= highWatermark) break;
    }
    return out;
  };
  // Compacted: key-0 once, and it is the latest round's value.
  await waitFor(
    'compaction',
    async () => {
      const key0 = (await readAll()).filter((r) => r.key?.toString() === 'key-0');
      return key0.length === 1 && key0[0].value?.toString().startsWith('r9-') === true;
    },
    15_000,
    200,
  );
  const recs = await readAll();
  const latest = new Map(recs.map((r) => [r.key?.toString(), r.value?.toString() ?? null]));
  for (let k = 0; k < 4; k++) assert.equal(latest.get(`key-${k}`)?.slice(0, 3), 'r9-');
  assert.ok(
    !recs.some((r) => r.key?.toString() === 'key-4' && r.value !== null && r.value.toString().startsWith('r8')),
    'older values of a deleted key are gone',
  );
});

test('a full log directory fails produce with KAFKA_STORAGE_ERROR, shows in metrics, and recovers after retention', async () => {
  const res = await c.request(createTopicsCodec, 3, {
    topics: [
      {
        name: 'filler',
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [{ name: 'segment.bytes', value: '50000' }],
      },
    ],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, 0);
  let code = 0;
  for (let i = 0; i < 100 && code === 0; i++) code = (await produce('filler', 20)).topics[0].partitions[0].errorCode;
  assert.equal(code, 56, 'KAFKA_STORAGE_ERROR');
  assert.equal(await metric('kafka_log_logmanager_offlinelogdirectorycount'), 1);
  assert.match(broker.proc.output(), /log directory offline/);
  // Free space: shrink the filler's retention; maintenance deletes segments and brings the dir back.
  const alter = await c.request(alterConfigsCodec, 0, {
    resources: [
      {
        resourceType: 2,
        resourceName: 'filler',
        configs: [
          { name: 'segment.bytes', value: '50000' },
          { name: 'retention.bytes', value: '50000' },
        ],
      },
    ],
    validateOnly: false,
  });
  assert.equal(alter.responses[0].errorCode, 0);
  await waitFor(
    'log dir back online',
    async () => (await metric('kafka_log_logmanager_offlinelogdirectorycount')) === 0,
    10_000,
    100,
  );
  assert.equal((await produce('retained', 1)).topics[0].partitions[0].errorCode, 0);
  assert.equal(broker.proc.child.exitCode, null);
});
