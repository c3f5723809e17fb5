// test-budget: 120s
// Exporter against the real reference broker with real clients (kafkajs, kcat): exact offset lag,
// groups without members, commits below the log start, uncommitted partitions, lag seconds, and
// the last stable offset of a partition held by an open kafkajs transaction (read_committed lag).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { freePort } from './support/ports.js';
import { processFixture, runCommand } from './support/processes.js';
import { scrape, scrapeUntil, valueOf } from './exporter-helpers.js';

const fx = processFixture();
let brokerPort = 0;
let bootstrap = '';
let exporterUrl = '';
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

async function produce(topic: string, partition: number, count: number, timestamp?: number): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({
      partition,
      value: `v${i}`,
      timestamp: timestamp === undefined ? undefined : String(timestamp),
    })),
  });
}

before(async () => {
  brokerPort = await freePort();
  const metricsPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'kafka-sre-exp-'));
  await fx.startCli(
    [
      'broker',
      '--brokers',
      '1',
      '--data-dir',
      dataDir,
      '--port',
      String(brokerPort),
      '--metrics-port',
      String(metricsPort),
    ],
    {
      readyPort: brokerPort,
      readyTimeoutMs: 30_000,
      // Check retention twice a second (log.retention.check.interval.ms) so the retention test is quick.
      env: { ...process.env, KAFKA_SRE_BROKER_LOG_RETENTION_CHECK_INTERVAL_MS: '500' },
    },
  );
  bootstrap = `127.0.0.1:${brokerPort}`;
  kafka = new Kafka({ clientId: 'exporter-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'lag-t', numPartitions: 3 },
      { topic: 'kcat-t', numPartitions: 1 },
      { topic: 'idle-t', numPartitions: 1 },
      { topic: 'busy-t', numPartitions: 1 },
    ],
  });
  await produce('lag-t', 0, 10);
  await produce('lag-t', 1, 20);
  await produce('lag-t', 2, 5);
  await produce('kcat-t', 0, 10);
  await produce('idle-t', 0, 3);
  const port = await freePort();
  await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      bootstrap,
      '--cluster-name',
      'local',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--no-probe',
      '--read-committed-group',
      'g-rc-.*',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 30_000 },
  );
  exporterUrl = `http://127.0.0.1:${port}`;
});

test('A kafkajs group at known committed positions has exact lag, no lag series for its uncommitted partition, and no members.', async () => {
  await admin.setOffsets({
    groupId: 'g-kjs',
    topic: 'lag-t',
    partitions: [
      { partition: 0, offset: '4' },
      { partition: 1, offset: '15' },
    ],
  });
  const g = { cluster: 'local', consumergroup: 'g-kjs', topic: 'lag-t' };
  // kafkajs's setOffsets joins the group briefly to commit; wait until it has left again.
  const s = await scrapeUntil(
    exporterUrl,
    'g-kjs lag with the group empty',
    (x) =>
      valueOf(x, 'kafka_consumergroup_lag', { ...g, partition: '1' }) !== undefined &&
      valueOf(x, 'kafka_consumergroup_members', { cluster: 'local', consumergroup: 'g-kjs' }) === 0 &&
      x,
  );
  assert.equal(valueOf(s, 'kafka_consumergroup_lag', { ...g, partition: '0' }), 6);
  assert.equal(valueOf(s, 'kafka_consumergroup_lag', { ...g, partition: '1' }), 5);
  assert.equal(valueOf(s, 'kafka_consumergroup_current_offset', { ...g, partition: '0' }), 4);
  assert.equal(
    valueOf(s, 'kafka_consumergroup_lag', { ...g, partition: '2' }),
    undefined,
    'no -1 lag for the partition without a commit',
  );
  assert.equal(valueOf(s, 'kafka_consumergroup_uncommitted_partitions', g), 1);
  assert.equal(valueOf(s, 'kafka_consumergroup_lag_sum', g), 11);
  assert.equal(
    valueOf(s, 'kafka_consumergroup_members', { cluster: 'local', consumergroup: 'g-kjs' }),
    0,
    'a group without members is covered',
  );
  assert.equal(
    valueOf(s, 'kafka_topic_partition_current_offset', { cluster: 'local', topic: 'lag-t', partition: '1' }),
    20,
  );
  assert.equal(valueOf(s, 'kafka_topic_partitions', { cluster: 'local', topic: 'lag-t' }), 3);
});

test('A kcat -G group that consumed 6 of 10 records has lag 4.', async () => {
  const res = await runCommand(
    'kcat',
    [
      '-b',
      bootstrap,
      '-G',
      'g-kcat',
      '-o',
      'beginning',
      '-c',
      '6',
      '-e',
      '-q',
      '-X',
      'enable.auto.commit=true',
      '-X',
      'auto.commit.interval.ms=100',
      'kcat-t',
    ],
    { timeoutMs: 30_000 },
  );
  assert.equal(res.code, 0, res.stderr);
  const g = { cluster: 'local', consumergroup: 'g-kcat', topic: 'kcat-t', partition: '0' };
  const s = await scrapeUntil(
    exporterUrl,
    'g-kcat lag',
    (x) => valueOf(x, 'kafka_consumergroup_lag', g) !== undefined && x,
  );
  assert.equal(valueOf(s, 'kafka_consumergroup_current_offset', g), 6);
  assert.equal(valueOf(s, 'kafka_consumergroup_lag', g), 4);
});

test('A committed offset below the log start after retention is lifted to it and the gap is reported as records lost to retention.', async () => {
  // Small segments and a short retention: the first segment rolls and is deleted by time.
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: 'ret-t',
        numPartitions: 1,
        configEntries: [
          { name: 'segment.ms', value: '200' },
          { name: 'retention.ms', value: '1000' },
        ],
      },
    ],
  });
  await produce('ret-t', 0, 20);
  await admin.setOffsets({ groupId: 'g-ret', topic: 'ret-t', partitions: [{ partition: 0, offset: '5' }] });
  const g = { cluster: 'local', consumergroup: 'g-ret', topic: 'ret-t', partition: '0' };
  const roll = setInterval(() => void produce('ret-t', 0, 1).catch(() => undefined), 1000); // appends roll the aged segment
  let s;
  try {
    s = await scrapeUntil(
      exporterUrl,
      'log start moved past the commit',
      (x) =>
        (valueOf(x, 'kafka_topic_partition_oldest_offset', { cluster: 'local', topic: 'ret-t', partition: '0' }) ?? 0) >
          5 &&
        valueOf(x, 'kafka_consumergroup_lag_lost_records', g) !== undefined &&
        x,
      40_000,
    );
  } finally {
    clearInterval(roll);
  }
  const start = valueOf(s, 'kafka_topic_partition_oldest_offset', {
    cluster: 'local',
    topic: 'ret-t',
    partition: '0',
  })!;
  const end = valueOf(s, 'kafka_topic_partition_current_offset', { cluster: 'local', topic: 'ret-t', partition: '0' })!;
  assert.equal(valueOf(s, 'kafka_consumergroup_lag_lost_records', g), start - 5);
  assert.equal(
    valueOf(s, 'kafka_consumergroup_lag', g),
    end - start,
    'lag counts from the log start, not from the expired commit',
  );
  assert.equal(valueOf(s, 'kafka_consumergroup_current_offset', g), 5);
});

test('A live kafkajs consumer that caught up on an idle topic shows zero lag and zero lag seconds, with a member.', async () => {
  const consumer = kafka.consumer({ groupId: 'g-live', heartbeatInterval: 500, sessionTimeout: 6000 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'idle-t', fromBeginning: true });
  await consumer.run({ autoCommitInterval: 100, eachMessage: async () => undefined });
  try {
    const g = { cluster: 'local', consumergroup: 'g-live' };
    await scrapeUntil(
      exporterUrl,
      'g-live caught up',
      (x) =>
        valueOf(x, 'kafka_consumergroup_lag', { ...g, topic: 'idle-t', partition: '0' }) === 0 &&
        valueOf(x, 'kafka_consumergroup_members', g) === 1 &&
        x,
    );
    await new Promise((r) => setTimeout(r, 3000)); // idle: the end offset stays flat
    const s = await scrape(exporterUrl);
    assert.equal(valueOf(s, 'kafka_consumergroup_lag_seconds', { ...g, topic: 'idle-t', partition: '0' }), 0);
    assert.equal(valueOf(s, 'kafka_consumergroup_max_lag_seconds', g), 0);
    assert.equal(valueOf(s, 'kafka_consumergroup_state', { ...g, state: 'Stable' }), 1);
  } finally {
    await consumer.disconnect();
  }
});

test('A stopped consumer on a busy topic lags by the age of its oldest unconsumed record, growing with wall time.', async () => {
  const firstAt = Date.now();
  await produce('busy-t', 0, 1);
  await admin.setOffsets({ groupId: 'g-stopped', topic: 'busy-t', partitions: [{ partition: 0, offset: '0' }] });
  const busy = setInterval(() => void produce('busy-t', 0, 1).catch(() => undefined), 200);
  try {
    const l = { cluster: 'local', consumergroup: 'g-stopped', topic: 'busy-t', partition: '0' };
    const s1 = await scrapeUntil(
      exporterUrl,
      'lag seconds > 1',
      (x) => (valueOf(x, 'kafka_consumergroup_lag_seconds', l) ?? 0) > 1 && x,
    );
    const t1 = Date.now();
    const v1 = valueOf(s1, 'kafka_consumergroup_lag_seconds', l)!;
    assert.ok(
      Math.abs(v1 - (t1 - firstAt) / 1000) < 2.5,
      `lag seconds ${v1} should be the age of record 0 (~${(t1 - firstAt) / 1000} s)`,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const v2 = valueOf(await scrape(exporterUrl), 'kafka_consumergroup_lag_seconds', l)!;
    const grew = v2 - v1;
    assert.ok(
      grew > 3 - 1.5 && grew < 3 + 1.5,
      `lag seconds grew by ${grew} over ~3 s of wall time (tolerance: one collection interval + 0.5 s)`,
    );
  } finally {
    clearInterval(busy);
  }
});

test('Replay from offset 0 reports the age of the first record, not a jump.', async () => {
  const age = Date.now() - 60_000;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'replay-t', numPartitions: 1 }] });
  await produce('replay-t', 0, 5, age); // records stamped one minute ago (CreateTime)
  await produce('replay-t', 0, 5);
  await admin.setOffsets({ groupId: 'g-replay', topic: 'replay-t', partitions: [{ partition: 0, offset: '0' }] });
  const l = { cluster: 'local', consumergroup: 'g-replay', topic: 'replay-t', partition: '0' };
  const s = await scrapeUntil(
    exporterUrl,
    'replay lag seconds',
    (x) => valueOf(x, 'kafka_consumergroup_lag_seconds', l) !== undefined && x,
  );
  const v = valueOf(s, 'kafka_consumergroup_lag_seconds', l)!;
  const expected = (Date.now() - age) / 1000;
  assert.ok(Math.abs(v - expected) < 3, `replay lag seconds ${v} ~ ${expected}`);
  assert.equal(valueOf(s, 'kafka_consumergroup_lag', l), 10);
});

test('An open kafkajs transaction holds the LSO back: lso_lag > 0, a read_committed group lags to the LSO, the transaction series show it open and ageing; after the commit lso_lag is 0.', async () => {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'txn-t', numPartitions: 1 }] });
  await produce('txn-t', 0, 3);
  const tx = kafka.producer({ transactionalId: 'exporter-lag-tx', idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  try {
    const t = await tx.transaction();
    await t.send({ topic: 'txn-t', messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `t${i}` })) });
    // Both groups have consumed the 3 records before the transaction.
    for (const groupId of ['g-rc-txn', 'g-ru-txn'])
      await admin.setOffsets({ groupId, topic: 'txn-t', partitions: [{ partition: 0, offset: '3' }] });
    const p = { cluster: 'local', topic: 'txn-t', partition: '0' };
    const rc = { ...p, consumergroup: 'g-rc-txn' };
    const ru = { ...p, consumergroup: 'g-ru-txn' };
    const open = await scrapeUntil(
      exporterUrl,
      'the open transaction in the LSO series and both groups',
      (x) =>
        valueOf(x, 'kafka_topic_partition_lso_lag', p) === 5 &&
        valueOf(x, 'kafka_consumergroup_lag', rc) !== undefined &&
        valueOf(x, 'kafka_consumergroup_lag', ru) !== undefined &&
        x,
    );
    assert.equal(valueOf(open, 'kafka_topic_partition_lso', p), 3, 'the first offset of the open transaction');
    assert.equal(valueOf(open, 'kafka_topic_partition_current_offset', p), 8);
    assert.equal(valueOf(open, 'kafka_consumergroup_lag', rc), 0, 'a read_committed group at the LSO is caught up');
    assert.equal(valueOf(open, 'kafka_consumergroup_lag_seconds', rc), 0);
    assert.equal(valueOf(open, 'kafka_consumergroup_lag', ru), 5, 'another group lags to the high watermark');
    // The transaction APIs (read every 4 collections): its state, its age at the coordinator and
    // on the partition, growing; not hanging within its timeout.
    const id = { cluster: 'local', transactional_id: 'exporter-lag-tx' };
    const seen = await scrapeUntil(
      exporterUrl,
      'the open transaction in the transaction series',
      (x) =>
        valueOf(x, 'kafka_transaction_state', { ...id, state: 'Ongoing' }) === 1 &&
        valueOf(x, 'kafka_topic_partition_open_transaction_age_seconds', p) !== undefined &&
        x,
    );
    assert.equal(valueOf(seen, 'kafka_transaction_hanging', id), 0);
    assert.equal(valueOf(seen, 'kafka_topic_partition_hanging_transactions', p), 0);
    const age1 = valueOf(seen, 'kafka_topic_partition_open_transaction_age_seconds', p)!;
    assert.ok((valueOf(seen, 'kafka_transaction_open_age_seconds', id) ?? -1) >= 0);
    // Later snapshots show it older (each is taken at its cycle's time, so compare snapshots).
    await scrapeUntil(
      exporterUrl,
      'the open transaction older in a later snapshot',
      (x) => (valueOf(x, 'kafka_topic_partition_open_transaction_age_seconds', p) ?? 0) >= age1 + 1.5 && x,
    );
    await t.commit();
    const done = await scrapeUntil(
      exporterUrl,
      'lso_lag 0 after the commit',
      (x) => valueOf(x, 'kafka_topic_partition_lso_lag', p) === 0 && x,
    );
    // The commit marker takes one offset: LSO = high watermark = 9.
    assert.equal(valueOf(done, 'kafka_topic_partition_lso', p), 9);
    assert.equal(valueOf(done, 'kafka_topic_partition_current_offset', p), 9);
    assert.equal(valueOf(done, 'kafka_consumergroup_lag', rc), 6);
    const ended = await scrapeUntil(
      exporterUrl,
      'the committed transaction in the transaction series',
      (x) => valueOf(x, 'kafka_transaction_state', { ...id, state: 'CompleteCommit' }) === 1 && x,
    );
    assert.equal(valueOf(ended, 'kafka_topic_partition_open_transaction_age_seconds', p), undefined);
    assert.equal(valueOf(ended, 'kafka_transaction_open_age_seconds', id), undefined);
  } finally {
    await tx.disconnect();
  }
});
