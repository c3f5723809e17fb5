// test-budget: 120s
// kafkajs 2.2.4 against the reference broker: admin (create/describe topics, describe/alter
// configs, create partitions, delete topics), producers with acks 0/1/-1, gzip, headers and
// idempotence; everything produced is read back over Fetch and decoded with an independent path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, Kafka, logLevel, type ConfigResourceTypes } from 'kafkajs';
import { fetchCodec } from '../protocol/apis/01-fetch.js';
import { listOffsetsCodec } from '../protocol/apis/02-list-offsets.js';
import { decodeBatches, type DecodedRecord } from '../protocol/record-batch/index.js';
import { processFixture } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

// kafkajs' CommonJS exports do not expose this enum to ESM named imports: the topic type is 2.
const TOPIC = 2 as ConfigResourceTypes;
const fx = processFixture();
const dataDir = tempDir('broker-kafkajs');
let broker: BrokerProc;
let kafka: Kafka;

test.after(() => {
  if (process.env.BROKER_TEST_DEBUG) process.stderr.write(broker.proc.output());
});

test.before(async () => {
  broker = await startBrokerProc(fx, dataDir);
  kafka = new Kafka({
    clientId: 'broker-kafkajs-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
});

/** Every record of a partition from offset 0 to the high watermark, via raw Fetch v11. */
async function readAll(topic: string, partition: number): Promise<DecodedRecord[]> {
  const c = await RawClient.connect(broker.port);
  try {
    const out: DecodedRecord[] = [];
    let offset = 0;
    for (;;) {
      const res = await c.request(fetchCodec, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 50_000_000,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            partitions: [
              {
                partition,
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
      const p = res.topics[0].partitions[0];
      assert.equal(p.errorCode, 0, `fetch error ${p.errorCode}`);
      assert.equal(p.lastStableOffset, p.highWatermark);
      const buf = p.records as Buffer | null;
      if (!buf || buf.length === 0) return out;
      for (const b of decodeBatches(buf)) for (const r of b.records) if (r.offset >= offset) out.push(r);
      offset = out.length > 0 ? out[out.length - 1].offset + 1 : offset;
      if (offset >= p.highWatermark) return out;
    }
  } finally {
    c.close();
  }
}

test('admin creates, lists and describes topics; describe/alter configs; partitions grow; topics delete', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [
        {
          topic: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        },
      ],
      waitForLeaders: true,
    });
    assert.equal(created, true);
    assert.equal(
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] }),
      false,
      'second create reports the topic already exists',
    );
    await assert.rejects(
      admin.createTopics({
        topics: [{ topic: 'bad', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
      }),
      (e: Error & { errors?: { type?: string }[] }) => e.errors?.[0]?.type === 'INVALID_CONFIG',
    );
    assert.ok((await admin.listTopics()).includes('orders'));
    const md = await admin.fetchTopicMetadata({ topics: ['orders'] });
    assert.equal(md.topics[0].partitions.length, 3);
    for (const p of md.topics[0].partitions) {
      assert.equal(p.leader, 0);
      assert.deepEqual(p.isr, [0]);
    }

    const describe = async () => {
      const res = await admin.describeConfigs({ resources: [{ type: TOPIC, name: 'orders' }], includeSynonyms: false });
      return new Map(res.resources[0].configEntries.map((e) => [e.configName, e]));
    };
    let cfg = await describe();
    for (const name of [
      'retention.ms',
      'retention.bytes',
      'segment.bytes',
      'cleanup.policy',
      'min.insync.replicas',
      'max.message.bytes',
    ])
      assert.ok(cfg.has(name), `${name} is described`);
    assert.equal(cfg.get('retention.ms')?.configValue, '3600000');
    assert.equal(cfg.get('retention.ms')?.isDefault, false);
    assert.equal(cfg.get('segment.bytes')?.isDefault, true);

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC,
          name: 'orders',
          configEntries: [
            { name: 'retention.bytes', value: '1048576' },
            { name: 'min.insync.replicas', value: '1' },
          ],
        },
      ],
    });
    cfg = await describe();
    assert.equal(cfg.get('retention.bytes')?.configValue, '1048576');
    assert.equal(cfg.get('retention.ms')?.isDefault, true, 'AlterConfigs replaces the override set');
    await assert.rejects(
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: TOPIC, name: 'orders', configEntries: [{ name: 'cleanup.policy', value: 'shred' }] }],
      }),
    );

    await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] });
    const md2 = await admin.fetchTopicMetadata({ topics: ['orders'] });
    assert.equal(md2.topics[0].partitions.length, 5);

    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 1 }], waitForLeaders: true });
    await admin.deleteTopics({ topics: ['doomed'] });
    assert.ok(!(await admin.listTopics()).includes('doomed'));
  } finally {
    await admin.disconnect();
  }
});

test('producers with acks 0, 1 and -1, gzip and headers: every record is stored in order', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'acks', numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const sent: string[] = [];
    for (const acks of [1, -1, 0]) {
      for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
        const values = Array.from({ length: 20 }, (_, i) => `acks${acks}-c${compression}-${i}`);
        sent.push(...values);
        const res = await producer.send({
          topic: 'acks',
          acks,
          compression,
          messages: values.map((value, i) => ({ key: `k${i}`, value, headers: { trace: `t-${value}` } })),
        });
        if (acks !== 0) assert.equal(res[0].errorCode, 0);
      }
    }
    // acks=0 has no response: wait until the broker has it all.
    let got: DecodedRecord[] = [];
    for (let i = 0; i < 50 && got.length < sent.length; i++) {
      got = await readAll('acks', 0);
      if (got.length < sent.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      got.map((r) => r.value?.toString()),
      sent,
    );
    assert.deepEqual(
      got.map((r) => r.offset),
      sent.map((_, i) => i),
    );
    assert.equal(got[5].headers[0].key, 'trace');
    assert.equal(got[5].headers[0].value?.toString(), `t-${sent[5]}`);
    assert.equal(got[5].key?.toString(), 'k5');
  } finally {
    await producer.disconnect();
  }
});

test('an idempotent producer gets a producer id and its batches carry sequence numbers', async () => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < 5; i++)
      await producer.send({ topic: 'idem', acks: -1, messages: [{ value: `idem-${i}` }, { value: `idem-${i}b` }] });
  } finally {
    await producer.disconnect();
  }
  const got = await readAll('idem', 0);
  assert.equal(got.length, 10);
  const c = await RawClient.connect(broker.port);
  try {
    const res = await c.request(listOffsetsCodec, 1, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'idem', partitions: [{ partitionIndex: 0, timestamp: -1, maxNumOffsets: 1 }] }],
    });
    assert.equal(res.topics[0].partitions[0].offset, 10);
  } finally {
    c.close();
  }
});
