// test-budget: 150s
// The operator CLI and the exporter on the replicated reference cluster: with a broker stopped,
// `topics describe --under-replicated` lists exactly its partitions and exits 3, and the exporter's
// URP and offline series react (an RF=1 partition on it is offline); once it is back, nothing is
// listed (exit 0) and the series return to 0. `acls list` shows the cluster's ACLs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrapeUntil, valueOf } from './exporter-helpers.js';
import { freePort } from './support/ports.js';

const fx = processFixture();
const dir = tempDir('ops-cluster-health');
let cluster: ClusterProc;
let exporterUrl: string;

interface Described {
  name: string;
  partitions: { partition: number; replicas: number[]; isr: number[]; problems: string[] }[];
}

before(async () => {
  cluster = await startClusterProc(fx, dir, {
    broker: {
      security: {
        authorizer: true,
        superUsers: ['User:ANONYMOUS'],
        allowEveryoneIfNoAclFound: true,
        acls: [
          {
            resourceType: 'topic',
            name: 'orders-',
            patternType: 'prefixed',
            principal: 'User:alice',
            operation: 'write',
          },
        ],
      },
    },
  });
  const admin = new Kafka({
    clientId: 'ops-health',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'orders-eu', numPartitions: 3, replicationFactor: 3 },
      { topic: 'solo', numPartitions: 3, replicationFactor: 1 },
    ],
    waitForLeaders: true,
  });
  // A group committed on every partition of the RF=1 topic: one of them goes offline with its broker.
  await admin.setOffsets({
    groupId: 'solo-readers',
    topic: 'solo',
    partitions: [0, 1, 2].map((partition) => ({ partition, offset: '0' })),
  });
  await admin.disconnect();
  const port = await freePort();
  await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      cluster.bootstrap,
      '--cluster-name',
      'c3',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--no-probe',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 30_000, name: 'exporter' },
  );
  exporterUrl = `http://127.0.0.1:${port}`;
});

after(async () => {
  await cluster?.stop();
});

const describeUrp = (bootstrap: string) =>
  runCli(['topics', 'describe', '--under-replicated', '--output', 'json', '--bootstrap', bootstrap], {
    timeoutMs: 60_000,
  });

test('topics describe --under-replicated lists exactly the partitions of a stopped broker (exit 3), then none (exit 0)', async () => {
  const healthy = await describeUrp(cluster.bootstrap);
  assert.equal(healthy.code, 0, healthy.stderr);
  assert.deepEqual(
    (JSON.parse(healthy.stdout) as Described[]).flatMap((t) => t.partitions),
    [],
  );

  const victim = 2;
  await cluster.admin.kill(victim);
  const survivors = cluster.nodes
    .filter((n) => n.id !== victim)
    .map((n) => `127.0.0.1:${n.port}`)
    .join(',');
  await waitFor(
    'the stopped broker out of every ISR',
    async () =>
      (await cluster.sumMetric('kafka_server_replicamanager_underreplicatedpartitions')) > 0 &&
      (await cluster.admin.cluster()).nodes.every((n) => n.id === victim || n.fenced === false),
    30_000,
    250,
  );
  const listed = await waitFor(
    'every partition of broker 2 listed',
    async () => {
      const r = await describeUrp(survivors);
      if (r.code !== 3) return undefined;
      const rows = (JSON.parse(r.stdout) as Described[]).flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, ...p })),
      );
      // RF=1 partitions on broker 2 are offline, not under-replicated; every other partition with a replica there is listed.
      return rows.every((p) => p.replicas.includes(victim) && !p.isr.includes(victim)) &&
        rows.filter((p) => p.topic === 'orders-eu').length === 3
        ? rows
        : undefined;
    },
    30_000,
    500,
  );
  assert.ok(listed && listed.length >= 3);
  for (const p of listed) assert.ok(p.problems.includes('underReplicated'), JSON.stringify(p));
  // The exporter sees the same: URP in the cluster and the RF=1 partition on the stopped broker offline.
  const solo = (
    JSON.parse(
      (
        await runCli(['topics', 'describe', 'solo', '--output', 'json', '--bootstrap', survivors], {
          timeoutMs: 60_000,
        })
      ).stdout,
    ) as Described[]
  )[0];
  const onVictim = solo.partitions.filter((p) => p.replicas.includes(victim)).map((p) => p.partition);
  await scrapeUntil(
    exporterUrl,
    'exporter URP and offline series',
    (s) => {
      const urp = valueOf(s, 'kafka_cluster_under_replicated_partitions', { cluster: 'c3' }) ?? 0;
      const offline = onVictim.every(
        (p) =>
          valueOf(s, 'kafka_topic_partition_offline', { cluster: 'c3', topic: 'solo', partition: String(p) }) === 1,
      );
      return (
        urp >= 3 &&
        offline &&
        (valueOf(s, 'kafka_cluster_offline_partitions', { cluster: 'c3' }) ?? 0) >= onVictim.length
      );
    },
    30_000,
  );

  // Operator commands keep working while a partition is offline (kafkajs alone rejects every
  // Metadata answer then: kafka-client/kafkajs-internals.ts adoptBrokers).
  const groups = await runCli(['groups', 'list', '--output', 'json', '--bootstrap', survivors], { timeoutMs: 60_000 });
  assert.equal(groups.code, 0, groups.stderr);
  assert.ok(
    (JSON.parse(groups.stdout) as { groupId: string }[]).some((g) => g.groupId === 'solo-readers'),
    groups.stdout,
  );
  const described = await runCli(['groups', 'describe', 'solo-readers', '--output', 'json', '--bootstrap', survivors], {
    timeoutMs: 60_000,
  });
  assert.equal(described.code, 0, described.stderr);
  const rows = (
    JSON.parse(described.stdout) as {
      partitions: { partition: number; currentOffset: number | null; logEndOffset: number | null }[];
    }[]
  )[0].partitions;
  assert.deepEqual(
    rows.map((r) => r.partition),
    [0, 1, 2],
    'the offline partition keeps its row',
  );
  for (const r of rows) assert.equal(r.currentOffset, 0);
  for (const p of onVictim) assert.equal(rows[p].logEndOffset, null, 'no log end offset without a leader');
  const clusterView = await runCli(['cluster', 'describe', '--output', 'json', '--bootstrap', survivors], {
    timeoutMs: 60_000,
  });
  assert.equal(clusterView.code, 0, clusterView.stderr);
  for (const b of (JSON.parse(clusterView.stdout) as { brokers: { id: number; error?: string }[] }).brokers)
    assert.equal(b.error, undefined, `broker ${b.id} answers ApiVersions`);

  await cluster.admin.restart(victim);
  await cluster.waitHealthy();
  await waitFor(
    'URP back to 0',
    async () => (await cluster.sumMetric('kafka_server_replicamanager_underreplicatedpartitions')) === 0,
    60_000,
    250,
  );
  const back = await describeUrp(cluster.bootstrap);
  assert.equal(back.code, 0, back.stderr);
  assert.deepEqual(
    (JSON.parse(back.stdout) as Described[]).flatMap((t) => t.partitions),
    [],
  );
  await scrapeUntil(
    exporterUrl,
    'exporter URP and offline back to 0',
    (s) =>
      valueOf(s, 'kafka_cluster_under_replicated_partitions', { cluster: 'c3' }) === 0 &&
      valueOf(s, 'kafka_cluster_offline_partitions', { cluster: 'c3' }) === 0,
    30_000,
  );
});

test('acls list shows the cluster ACLs; a filter narrows them', async () => {
  const all = await runCli(['acls', 'list', '--output', 'json', '--bootstrap', cluster.bootstrap], {
    timeoutMs: 60_000,
  });
  assert.equal(all.code, 0, all.stderr);
  const rows = JSON.parse(all.stdout) as {
    resourceType: string;
    resourceName: string;
    patternType: string;
    principal: string;
    operation: string;
    permission: string;
  }[];
  assert.deepEqual(rows, [
    {
      resourceType: 'topic',
      resourceName: 'orders-',
      patternType: 'prefixed',
      principal: 'User:alice',
      host: '*',
      operation: 'write',
      permission: 'allow',
    },
  ]);
  const none = await runCli(['acls', 'list', '--principal', 'User:bob', '--bootstrap', cluster.bootstrap], {
    timeoutMs: 60_000,
  });
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /No ACLs match/);
  const bad = await runCli(['acls', 'list', '--resource-type', 'queue', '--bootstrap', cluster.bootstrap], {
    timeoutMs: 60_000,
  });
  assert.equal(bad.code, 2);
});
