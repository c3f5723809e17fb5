// test-budget: 300s
// The cluster launcher (`kafka-sre broker --brokers 3`) and its admin API, driven through the
// chaos runner's LauncherClient, on a cluster whose client and inter-broker listeners are all
// advertised behind a plain TCP proxy per broker (chaos/proxy, started in this process): clients
// and replica fetchers only ever see the proxies. Drills: the admin API's view and errors,
// SIGSTOP/SIGCONT, a per-broker log-directory capacity (KAFKA_STORAGE_ERROR, offline-dir metric,
// DescribeLogDirs v4, recovery when raised), and a rolling restart with SIGTERM of every broker
// under acks=all load (no offline partition, no acknowledged record lost).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { LauncherError } from '../chaos/faults/launcher-client.js';
import { createLogger } from '../common/logging.js';
import { startProxyServer, type RunningProxyServer } from '../chaos/proxy/server.js';
import { describeLogDirsCodec } from '../protocol/apis/35-describe-log-dirs.js';
import { processFixture, waitFor } from './support/processes.js';
import { freePort } from './support/ports.js';
import { RawClient, tempDir } from './broker-support.js';
import {
  metricValue,
  pickClusterPorts,
  startClusterProc,
  type ClusterPorts,
  type ClusterProc,
} from './cluster-support.js';

const fx = processFixture();
const dir = tempDir('cluster-launcher');
const BROKERS = 3;
const OFFLINE_DIRS = 'kafka_log_logmanager_offlinelogdirectorycount';
const OFFLINE_PARTITIONS = 'kafka_controller_kafkacontroller_offlinepartitionscount';
const URP = 'kafka_server_replicamanager_underreplicatedpartitions';

let ports: ClusterPorts;
let proxy: RunningProxyServer;
const proxyPorts: { client: number; interBroker: number }[] = [];
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
let bootstrap: string[];

before(async () => {
  ports = await pickClusterPorts(BROKERS);
  const populate = [];
  const args: string[] = [];
  for (let i = 0; i < BROKERS; i++) {
    const pp = { client: await freePort(), interBroker: await freePort() };
    proxyPorts.push(pp);
    populate.push({
      name: `broker${i}-client`,
      listen: `127.0.0.1:${pp.client}`,
      upstream: `127.0.0.1:${ports.port + 100 * i}`,
    });
    populate.push({
      name: `broker${i}-interBroker`,
      listen: `127.0.0.1:${pp.interBroker}`,
      upstream: `127.0.0.1:${ports.interBrokerPort + 100 * i}`,
    });
    args.push(
      '--advertise',
      `${i}:client=127.0.0.1:${pp.client}`,
      '--advertise',
      `${i}:interBroker=127.0.0.1:${pp.interBroker}`,
    );
  }
  proxy = await startProxyServer({
    port: 0,
    populate,
    proxyMetrics: true,
    logger: createLogger({ name: 'proxy', level: 'warn' }),
  });
  cluster = await startClusterProc(fx, dir, { brokers: BROKERS, ports, args });
  bootstrap = proxyPorts.map((p) => `127.0.0.1:${p.client}`);
  kafka = new Kafka({
    clientId: 'cluster-launcher',
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin?.disconnect();
  await cluster?.stop();
  await proxy?.close();
});

const running = async () => (await cluster.admin.nodes()).filter((n) => n.state === 'running').map((n) => n.id);

/** Sum of a metric over the running brokers. */
async function sum(name: string): Promise<number> {
  let total = 0;
  for (const id of await running()) total += metricValue(await cluster.metrics(id).catch(() => ''), name) ?? 0;
  return total;
}

test('the launcher runs one OS process per broker; its admin API lists them and answers errors as JSON', async () => {
  const nodes = await cluster.admin.nodes();
  assert.deepEqual(
    nodes.map((n) => n.id),
    [0, 1, 2],
  );
  assert.equal(new Set(nodes.map((n) => n.pid)).size, 3, 'three distinct processes');
  const spec = JSON.parse(readFileSync(join(cluster.dataDir, 'cluster.json'), 'utf8')) as {
    nodes: { nodeId: number; advertised: { client: { port: number } } }[];
  };
  for (const n of nodes) {
    assert.equal(n.state, 'running');
    assert.ok(n.pid !== null && n.pid !== cluster.launcher.pid);
    process.kill(n.pid, 0); // throws unless the process exists
    assert.deepEqual(n.roles, ['broker', 'controller']);
    assert.deepEqual(n.ports, {
      client: ports.port + 100 * n.id,
      replication: ports.interBrokerPort + 100 * n.id,
      controller: ports.controllerPort + 100 * n.id,
      metrics: ports.metricsPort + n.id,
    });
    assert.deepEqual(n.advertised?.client, { host: '127.0.0.1', port: proxyPorts[n.id].client });
    assert.deepEqual(n.advertised?.interBroker, { host: '127.0.0.1', port: proxyPorts[n.id].interBroker });
    assert.equal(
      spec.nodes[n.id].advertised.client.port,
      proxyPorts[n.id].client,
      'cluster.json carries the advertised addresses',
    );
    assert.equal(n.logDir.path, join(cluster.dataDir, `broker-${n.id}`, 'logs'));
    assert.equal(n.logDir.capacityBytes, null);
  }
  const c = await cluster.admin.cluster();
  assert.deepEqual(c.controllerVoters, [0, 1, 2]);
  assert.ok(c.activeController !== null && c.activeController >= 0 && c.activeController < 3);
  assert.equal(
    c.nodes.filter((n) => n.activeController).length,
    1,
    'exactly one node says it is the active controller',
  );
  assert.equal(await sum('kafka_controller_kafkacontroller_activecontrollercount'), 1);

  await assert.rejects(cluster.admin.kill(7), (e: LauncherError) => e.status === 404 && /no node 7/.test(e.message));
  const badRoute = await fetch(`${cluster.admin.baseUrl}/nodes/1/explode`, { method: 'POST' });
  assert.equal(badRoute.status, 404);
  assert.match(((await badRoute.json()) as { error: string }).error, /no route/);
  const badBody = await fetch(`${cluster.admin.baseUrl}/nodes/1/log-dir-capacity`, {
    method: 'PUT',
    body: '{"bytes": -5}',
  });
  assert.equal(badBody.status, 400);
  assert.match(((await badBody.json()) as { error: string }).error, /bytes/);
  const wrongMethod = await fetch(`${cluster.admin.baseUrl}/nodes/1/kill`);
  assert.equal(wrongMethod.status, 405);
});

test('clients and replica fetchers go through the per-broker proxies the brokers advertise', async () => {
  const md = await admin.fetchTopicMetadata({ topics: [] }).catch(() => null);
  assert.ok(md);
  // Metadata advertises the proxies, not the bind ports.
  const cl = await admin.describeCluster();
  assert.deepEqual(
    cl.brokers.map((b) => b.port).sort((a, b) => a - b),
    proxyPorts.map((p) => p.client).sort((a, b) => a - b),
  );
  assert.equal(
    await admin.createTopics({
      topics: [{ topic: 'via-proxy', numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    }),
    true,
  );
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < 5; i++)
    await producer.send({
      topic: 'via-proxy',
      acks: -1,
      messages: Array.from({ length: 20 }, (_, j) => ({ value: `m${i}-${j}` })),
    });
  await producer.disconnect();
  const total = (await admin.fetchTopicOffsets('via-proxy')).reduce((n, o) => n + Number(o.high), 0);
  assert.equal(total, 100);
  const text = await (await fetch(`${proxy.url}/metrics`)).text();
  const bytes = (name: string) =>
    [
      ...text.matchAll(new RegExp(`^toxiproxy_proxy_\\w+_bytes_total\\{[^}]*proxy="${name}"[^}]*\\} (\\d+)`, 'gm')),
    ].reduce((n, m) => n + Number(m[1]), 0);
  for (let i = 0; i < BROKERS; i++) {
    assert.ok(bytes(`broker${i}-client`) > 0, `client traffic of broker ${i} went through its proxy`);
    assert.ok(bytes(`broker${i}-interBroker`) > 0, `replication traffic to broker ${i} went through its proxy`);
  }
});

test('pause (SIGSTOP) and resume (SIGCONT) a broker', async () => {
  const { activeController } = await cluster.admin.cluster();
  const id = [0, 1, 2].find((i) => i !== activeController)!;
  const node = (await cluster.admin.nodes())[id];
  const procState = () => readFileSync(`/proc/${node.pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
  await cluster.admin.pause(id);
  assert.equal((await cluster.admin.nodes())[id].state, 'paused');
  await waitFor('the process is stopped', () => procState() === 'T', 5000, 50);
  await cluster.admin.resume(id);
  assert.equal((await cluster.admin.nodes())[id].state, 'running');
  await waitFor('the process runs again', () => procState() !== 'T', 5000, 50);
  await cluster.waitHealthy(60_000);
});

function isStorageError(e: unknown): boolean {
  const chain: string[] = [];
  for (
    let x = e as
        { name?: string; type?: string; message?: string; cause?: unknown; originalError?: unknown } | undefined,
      n = 0;
    x && n < 5;
    n++
  ) {
    chain.push(`${x.name} ${x.type} ${x.message}`);
    x = (x.originalError ?? x.cause) as typeof x;
  }
  return /KAFKA_STORAGE_ERROR|storage/i.test(chain.join(' '));
}

test('a full log directory fails produce with KAFKA_STORAGE_ERROR and goes offline; raising the capacity brings it back', async () => {
  assert.equal(
    await admin.createTopics({
      topics: [{ topic: 'disk', numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    }),
    true,
  );
  // Metadata reaches every broker shortly after the create (as in Kafka): ask until it has.
  const parts = (await waitFor(
    "the topic in every broker's metadata",
    async () => (await admin.fetchTopicMetadata({ topics: ['disk'] }).catch(() => null))?.topics[0].partitions,
    15_000,
  ))!;
  const { partitionId: partition, leader: target } = parts[0];
  const before = (await cluster.admin.nodes())[target].logDir.usedBytes;
  const capacity = before + 48 * 1024;
  await cluster.admin.setLogDirCapacity(target, capacity);
  assert.equal((await cluster.admin.nodes())[target].logDir.capacityBytes, capacity);

  const producer: Producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  const value = 'x'.repeat(1024);
  let failure: unknown = null;
  let other: unknown = null;
  let sent = 0;
  for (let i = 0; i < 200 && failure === null; i++) {
    try {
      await producer.send({
        topic: 'disk',
        acks: 1,
        messages: Array.from({ length: 4 }, () => ({ partition, value })),
      });
      sent += 4;
    } catch (e) {
      // Transient errors (a client whose metadata lags) are retried; the storage error ends the loop.
      if (isStorageError(e)) failure = e;
      else other = e;
    }
  }
  assert.ok(
    failure !== null,
    `no KAFKA_STORAGE_ERROR after ${sent} KiB into a ${capacity - before}-byte headroom (last other error: ${(other as Error | null)?.message})`,
  );
  assert.ok(sent >= 16, `a few appends fit before the limit (${sent})`);

  await waitFor(
    'the offline-log-dir metric',
    async () => metricValue(await cluster.metrics(target), OFFLINE_DIRS) === 1,
    15_000,
  );
  const node = (await cluster.admin.nodes())[target];
  assert.equal(node.logDir.offline, true);
  const raw = await RawClient.connect(cluster.nodes[target].port);
  try {
    const res = await raw.request(describeLogDirsCodec, 4, { topics: null });
    assert.equal(res.results.length, 1);
    assert.equal(res.results[0].errorCode, 56, 'KAFKA_STORAGE_ERROR for the offline directory');
    assert.equal(res.results[0].totalBytes, capacity);
    assert.ok(res.results[0].usableBytes < 4 * 1024 + 512, `usable bytes ${res.results[0].usableBytes} near zero`);
  } finally {
    raw.close();
  }
  // Other brokers are unaffected.
  for (const id of [0, 1, 2].filter((i) => i !== target))
    assert.equal(metricValue(await cluster.metrics(id), OFFLINE_DIRS), 0);

  await cluster.admin.setLogDirCapacity(target, null);
  await waitFor(
    'produce works again on the raised limit',
    async () => {
      try {
        await producer.send({ topic: 'disk', acks: 1, messages: [{ partition, value: 'after' }] });
        return true;
      } catch {
        return false;
      }
    },
    20_000,
    300,
  );
  await producer.disconnect();
  await waitFor(
    'the log dir back online in the metrics',
    async () => metricValue(await cluster.metrics(target), OFFLINE_DIRS) === 0,
    15_000,
  );
  const after = (await cluster.admin.nodes())[target].logDir;
  assert.equal(after.offline, false);
  assert.equal(after.capacityBytes, null);
  // An RF=1 partition cannot hand its leadership over: out of the way of the rolling restart.
  await admin.deleteTopics({ topics: ['disk'] });
});

/** `kcat -C` every record of a topic to the end: "partition offset value" per line. */
function consumeAll(topic: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'kcat',
      ['-b', bootstrap.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\\n'],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout.split('\n').filter(Boolean))),
    );
  });
}

test('a rolling restart with SIGTERM of every broker under acks=all load: no offline partition, no acknowledged record lost', async (t) => {
  const topic = 'rolling';
  assert.equal(
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] },
      ],
      waitForLeaders: true,
    }),
    true,
  );
  const producer = kafka.producer({ retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
  await producer.connect();
  const acked = new Map<string, string>(); // "partition offset" -> value
  let seq = 0;
  let failedSends = 0;
  let stopLoad = false;
  const load = (async () => {
    while (!stopLoad) {
      const batch = Array.from({ length: 3 }, (_, p) =>
        Array.from({ length: 10 }, () => ({ partition: p, value: `r${seq++}` })),
      );
      try {
        const res = await producer.send({ topic, acks: -1, timeout: 10_000, messages: batch.flat() });
        for (const r of res) {
          const values = batch[r.partition].map((m) => m.value);
          values.forEach((v, i) => acked.set(`${r.partition} ${Number(r.baseOffset) + i}`, v));
        }
      } catch {
        failedSends++;
      }
    }
  })();
  let maxOffline = 0;
  let stopWatch = false;
  const watch = (async () => {
    while (!stopWatch) {
      maxOffline = Math.max(maxOffline, await sum(OFFLINE_PARTITIONS).catch(() => 0));
      const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
      for (const p of md?.topics[0].partitions ?? []) if (p.leader < 0) maxOffline = Math.max(maxOffline, 1);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  try {
    await waitFor('load under way', () => acked.size >= 300, 30_000);
    for (const id of [0, 1, 2]) {
      const ackedBefore = acked.size;
      const t0 = Date.now();
      await cluster.admin.stop(id);
      const stoppedMs = Date.now() - t0;
      const tail = () =>
        cluster.launcher
          .output()
          .split('\n')
          .filter((l) => l.startsWith(`[broker ${id}]`))
          .slice(-12)
          .join('\n');
      const down = (await cluster.admin.nodes())[id];
      assert.equal(down.state, 'stopped');
      assert.deepEqual(
        [down.lastExit?.code, down.lastExit?.signal],
        [0, null],
        `broker ${id} stopped on its own after SIGTERM (not SIGKILLed by the launcher); its last lines:\n${tail()}`,
      );
      assert.doesNotMatch(
        tail(),
        /controlled shutdown incomplete/,
        `broker ${id} handed over every leadership before stopping`,
      );
      await cluster.admin.restart(id);
      const restartedMs = Date.now() - t0;
      await cluster.waitHealthy(60_000);
      // The next broker goes only once every replica is back in sync, as an operator would wait.
      await waitFor(
        `broker ${id} back in every ISR`,
        async () => (await running()).length === 3 && (await sum(URP)) === 0,
        60_000,
        300,
      );
      const inSyncMs = Date.now() - t0;
      await waitFor('produce progresses after the restart', () => acked.size > ackedBefore + 60, 30_000);
      t.diagnostic(
        `broker ${id}: controlled shutdown ${stoppedMs} ms, ready again ${restartedMs} ms, back in every ISR ${inSyncMs} ms, acked so far ${acked.size}`,
      );
    }
  } finally {
    stopLoad = true;
    await load;
    stopWatch = true;
    await watch;
    await producer.disconnect();
  }
  for (const line of cluster.launcher
    .output()
    .split('\n')
    .filter((l) => /controlled shutdown|did not stop|handles still open/.test(l))
    .slice(-6))
    t.diagnostic(line.slice(0, 300));
  assert.equal(maxOffline, 0, 'no partition was offline during the rolling restart');
  const lines = await consumeAll(topic);
  const stored = new Map<string, string>();
  for (const l of lines) {
    const [p, o, ...v] = l.split(' ');
    stored.set(`${p} ${o}`, v.join(' '));
  }
  const lost = [...acked].filter(([k, v]) => stored.get(k) !== v);
  assert.deepEqual(
    lost.slice(0, 10),
    [],
    `${lost.length} of ${acked.size} acknowledged records missing or different (failed sends: ${failedSends})`,
  );
  assert.ok(acked.size >= 300);
});
