// test-budget: 120s
// The load driver, the produce/consume probe and a whole drill with load and a data check
// against the real reference broker (single node: `kafka-sre broker` supports one broker so far).
// Records are counted end to end: every acknowledged record must be in the log when the data
// check reads the topic back on its own (not through the load's consumer group).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startPrometheus, tempDir, type TestPrometheus } from './chaos-fixtures.js';
import { LoadDriver } from '../chaos/load/driver.js';
import { loadSchema } from '../chaos/schema/schema.js';
import { produceConsumeCheck } from '../chaos/runner/probes.js';

const fx = processFixture();
let bootstrap: string;
let prom: TestPrometheus;
let dir: string;

before(async () => {
  dir = await tempDir('chaos-load-');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const [, p] = await Promise.all([
    fx.startCli(
      [
        'broker',
        '--brokers',
        '1',
        '--port',
        String(port),
        '--metrics-port',
        String(metricsPort),
        '--data-dir',
        join(dir, 'data'),
      ],
      { readyWhen: /listening on/ },
    ),
    startPrometheus(fx),
  ]);
  prom = p;
  bootstrap = `127.0.0.1:${port}`;
});

/** One producer and one consumer (group `<topic>-g`) on a 2-partition topic: the drills' small load. */
function smallLoad(topic: string, rate = 100) {
  return loadSchema.parse({
    topic,
    createTopic: { partitions: 2, replicationFactor: 1, minInsyncReplicas: 1 },
    producers: 1,
    rate,
    recordSize: 64,
    consumers: { groupId: `${topic}-g`, count: 1 },
    drainTimeout: '15s',
  });
}
test("the load driver's data check reads every acknowledged record back from the log, through a consumer stop and restart", async () => {
  const spec = loadSchema.parse({
    topic: 'load-a',
    createTopic: { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 },
    producers: 2,
    rate: 200,
    recordSize: 128,
    consumers: { groupId: 'load-a-g', count: 2 },
    drainTimeout: '15s',
    thresholds: { kafka_writer_error_count: ['count<1'] },
  });
  const d = new LoadDriver({ bootstrapServers: [bootstrap], runId: 'ra', spec });
  await d.start();
  await new Promise((r) => setTimeout(r, 1500));
  await d.stopConsumers('load-a-g');
  d.setHotKey(0.9, 'hot');
  await new Promise((r) => setTimeout(r, 1000));
  await d.startConsumers('load-a-g');
  await new Promise((r) => setTimeout(r, 1000));
  await d.stop();
  const check = await d.dataCheck();
  assert.ok(check.acknowledged > 300, JSON.stringify(check));
  assert.equal(check.readBack.complete, true, check.readBack.detail);
  assert.equal(check.lostWrite, 0, JSON.stringify(check));
  assert.equal(check.nonmonotonicSend, 0, JSON.stringify(check.nonmonotonicSample));
  assert.equal(check.group?.missedAcknowledged, 0, 'the load group read everything too');
  // Ids say which producer sent a record and its place in that producer's sequence.
  const seqs = d
    .sends()
    .filter((x) => x.producer === 1)
    .flatMap((x) => x.ids.map((id) => Number(id.split(':')[2])));
  assert.deepEqual(
    [...seqs].sort((a, b) => a - b),
    Array.from({ length: seqs.length }, (_, i) => i),
    'producer 1 numbers its records 0, 1, 2, ...',
  );
  const summary = d.summary();
  assert.equal(summary.metrics.kafka_writer_acked_count.values.count, check.acknowledged);
  assert.equal(summary.metrics.kafka_writer_error_count.thresholds?.['count<1'].ok, true);
});

test('records deleted from the log after the load group read them are lost-write in the data check (it reads the log, not the group)', async () => {
  const spec = smallLoad('load-drop');
  const d = new LoadDriver({ bootstrapServers: [bootstrap], runId: 'rd', spec });
  await d.start();
  await waitFor(
    'records acknowledged on both partitions',
    () =>
      new Set(
        d
          .sends()
          .filter((s) => s.outcome === 'acked')
          .map((s) => s.partition),
      ).size === 2 && d.sends().length > 40,
    15_000,
  );
  await d.stop();
  // Drop the first 3 records of partition 0 from the log (DeleteRecords), as a broker losing them would.
  const kafkajs = (await import('kafkajs')).default;
  const admin = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: ['load-drop'] }); // kafkajs' deleteTopicRecords needs it loaded
    await admin.deleteTopicRecords({ topic: 'load-drop', partitions: [{ partition: 0, offset: '3' }] });
  } finally {
    await admin.disconnect();
  }
  const check = await d.dataCheck();
  assert.equal(check.readBack.complete, true, check.readBack.detail);
  assert.equal(check.lostWrite, 3, JSON.stringify(check));
  assert.equal(check.group?.missedAcknowledged, 0, 'the load group had read them: its view would have said none lost');
  const { judgeData } = await import('../chaos/load/data-check.js');
  const verdict = judgeData(check, { maxLost: 0 });
  assert.equal(verdict.passed, false);
  assert.match(
    verdict.reason,
    /lost-write 3 \(allowed 0\), duplicate 0, nonmonotonic-send 0, indeterminate \d+ \(\d+ found in log\); lost-write e\.g\. rd:0:\d+@p0/,
  );
});

test('consumer-slow: a slowed consumer falls behind while records keep being acknowledged, then catches up with none lost', async () => {
  const spec = smallLoad('load-slow');
  const d = new LoadDriver({ bootstrapServers: [bootstrap], runId: 'rs', spec });
  await d.start();
  const count = (name: 'kafka_writer_acked_count' | 'kafka_reader_message_count') =>
    d.summary().metrics[name].values.count;
  await waitFor('the consumer reads', () => count('kafka_reader_message_count') > 20, 15_000);
  d.setConsumerDelay('load-slow-g', 250);
  const [acked0, read0] = [count('kafka_writer_acked_count'), count('kafka_reader_message_count')];
  await new Promise((r) => setTimeout(r, 2000));
  const [ackedSlow, readSlow] = [
    count('kafka_writer_acked_count') - acked0,
    count('kafka_reader_message_count') - read0,
  ];
  // 4 records a second at 250 ms each (plus the one in hand) against ~100 acknowledged a second.
  assert.ok(ackedSlow >= 100, `writes go on: ${ackedSlow} acknowledged in 2 s`);
  assert.ok(readSlow <= 20, `the slowed consumer read ${readSlow} records in 2 s`);
  d.setConsumerDelay('load-slow-g', 0);
  await d.stop();
  const check = await d.dataCheck();
  assert.equal(check.lostWrite, 0, JSON.stringify(check));
});

test('credentials-revoke: producers and consumers with a revoked password fail to log in (counted by the broker) and recover on rollback, none lost', async () => {
  process.env.CHAOS_LOAD_ADMIN_PW = 'chaos-adm1n-Pw-8Rt';
  const [port, metricsPort] = [await freePort(), await freePort()];
  await fx.startCli(
    [
      'broker',
      '--brokers',
      '1',
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
      '--data-dir',
      join(dir, 'sasl-data'),
      '--security-protocol',
      'SASL_PLAINTEXT',
      '--sasl-user',
      'admin=CHAOS_LOAD_ADMIN_PW',
      '--super-user',
      'User:admin',
      '--authorizer',
    ],
    { readyWhen: /listening on/ },
  );
  const failedLogins = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('kafka_server_socketservermetrics_failed_authentication_total{'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };
  const spec = smallLoad('load-revoke', 50);
  const d = new LoadDriver({
    bootstrapServers: [`127.0.0.1:${port}`],
    runId: 'rv',
    spec,
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: process.env.CHAOS_LOAD_ADMIN_PW },
  });
  await d.start();
  const metric = (name: 'kafka_writer_acked_count' | 'kafka_writer_error_count' | 'kafka_reader_error_count') =>
    d.summary().metrics[name].values.count;
  await waitFor('writes are acknowledged', () => metric('kafka_writer_acked_count') > 10, 15_000);
  const fails0 = await failedLogins();
  await d.setCredentialsRevoked('all', true);
  const acked0 = metric('kafka_writer_acked_count');
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(metric('kafka_writer_acked_count'), acked0, 'nothing is acknowledged with a revoked password');
  assert.ok(metric('kafka_writer_error_count') >= 10, `failed writes counted: ${metric('kafka_writer_error_count')}`);
  assert.ok(metric('kafka_reader_error_count') >= 1, 'the consumer failed to log in');
  assert.ok(
    (await failedLogins()) - fails0 >= 10,
    `the broker counted the failed logins: ${fails0} -> ${await failedLogins()}`,
  );
  await d.setCredentialsRevoked('all', false);
  await waitFor('writes are acknowledged again', () => metric('kafka_writer_acked_count') > acked0 + 10, 15_000);
  await d.stop();
  const check = await d.dataCheck();
  assert.ok(check.acknowledged > 20, JSON.stringify(check));
  assert.equal(check.lostWrite, 0, JSON.stringify(check));
});

test('the produce/consume probe reads its record back', async () => {
  const r = await produceConsumeCheck([bootstrap], 'pc', 'probe-topic', 10_000);
  assert.equal(r.ok, true, r.detail);
});

test('a drill with load, a consumer-stop fault and a data check passes and writes summary.json', async () => {
  const f = join(dir, 'load.yaml');
  await writeFile(
    f,
    `version: 1
name: load-drill
target: { kind: existing, name: load-target, bootstrapServers: [${bootstrap}], prometheusUrl: ${prom.url} }
pollInterval: 250ms
steadyState:
  probes:
    - { type: produce-consume, name: round-trip, topic: load-probe, when: [before, after] }
load:
  topic: load-b
  createTopic: { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 }
  producers: 1
  rate: 100
  recordSize: 100
  consumers: { groupId: load-b-g, count: 1 }
  drainTimeout: 15s
  thresholds: { kafka_writer_error_count: ["count<1"] }
faults:
  - { type: consumer-stop, name: stop, target: { group: load-b-g }, start: 500ms, duration: 1500ms }
expectations:
  mustNotFire: [{ alert: ChaosTestNeverFiring }]
  data: { maxLost: 0 }
`,
  );
  const report = join(dir, 'report');
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /PASS data: \d+ acknowledged, \d+ read back from the log: lost-write 0 \(allowed 0\), duplicate 0, nonmonotonic-send 0, indeterminate \d+ \(\d+ found in log\)/,
  );
  // The slowest send is reported with the fault windows it overlapped (here: none or the stop).
  assert.match(
    r.stdout,
    /load: slowest write \d+\.\d s from \+\d+\.\d s, (overlapping stop|outside every fault window)/,
  );
  const summary = JSON.parse(await readFile(join(report, 'summary.json'), 'utf8')) as {
    metrics: Record<string, { values: Record<string, number> }>;
  };
  assert.ok(summary.metrics.kafka_writer_message_count.values.count > 50);
  assert.match(
    await readFile(join(report, 'junit.xml'), 'utf8'),
    /data: every acknowledged record read back from the log/,
  );
});

test('retention-shorten sets retention.ms and segment.ms (the active segment must roll to be deleted) and restores the topic configs on rollback', async () => {
  const kafkajs = (await import('kafkajs')).default;
  const { defaultFaultRegistry } = await import('../chaos/faults/registry.js');
  const { faultSchema } = await import('../chaos/schema/schema.js');
  const admin = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic: 'retention-t',
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        },
      ],
      waitForLeaders: true,
    });
    const configs = async () => {
      const r = await admin.describeConfigs({
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'retention-t' }],
        includeSynonyms: false,
      });
      return Object.fromEntries(
        (r.resources[0]?.configEntries ?? [])
          .filter((e) => ['retention.ms', 'segment.ms', 'min.insync.replicas'].includes(e.configName))
          .map((e) => [e.configName, e.configValue]),
      );
    };
    const before = await configs();
    const fault = defaultFaultRegistry().create(
      faultSchema.parse({
        type: 'retention-shorten',
        name: 'short',
        target: { topic: 'retention-t' },
        start: '0s',
        duration: '1s',
        params: { retention: '5s' },
      }),
    );
    const ctx = { admin: async () => admin } as unknown as Parameters<typeof fault.inject>[0];
    await fault.leftover(ctx);
    const handle = await fault.inject(ctx);
    assert.deepEqual(await configs(), { ...before, 'retention.ms': '5000', 'segment.ms': '5000' });
    await handle.rollback();
    assert.deepEqual(await configs(), before);
  } finally {
    await admin.disconnect();
  }
});

test('load.transactions: a transactional producer SIGSTOPped past its transaction timeout hangs its transaction until the coordinator aborts it; read_committed readers get past it, none committed lost, none aborted visible', async () => {
  const spec = loadSchema.parse({
    topic: 'load-txn',
    createTopic: { partitions: 2, replicationFactor: 1, minInsyncReplicas: 1 },
    producers: 0,
    recordSize: 64,
    drainTimeout: '20s',
    transactions: {
      producers: 2,
      recordsPerTransaction: 4,
      interval: '300ms',
      abortEvery: 3,
      abortingProducers: 1,
      transactionTimeout: '3s',
      consumers: { groupId: 'load-txn-rc', count: 1 },
    },
  });
  const driver = new LoadDriver({ bootstrapServers: [bootstrap], runId: 'txn-run', spec });
  await driver.start();
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const { pid } = await driver.holdTransactionalProducer(0, 'SIGSTOP');
    assert.ok(pid > 0);
    // Past the 3 s timeout and the broker's 10 s timed-out-transaction check.
    await new Promise((r) => setTimeout(r, 15_000));
    await driver.releaseTransactionalProducer(0, true);
    await new Promise((r) => setTimeout(r, 4000));
  } finally {
    await driver.stop();
  }
  const r = await driver.dataCheck();
  const t = r.transactions;
  assert.ok(t, 'the data check has a transactional part');
  assert.equal(r.readBack.complete, true, r.readBack.detail);
  assert.equal(t.transactions.hung, 1);
  assert.ok(t.transactions.committed > 10, `${t.transactions.committed} committed`);
  assert.ok(t.abortedRecords > 0);
  assert.deepEqual(
    [t.committedLost, t.groupMissed, t.duplicate, t.abortedVisible, t.notResumed, t.unexpected],
    [0, 0, 0, 0, 0, 0],
    JSON.stringify(t),
  );
});
