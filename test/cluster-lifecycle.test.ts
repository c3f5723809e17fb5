// test-budget: 150s
// The cluster's lifecycle as a client and an operator meet it (issue "Green on every fresh clone"),
// with the CLI's own flags and default timings:
// - the moment broker 0's client port accepts a connection the cluster serves: librdkafka's admin
//   client (confluent-kafka-python, librdkafka 2.0.2) creates an RF=3 topic within 5 s. It used to
//   be told "controller -1" while the quorum elected, gave up looking and hung 30-40 s. Run on a
//   fresh cluster, again after a restart from the same data, and on two clusters at once;
// - SIGTERM to the launcher stops every node within 10 s, also with two of them SIGKILLed before
//   (the survivor's controlled shutdown used to wait half a minute for a controller);
// - a SIGKILLed launcher's nodes stop on their own within a few seconds.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LauncherClient } from '../chaos/faults/launcher-client.js';
import { processFixture, runCommand, waitFor, type RunningProcess } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { pickClusterPorts, type ClusterPorts } from './cluster-support.js';

const fx = processFixture();
const dir = tempDir('cluster-lifecycle');

/** Waits for `--port` to accept a TCP connection, then creates an RF=3 topic and reports timings. */
const CREATE_WHEN_OPEN = `
import json, socket, sys, time
from confluent_kafka.admin import AdminClient, NewTopic
port, topic = int(sys.argv[1]), sys.argv[2]
deadline = time.time() + 150
while True:
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=0.5)
        s.close()
        break
    except OSError:
        if time.time() > deadline:
            print(json.dumps({'error': 'port never opened'})); sys.exit(1)
        time.sleep(0.02)
t0 = time.time()
admin = AdminClient({'bootstrap.servers': '127.0.0.1:%d' % port})
futures = admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=3)], request_timeout=20)
out = {'port_open_at': t0}
try:
    futures[topic].result(timeout=30)
    out['ok'] = True
except Exception as e:
    out['ok'] = False
    out['error'] = str(e)
out['seconds'] = time.time() - t0
md = admin.list_topics(topic, timeout=10)
out['controller'] = md.controller_id
out['replicas'] = [len(p.replicas) for p in md.topics[topic].partitions.values()]
print(json.dumps(out))
`;

interface Cluster {
  name: string;
  launcher: RunningProcess;
  ports: ClusterPorts;
  dataDir: string;
  admin: LauncherClient;
}

function startCluster(name: string, ports: ClusterPorts, dataDir = join(dir, name)): Promise<Cluster> {
  return fx
    .startCli(
      [
        '--log-level',
        'warn',
        'broker',
        '--brokers',
        '3',
        '--data-dir',
        dataDir,
        '--port',
        String(ports.port),
        '--inter-broker-port',
        String(ports.interBrokerPort),
        '--controller-port',
        String(ports.controllerPort),
        '--metrics-port',
        String(ports.metricsPort),
        '--launcher-port',
        String(ports.launcherPort),
      ],
      { name },
    )
    .then((launcher) => ({
      name,
      launcher,
      ports,
      dataDir,
      admin: new LauncherClient(`http://127.0.0.1:${ports.launcherPort}`, 10_000),
    }));
}

/** Starts `python CREATE_WHEN_OPEN` first, then the cluster, so the client is there when the port opens. */
async function startAndCreate(
  name: string,
  ports: ClusterPorts,
  topic: string,
  dataDir?: string,
): Promise<{
  cluster: Cluster;
  result: { ok: boolean; seconds: number; error?: string; controller: number; replicas: number[] };
}> {
  const python = runCommand('/usr/bin/python3', ['-c', CREATE_WHEN_OPEN, String(ports.port), topic], {
    timeoutMs: 200_000,
  });
  const cluster = await startCluster(name, ports, dataDir);
  const r = await python;
  assert.equal(r.code, 0, `${name}: ${r.stdout}\n${r.stderr}\n${cluster.launcher.output().slice(-3000)}`);
  return {
    cluster,
    result: JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      ok: boolean;
      seconds: number;
      error?: string;
      controller: number;
      replicas: number[];
    },
  };
}

/** The node PIDs, from the launcher's admin API (up once it printed its ready line). */
async function nodePids(c: Cluster): Promise<number[]> {
  await waitFor(
    `${c.name}'s ready line`,
    () => /cluster launcher admin API on/.test(c.launcher.output()),
    120_000,
    100,
  );
  const nodes = await c.admin.nodes();
  assert.equal(nodes.length, 3);
  return nodes.map((n) => n.pid!);
}

/**
 * Whether the process still runs. A zombie does not count: an orphaned node is re-parented to
 * PID 1, which may reap it late, and `kill -0` succeeds on a zombie.
 */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Milliseconds until none of `pids` runs (fails after limitMs). */
async function goneWithin(pids: number[], limitMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (pids.some(running)) {
    if (Date.now() - t0 > limitMs)
      assert.fail(`${what}: still running after ${limitMs} ms: ${pids.filter(running).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

/** SIGTERM the launcher; every node and the launcher gone within 10 s. */
async function stopCluster(c: Cluster): Promise<number> {
  const pids = await nodePids(c);
  c.launcher.kill('SIGTERM');
  const ms = await goneWithin([...pids, c.launcher.pid], 10_000, `${c.name} after SIGTERM`);
  assert.equal((await c.launcher.exited).code, 0, c.launcher.output().slice(-3000));
  return ms;
}

const leftovers: Cluster[] = [];
after(async () => {
  // A failed test may leave a cluster: its launcher is stopped by the fixture; nodes by PID here.
  for (const c of leftovers)
    for (const n of await c.admin.nodes().catch(() => [])) if (n.pid && running(n.pid)) process.kill(n.pid, 'SIGKILL');
});

const timings: string[] = [];
after(() => console.log(`# cluster-lifecycle timings: ${timings.join('; ')}`));

test('right after broker 0 opens its port, librdkafka creates an RF=3 topic within 5 s (fresh cluster, then restarted from its data)', async () => {
  const ports = await pickClusterPorts(3);
  const dataDir = join(dir, 'restarted');
  for (const [i, topic] of ['fresh', 'after-restart'].entries()) {
    const { cluster, result } = await startAndCreate(`cluster-${i}`, ports, topic, dataDir);
    leftovers.push(cluster);
    assert.ok(result.ok, `${topic}: ${result.error}`);
    assert.ok(result.seconds < 5, `${topic}: CreateTopics took ${result.seconds.toFixed(2)} s`);
    assert.ok(
      result.controller >= 0 && result.controller < 3,
      `Metadata names a live broker as controller, got ${result.controller}`,
    );
    assert.deepEqual(result.replicas, [3, 3, 3]);
    const stopMs = await stopCluster(cluster);
    timings.push(`${topic}: create ${result.seconds.toFixed(2)} s, stop ${stopMs} ms`);
  }
});

let a: Cluster;
let b: Cluster;

test('two clusters on different ports start at once and each serves an RF=3 CreateTopics within 5 s of its port opening', async () => {
  const [pa, pb] = [await pickClusterPorts(3), await pickClusterPorts(3)];
  const [ra, rb] = await Promise.all([
    startAndCreate('cluster-a', pa, 'on-a'),
    startAndCreate('cluster-b', pb, 'on-b'),
  ]);
  a = ra.cluster;
  b = rb.cluster;
  leftovers.push(a, b);
  for (const [c, r] of [
    [a, ra.result],
    [b, rb.result],
  ] as const) {
    assert.ok(r.ok, `${c.name}: ${r.error}`);
    assert.ok(r.seconds < 5, `${c.name}: CreateTopics took ${r.seconds.toFixed(2)} s`);
    assert.deepEqual(r.replicas, [3, 3, 3]);
    timings.push(`${c.name} (two at once): create ${r.seconds.toFixed(2)} s`);
  }
});

test('SIGTERM to the launcher after two of its nodes were SIGKILLed: no node process 10 s later', async () => {
  assert.ok(a, 'needs the clusters of the previous test');
  const pids = await nodePids(a);
  // The worst case: the survivor is the active controller, whose own controlled shutdown cannot
  // commit without a quorum.
  const state = await waitFor('an active controller', async () => {
    const c = await a.admin.cluster();
    return c.activeController !== null ? { survivor: c.activeController } : undefined;
  });
  const survivor = state!.survivor;
  for (const [id, pid] of pids.entries()) if (id !== survivor) process.kill(pid, 'SIGKILL');
  await goneWithin(
    pids.filter((_, id) => id !== survivor),
    5000,
    'SIGKILLed nodes',
  );
  a.launcher.kill('SIGTERM');
  const ms = await goneWithin([pids[survivor], a.launcher.pid], 10_000, 'the survivor after SIGTERM');
  assert.equal((await a.launcher.exited).code, 0, a.launcher.output().slice(-3000));
  timings.push(`stop with 2 of 3 nodes SIGKILLed: ${ms} ms`);
});

test("a SIGKILLed launcher's nodes stop on their own within a few seconds", async () => {
  assert.ok(b, 'needs the clusters of the previous test');
  const pids = await nodePids(b);
  b.launcher.kill('SIGKILL');
  const ms = await goneWithin(pids, 5000, 'nodes of a SIGKILLed launcher');
  timings.push(`nodes gone after launcher SIGKILL: ${ms} ms`);
});
