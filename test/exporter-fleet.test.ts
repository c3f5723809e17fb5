// test-budget: 150s
// Fleet mode (exporter.coordination) on the 3-broker reference cluster with 200 consumer groups
// (committed offsets, no live consumers): two, then three exporter replicas in one coordination
// group export each group's lag series exactly once between them and the cluster-wide series
// once; a SIGKILLed replica's groups are exported again, exactly once, within 30 s (session
// timeout 10 s + intervals); restarted, it takes back a share.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterClient, mapLimit } from '../kafka-client/index.js';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrape, type MetricSample } from './exporter-helpers.js';
import { freePort } from './support/ports.js';

const fx = processFixture();
const dir = tempDir('exporter-fleet');
const GROUPS = 200;
const TOPIC = 'fleet-orders';
const PARTITIONS = 2;
let cluster: ClusterProc;

interface Replica {
  proc: RunningProcess;
  url: string;
}
const replicas: Replica[] = [];

before(async () => {
  cluster = await startClusterProc(fx, dir);
  const client = new ClusterClient({ name: 'setup', bootstrap: cluster.bootstrap.split(',') });
  const admin = client.admin();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const producer = client.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: 40 }, (_, i) => ({ partition: i % PARTITIONS, value: `r${i}` })),
  });
  await producer.disconnect();
  // Committed offsets only (OffsetCommit with generation -1): groups without a live member, cheap.
  await mapLimit(
    Array.from({ length: GROUPS }, (_, i) => `fleet-g${String(i).padStart(3, '0')}`),
    10,
    (g) =>
      client.commitOffsets(
        g,
        Array.from({ length: PARTITIONS }, (_, p) => ({ topic: TOPIC, partition: p, offset: 5 })),
      ),
  );
  await client.close();
});

after(async () => {
  await fx.stopAll();
  await cluster?.stop();
});

async function startReplica(): Promise<Replica> {
  const port = await freePort();
  const proc = await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      cluster.bootstrap,
      '--cluster-name',
      'fleet',
      '--port',
      String(port),
      '--interval',
      '2000',
      '--no-probe',
      '--coordination-group',
      'kafka-sre-exporters',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 60_000, name: `exporter-${replicas.length}` },
  );
  const r = { proc, url: `http://127.0.0.1:${port}` };
  replicas.push(r);
  return r;
}

interface Union {
  /** Replicas exporting each group's lag series (by replica index). */
  owners: Map<string, number[]>;
  /** Lag series per group-partition across every replica. */
  maxCopies: number;
  brokersSeries: number;
  shardGroups: number[];
  listed: number[];
}

async function union(live: readonly Replica[]): Promise<Union> {
  const scrapes: MetricSample[][] = await Promise.all(live.map((r) => scrape(r.url)));
  const owners = new Map<string, number[]>();
  const copies = new Map<string, number>();
  let brokersSeries = 0;
  const shardGroups: number[] = live.map(() => 0);
  const listed: number[] = [];
  scrapes.forEach((samples, i) => {
    const mine = new Set<string>();
    for (const s of samples) {
      if (s.name === 'kafka_consumergroup_lag' && s.labels.consumergroup.startsWith('fleet-g')) {
        mine.add(s.labels.consumergroup);
        const k = `${s.labels.consumergroup}/${s.labels.partition}`;
        copies.set(k, (copies.get(k) ?? 0) + 1);
      }
      if (s.name === 'kafka_brokers') brokersSeries++;
      if (s.name === 'kafka_sre_exporter_shard_groups') shardGroups[i] = s.value;
      if (s.name === 'kafka_sre_exporter_listed_groups') listed.push(s.value);
      if (s.name.startsWith('kafka_consumergroup') && s.labels.consumergroup === 'kafka-sre-exporters')
        throw new Error('the coordination group must not be exported');
    }
    for (const g of mine) owners.set(g, [...(owners.get(g) ?? []), i]);
  });
  return { owners, maxCopies: Math.max(0, ...copies.values()), brokersSeries, shardGroups, listed };
}

/** Every group's lag series exactly once in the union, cluster-wide series once, counts agree. */
function exactlyOnce(u: Union, replicaCount: number): boolean {
  if (u.owners.size !== GROUPS) return false;
  for (const o of u.owners.values()) if (o.length !== 1) return false;
  const busy = new Set([...u.owners.values()].map((o) => o[0]));
  return (
    u.maxCopies === 1 &&
    u.brokersSeries === 1 &&
    busy.size === replicaCount &&
    u.listed.length === 1 &&
    u.listed[0] === GROUPS &&
    u.shardGroups.reduce((a, b) => a + b, 0) === GROUPS
  );
}

const describe = (u: Union | undefined) =>
  u
    ? `groups ${u.owners.size}, multi-owned ${[...u.owners.values()].filter((o) => o.length > 1).length}, max copies ${u.maxCopies}, kafka_brokers ${u.brokersSeries}, shard groups ${u.shardGroups.join('+')}, listed ${u.listed.join(',')}`
    : 'no scrape';

async function untilExactlyOnce(live: readonly Replica[], timeoutMs: number, what: string): Promise<Union> {
  let last: Union | undefined;
  try {
    return (await waitFor(
      what,
      async () => {
        last = await union(live);
        return exactlyOnce(last, live.length) ? last : undefined;
      },
      timeoutMs,
      500,
    )) as Union;
  } catch (e) {
    throw new Error(`${(e as Error).message}; last union: ${describe(last)}`);
  }
}

test('2 then 3 replicas export every group exactly once; a SIGKILLed replica is covered within 30 s; restarted, it takes a share', async () => {
  const [a, b] = await Promise.all([startReplica(), startReplica()]);
  const two = await untilExactlyOnce([a, b], 60_000, 'two replicas sharing 200 groups');
  assert.ok(
    two.shardGroups.every((n) => n > 0),
    describe(two),
  );

  const c = await startReplica();
  const three = await untilExactlyOnce([a, b, c], 60_000, 'three replicas sharing 200 groups');
  assert.ok(
    three.shardGroups.every((n) => n > 0),
    describe(three),
  );

  // SIGKILL the replica that holds coordination partition 0 (it exports the cluster-wide series
  // too): the hardest case, both its groups and the cluster series must move.
  const scrapes = await Promise.all([a, b, c].map((r) => scrape(r.url)));
  const holder = scrapes.findIndex((s) => s.some((x) => x.name === 'kafka_brokers'));
  assert.ok(holder >= 0);
  const victim = [a, b, c][holder];
  const survivors = [a, b, c].filter((r) => r !== victim);
  const killedAt = Date.now();
  victim.proc.kill('SIGKILL');
  await victim.proc.exited;
  const after = await untilExactlyOnce(survivors, 30_000, 'the survivors covering every group after a SIGKILL');
  const coveredMs = Date.now() - killedAt;
  assert.ok(coveredMs < 30_000, `covered after ${coveredMs} ms`);
  process.stdout.write(`# failover: every group exported exactly once again ${coveredMs} ms after SIGKILL\n`);

  const back = await startReplica();
  const rejoined = await untilExactlyOnce([...survivors, back], 60_000, 'the restarted replica taking back a share');
  assert.ok(
    rejoined.shardGroups.every((n) => n > 0),
    describe(rejoined),
  );
  assert.ok(after.shardGroups.every((n) => n > 0));
});
