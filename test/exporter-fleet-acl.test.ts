// test-budget: 90s
// An exporter fleet on the SASL + ACL 3-broker cluster under a least-privilege principal: exactly
// the ACLs exporter/README.md lists ("Running a fleet"), nothing more. Two replicas create the
// coordination topic, join the coordination group, and export every group exactly once with
// lag seconds, log-dir and min-ISR series, and no request fails for want of an ACL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrape, type MetricSample } from './exporter-helpers.js';
import { freePort } from './support/ports.js';

const fx = processFixture();
const dir = tempDir('exporter-fleet-acl');
const ADMIN_PW = 'fl-adm1n-Pw-Qq7';
const EXPORTER_PW = 'fl-exp0rt-Pw-Zz2';
const GROUPS = 20;
const TOPIC = 'acl-orders';
const COORDINATION_GROUP = 'kafka-sre-exporters';
const COORDINATION_TOPIC = '_kafka_sre_exporter_shards';
const P = 'User:exporter';
let cluster: ClusterProc;

before(async () => {
  process.env.FLEET_ACL_ADMIN_PW = ADMIN_PW;
  process.env.FLEET_ACL_EXPORTER_PW = EXPORTER_PW;
  cluster = await startClusterProc(fx, dir, {
    broker: {
      security: {
        listener: 'SASL_PLAINTEXT',
        users: { admin: { passwordEnv: 'FLEET_ACL_ADMIN_PW' }, exporter: { passwordEnv: 'FLEET_ACL_EXPORTER_PW' } },
        authorizer: true,
        superUsers: ['User:admin'],
        // The least-privilege list of exporter/README.md.
        acls: [
          { resourceType: 'cluster', principal: P, operation: 'describe' },
          { resourceType: 'topic', name: '*', principal: P, operation: 'describe' },
          { resourceType: 'topic', name: '*', principal: P, operation: 'describe_configs' },
          { resourceType: 'topic', name: '*', principal: P, operation: 'read' },
          { resourceType: 'group', name: '*', principal: P, operation: 'describe' },
          { resourceType: 'topic', name: COORDINATION_TOPIC, principal: P, operation: 'create' },
          { resourceType: 'group', name: COORDINATION_GROUP, principal: P, operation: 'read' },
        ],
      },
    },
  });
  const kafka = new Kafka({
    brokers: cluster.bootstrap.split(','),
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: ADMIN_PW },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `r${i}` })),
  });
  await producer.disconnect();
  await Promise.all(
    Array.from({ length: GROUPS }, (_, i) =>
      admin.setOffsets({
        groupId: `acl-g${i}`,
        topic: TOPIC,
        partitions: [
          { partition: 0, offset: '3' },
          { partition: 1, offset: '3' },
        ],
      }),
    ),
  );
  await admin.disconnect();
});

after(async () => {
  await fx.stopAll();
  await cluster?.stop();
});

async function startReplica(i: number): Promise<{ proc: RunningProcess; url: string }> {
  const port = await freePort();
  const configFile = join(dir, `exporter-${i}.yaml`);
  writeFileSync(
    configFile,
    stringify({
      log: { level: 'warn' },
      exporter: {
        clusters: [
          {
            name: 'acl',
            bootstrap: cluster.bootstrap.split(','),
            sasl: { mechanism: 'scram-sha-512', username: 'exporter', passwordEnv: 'FLEET_ACL_EXPORTER_PW' },
          },
        ],
      },
    }),
  );
  const proc = await fx.startCli(
    [
      '--config',
      configFile,
      'exporter',
      '--port',
      String(port),
      '--interval',
      '2000',
      '--no-probe',
      '--coordination-group',
      COORDINATION_GROUP,
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 60_000, name: `exporter-${i}` },
  );
  return { proc, url: `http://127.0.0.1:${port}` };
}

test('two replicas under the least-privilege principal share every group, with no request refused', async () => {
  const replicas = await Promise.all([startReplica(0), startReplica(1)]);
  let last: MetricSample[][] = [];
  const summary = () => {
    const owners = new Map<string, number>();
    let errors = 0;
    const failing: string[] = [];
    for (const samples of last)
      for (const s of samples) {
        if (s.name === 'kafka_consumergroup_lag_seconds' && s.labels.partition === '0')
          owners.set(s.labels.consumergroup, (owners.get(s.labels.consumergroup) ?? 0) + 1);
        if (s.name === 'kafka_sre_exporter_request_errors_total' && s.value > 0) {
          errors += s.value;
          failing.push(`${s.labels.api}=${s.value}`);
        }
      }
    const all = last.flat();
    return {
      owners,
      errors,
      failing,
      brokers: all.filter((s) => s.name === 'kafka_brokers').length,
      logDirs: all.filter((s) => s.name === 'kafka_broker_log_dir_size_bytes').length,
      minIsr: all.filter((s) => s.name === 'kafka_topic_partition_under_min_isr').length,
      busy: last.map((samples) => samples.filter((s) => s.name === 'kafka_consumergroup_members').length),
    };
  };
  try {
    await waitFor(
      'every group exactly once across the two replicas',
      async () => {
        last = await Promise.all(replicas.map((r) => scrape(r.url)));
        const s = summary();
        return (
          s.owners.size === GROUPS &&
          [...s.owners.values()].every((n) => n === 1) &&
          s.brokers === 1 &&
          s.busy.every((n) => n > 0) &&
          s.logDirs > 0 &&
          s.minIsr > 0
        );
      },
      60_000,
      500,
    );
  } catch (e) {
    const s = summary();
    throw new Error(
      `${(e as Error).message}: groups ${s.owners.size}, kafka_brokers ${s.brokers}, per replica ${s.busy.join('/')}, log-dir series ${s.logDirs}, min-ISR series ${s.minIsr}, errors ${s.failing.join(' ')}\n${replicas.map((r) => r.proc.output().slice(-1500)).join('\n---\n')}`,
    );
  }
  const s = summary();
  assert.equal(s.errors, 0, `requests refused: ${s.failing.join(' ')}`);
});
