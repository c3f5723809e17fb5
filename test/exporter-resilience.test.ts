// test-budget: 120s
// Exporter behaviour around the cluster: multi-cluster labels, filters applied to every series,
// the cardinality guard, the end-to-end probe, and serving a stale snapshot with up=0 while the
// cluster is down, then recovering. Real reference broker, real kafkajs clients.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { stringify } from 'yaml';
import { ClusterClient, RequestErrors } from '../kafka-client/index.js';
import { listGroupsCodec } from '../protocol/apis/16-list-groups.js';
import { freePort } from './support/ports.js';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
import { scrape, scrapeUntil, valueOf } from './exporter-helpers.js';

const fx = processFixture();
let brokerPort = 0;
let metricsPort = 0;
let dataDir = '';
let bootstrap = '';
let broker: RunningProcess;
let admin: Admin;

const startBroker = () =>
  fx.startCli(
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
    { readyPort: brokerPort, readyTimeoutMs: 30_000 },
  );

async function startExporter(args: string[]): Promise<string> {
  const port = await freePort();
  await fx.startCli(['exporter', '--port', String(port), '--interval', '1000', ...args], {
    readyWhen: /listening on/,
    readyTimeoutMs: 30_000,
  });
  return `http://127.0.0.1:${port}`;
}

before(async () => {
  brokerPort = await freePort();
  metricsPort = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'kafka-sre-exp-res-'));
  broker = await startBroker();
  bootstrap = `127.0.0.1:${brokerPort}`;
  const kafka = new Kafka({ clientId: 'exporter-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'keep-a', numPartitions: 2 },
      { topic: 'skip-b', numPartitions: 2 },
      { topic: 'many', numPartitions: 40 },
    ],
  });
  await admin.setOffsets({ groupId: 'g-keep', topic: 'keep-a', partitions: [{ partition: 0, offset: '0' }] });
  await admin.setOffsets({ groupId: 'g-keep', topic: 'skip-b', partitions: [{ partition: 0, offset: '0' }] });
  await admin.setOffsets({ groupId: 'g-other', topic: 'keep-a', partitions: [{ partition: 0, offset: '0' }] });
});

test('Two clusters in one exporter get their own cluster label on every series, and filters apply to topics and lag.', async () => {
  const cfg = join(dataDir, 'exporter.yaml');
  writeFileSync(
    cfg,
    stringify({
      exporter: {
        clusters: [
          { name: 'east', bootstrap: [bootstrap] },
          { name: 'west', bootstrap: [bootstrap] },
        ],
        topics: { deny: ['skip-.*'] },
        groups: { allow: ['g-keep'] },
      },
    }),
  );
  const port = await freePort();
  await fx.startCli(['--config', cfg, 'exporter', '--port', String(port), '--interval', '1000'], {
    readyWhen: /listening on/,
  });
  const url = `http://127.0.0.1:${port}`;
  const s = await scrapeUntil(
    url,
    'both clusters collected',
    (x) =>
      valueOf(x, 'kafka_sre_exporter_up', { cluster: 'east' }) === 1 &&
      valueOf(x, 'kafka_sre_exporter_up', { cluster: 'west' }) === 1 &&
      x,
  );
  for (const c of ['east', 'west']) {
    assert.equal(valueOf(s, 'kafka_brokers', { cluster: c }), 1);
    assert.equal(valueOf(s, 'kafka_topic_partitions', { cluster: c, topic: 'keep-a' }), 2);
    assert.equal(
      valueOf(s, 'kafka_topic_partitions', { cluster: c, topic: 'skip-b' }),
      undefined,
      'denied topic has no series',
    );
    assert.equal(
      valueOf(s, 'kafka_consumergroup_lag', { cluster: c, consumergroup: 'g-keep', topic: 'keep-a', partition: '0' }),
      0,
    );
    assert.equal(
      valueOf(s, 'kafka_consumergroup_lag', { cluster: c, consumergroup: 'g-keep', topic: 'skip-b', partition: '0' }),
      undefined,
      'lag series obey the topic filter',
    );
    assert.equal(
      valueOf(s, 'kafka_consumergroup_members', { cluster: c, consumergroup: 'g-other' }),
      undefined,
      'group outside the allow list is not collected',
    );
  }
  const kafkaSeries = s.filter((x) => x.name.startsWith('kafka_') && !x.name.startsWith('kafka_sre_slo'));
  assert.ok(
    kafkaSeries.every((x) => x.labels.cluster === 'east' || x.labels.cluster === 'west'),
    'every exporter series carries a cluster label',
  );
  assert.equal((await fetch(`${url}/ready`)).status, 200);
});

test('The cardinality guard caps the series, keeps cluster health, reports it in self-metrics and warns.', async () => {
  const port = await freePort();
  const proc = await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      bootstrap,
      '--cluster-name',
      'capped',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--series-limit',
      '100',
    ],
    { readyWhen: /listening on/ },
  );
  const url = `http://127.0.0.1:${port}`;
  const s = await scrapeUntil(
    url,
    'limit reached',
    (x) => valueOf(x, 'kafka_sre_exporter_series_limit_reached', { cluster: 'capped' }) === 1 && x,
  );
  assert.equal(valueOf(s, 'kafka_sre_exporter_series', { cluster: 'capped' }), 100);
  assert.equal(
    valueOf(s, 'kafka_cluster_offline_partitions', { cluster: 'capped' }),
    0,
    'cluster-level series survive the guard',
  );
  assert.equal(s.filter((x) => x.labels.cluster === 'capped' && !x.name.startsWith('kafka_sre_')).length, 100);
  assert.match(proc.output(), /series limit reached/);
});

test('The end-to-end probe produces, consumes and commits through its own topic and group.', async () => {
  const url = await startExporter(['--bootstrap', bootstrap, '--cluster-name', 'probe', '--probe']);
  const s = await scrapeUntil(
    url,
    'probe records received',
    (x) => (valueOf(x, 'kafka_sre_probe_records_received_total', { cluster: 'probe', partition: '0' }) ?? 0) >= 2 && x,
    45_000,
  );
  assert.ok((valueOf(s, 'kafka_sre_probe_records_produced_total', { cluster: 'probe', partition: '0' }) ?? 0) >= 2);
  assert.ok(
    (valueOf(s, 'kafka_sre_probe_roundtrip_latency_seconds_count', { cluster: 'probe', partition: '0' }) ?? 0) >= 2,
  );
  assert.ok(
    (valueOf(s, 'kafka_sre_probe_produce_latency_seconds_count', { cluster: 'probe', partition: '0' }) ?? 0) >= 2,
  );
  assert.ok((valueOf(s, 'kafka_sre_probe_commit_latency_seconds_count', { cluster: 'probe' }) ?? 0) >= 1);
  assert.ok((valueOf(s, 'kafka_sre_slo_events_total', { cluster: 'probe', slo: 'produce-availability' }) ?? 0) >= 2);
  assert.equal(valueOf(s, 'kafka_sre_probe_records_lost_total', { cluster: 'probe', partition: '0' }) ?? 0, 0);
  const topics = await admin.fetchTopicMetadata({ topics: ['_kafka_sre_probe'] });
  assert.equal(topics.topics[0].partitions.length, 1, 'one probe partition per broker');
  // Every probe record carries W3C trace context.
  const kafka = new Kafka({ clientId: 'traceparent-check', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'traceparent-check' });
  await consumer.connect();
  await consumer.subscribe({ topic: '_kafka_sre_probe', fromBeginning: true });
  let traceparent = '';
  await consumer.run({
    eachMessage: async ({ message }) => void (traceparent ||= message.headers?.traceparent?.toString() ?? ''),
  });
  await waitFor('a probe record', () => traceparent !== '', 20_000);
  await consumer.disconnect();
  assert.match(traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
});

test('protocol/ codecs run over the cluster client connections, and APIs the broker lacks are reported as unsupported.', async () => {
  const client = new ClusterClient({ name: 'raw', bootstrap: [bootstrap] });
  try {
    const { brokers } = await client.describeCluster(); // DescribeCluster when offered, else Metadata
    const { response } = await client.call(brokers[0].id, listGroupsCodec, {});
    const viaKafkajs = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
    assert.equal(response.errorCode, 0);
    assert.deepEqual(response.groups.map((g) => g.groupId).sort(), viaKafkajs);
    const versions = await client.apiVersions(brokers[0].id);
    const logDirs = await client.logDirs(brokers, new RequestErrors());
    if (versions.has(35)) assert.ok(logDirs && logDirs.length > 0, 'DescribeLogDirs answers with at least one log dir');
    else assert.equal(logDirs, undefined, 'no DescribeLogDirs: log-dir series are absent, not zero');
  } finally {
    await client.close();
  }
});

test('While the cluster is down the exporter keeps serving the previous snapshot marked stale with up=0, and recovers.', async () => {
  const url = await startExporter(['--bootstrap', bootstrap, '--cluster-name', 'flaky']);
  await scrapeUntil(
    url,
    'first collection',
    (x) => valueOf(x, 'kafka_sre_exporter_up', { cluster: 'flaky' }) === 1 && x,
  );
  await admin.disconnect();
  await broker.stop();
  const down = await scrapeUntil(
    url,
    'up=0',
    (x) => valueOf(x, 'kafka_sre_exporter_up', { cluster: 'flaky' }) === 0 && x,
    40_000,
  );
  assert.equal(valueOf(down, 'kafka_sre_exporter_snapshot_stale', { cluster: 'flaky' }), 1);
  assert.equal(
    valueOf(down, 'kafka_topic_partitions', { cluster: 'flaky', topic: 'keep-a' }),
    2,
    'the previous snapshot is still served',
  );
  assert.equal((await fetch(`${url}/metrics`)).status, 200);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  broker = await startBroker();
  const up = await scrapeUntil(
    url,
    'recovered',
    (x) => valueOf(x, 'kafka_sre_exporter_up', { cluster: 'flaky' }) === 1 && x,
    40_000,
  );
  assert.equal(valueOf(up, 'kafka_sre_exporter_snapshot_stale', { cluster: 'flaky' }), 0);
  assert.ok(
    (valueOf(await scrape(url), 'kafka_sre_exporter_request_errors_total', { cluster: 'flaky', api: 'Metadata' }) ??
      0) >= 1,
  );
});
