// test-budget: 240s
// The replicated reference cluster under failure, as separate broker processes driven through the
// launcher's admin API: RF=3 replication to every replica, URP when a follower stops and back to 0
// when it returns, min.insync.replicas enforcement, controller failover and quorum loss.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { processFixture, waitFor } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { metricValue, startClusterProc, type ClusterProc } from './cluster-support.js';

const fx = processFixture();
const dir = tempDir('cluster-failover');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;

const URP = 'kafka_server_replicamanager_underreplicatedpartitions';
const ACTIVE = 'kafka_controller_kafkacontroller_activecontrollercount';

async function partitionsOf(topic: string) {
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  return md.topics[0].partitions;
}

before(async () => {
  cluster = await startClusterProc(fx, dir);
  kafka = new Kafka({
    clientId: 'cluster-failover',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin?.disconnect();
  await cluster?.stop();
});

test('an RF=3 topic created through any broker is replicated byte for byte to every replica', async () => {
  assert.equal(
    await admin.createTopics({
      topics: [{ topic: 'rf3', numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    }),
    true,
  );
  const parts = await partitionsOf('rf3');
  assert.equal(parts.length, 3);
  for (const p of parts) {
    assert.equal(p.replicas.length, 3);
    assert.deepEqual([...p.isr].sort(), [0, 1, 2]);
  }
  assert.deepEqual(new Set(parts.map((p) => p.leader)).size, 3, 'leaders are spread over the brokers');
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < 10; i++)
    await producer.send({
      topic: 'rf3',
      acks: -1,
      messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${j}`, value: `v${i}-${j}` })),
    });
  await producer.disconnect();
  // Every replica's log ends at the same offset for every partition.
  await waitFor('all replicas at the same log end offset', async () => {
    for (const p of parts) {
      const ends = await Promise.all(
        [0, 1, 2].map(async (id) =>
          Number(
            new RegExp(`^kafka_log_log_logendoffset\\{topic="rf3",partition="${p.partitionId}"\\} (\\d+)`, 'm').exec(
              await cluster.metrics(id),
            )?.[1] ?? -1,
          ),
        ),
      );
      if (new Set(ends).size !== 1 || ends[0] <= 0) return false;
    }
    return true;
  });
  const total = (await admin.fetchTopicOffsets('rf3')).reduce((n, o) => n + Number(o.high), 0);
  assert.equal(total, 500);
});

test('a stopped follower shows as under-replicated within the lag time, and rejoins the ISR after a restart', async () => {
  const parts = await partitionsOf('rf3');
  const follower = parts[0].replicas.find((r) => r !== parts[0].leader)!;
  await cluster.admin.kill(follower);
  const t0 = Date.now();
  await waitFor('URP > 0', async () => (await cluster.sumMetric(URP)) > 0, 30_000, 250);
  const detectMs = Date.now() - t0;
  assert.ok(detectMs < 4000 + 4000 + 5000, `URP took ${detectMs} ms`);
  const shrunk = await waitFor(
    'ISR without the follower',
    async () => ((await partitionsOf('rf3'))[0].isr.includes(follower) ? undefined : true),
    30_000,
    250,
  );
  assert.ok(shrunk);
  await cluster.admin.restart(follower);
  await waitFor('URP back to 0', async () => (await cluster.sumMetric(URP)) === 0, 60_000, 250);
  const after = await partitionsOf('rf3');
  for (const p of after) assert.equal(p.isr.length, 3, `partition ${p.partitionId} ISR ${p.isr}`);
  await cluster.waitHealthy();
});

test('min.insync.replicas=3 with a broker down: acks=all gets NOT_ENOUGH_REPLICAS, acks=1 still works', async () => {
  await admin.createTopics({
    topics: [
      {
        topic: 'strict',
        numPartitions: 1,
        replicationFactor: 3,
        configEntries: [{ name: 'min.insync.replicas', value: '3' }],
      },
    ],
    waitForLeaders: true,
  });
  const [p] = await partitionsOf('strict');
  const state = await cluster.admin.cluster();
  const victim = p.replicas.find((r) => r !== p.leader && r !== state.activeController)!;
  await cluster.admin.kill(victim);
  await waitFor('ISR shrunk to 2', async () => (await partitionsOf('strict'))[0].isr.length === 2, 30_000, 250);
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  await assert.rejects(
    () => producer.send({ topic: 'strict', acks: -1, messages: [{ value: 'must fail' }] }),
    (e: Error & { type?: string; cause?: { type?: string } }) =>
      /NOT_ENOUGH_REPLICAS/.test(`${e.type} ${e.cause?.type} ${e.message}`),
  );
  const ok = await producer.send({ topic: 'strict', acks: 1, messages: [{ value: 'fine with acks=1' }] });
  assert.equal(ok[0].errorCode, 0);
  await producer.disconnect();
  const errors = await cluster.metrics(p.leader);
  assert.match(
    errors,
    /kafka_network_requestmetrics_errors_total\{request="Produce",error="NOT_ENOUGH_REPLICAS"\} [1-9]/,
  );
  await cluster.admin.restart(victim);
  await cluster.waitHealthy();
  await waitFor('URP back to 0', async () => (await cluster.sumMetric(URP)) === 0, 60_000, 250);
});

test('killing the active controller elects a new one within seconds; topic creation works again', async () => {
  // The previous test restarted a broker; on a busy machine the quorum may still be settling, so
  // wait for a controller to kill rather than reading null as node "null".
  const old = (await waitFor(
    'an active controller',
    async () => {
      const c = await cluster.admin.cluster();
      return c.activeController !== null ? { id: c.activeController } : undefined;
    },
    20_000,
    100,
  ))!.id;
  await cluster.admin.kill(old);
  const t0 = Date.now();
  // An object, not the id: node 0 would read as "not yet" to waitFor.
  const next = (await waitFor(
    'a new active controller',
    async () => {
      const c = await cluster.admin.cluster();
      return c.activeController !== null && c.activeController !== old ? { id: c.activeController } : undefined;
    },
    20_000,
    100,
  ))!.id;
  const failoverMs = Date.now() - t0;
  assert.ok(failoverMs < 5000, `new controller after ${failoverMs} ms`);
  assert.notEqual(next, old);
  await waitFor(
    'exactly one active controller in the metrics',
    async () => (await cluster.sumMetric(ACTIVE)) === 1,
    10_000,
    200,
  );
  assert.equal(
    await admin.createTopics({
      topics: [{ topic: 'after-failover', numPartitions: 2, replicationFactor: 2 }],
      waitForLeaders: true,
    }),
    true,
  );
  // Kafka 4's quorum metrics on the new controller: it committed the topic's records (commit
  // latency), it went through an election (election latency), it saw two active controllers, and
  // it fences the dead one once its heartbeat session (9 s) is over.
  const q = await waitFor(
    'the dead controller fenced for its missed heartbeats',
    async () => {
      const text = await cluster.metrics(next);
      const v = (n: string) => metricValue(text, `kafka_${n}`);
      return (v('controller_kafkacontroller_timedoutbrokerheartbeatcount') ?? 0) >= 1
        ? {
            commitAvg: v('server_raftmetrics_commit_latency_avg')!,
            commitMax: v('server_raftmetrics_commit_latency_max')!,
            electionMax: v('server_raftmetrics_election_latency_max')!,
            newActive: v('controller_kafkacontroller_newactivecontrollerscount')!,
            lag: v('controller_kafkacontroller_lastappliedrecordlagms')!,
            errors: v('controller_kafkacontroller_metadataerrorcount')!,
          }
        : undefined;
    },
    30_000,
    250,
  );
  assert.ok(q);
  assert.ok(Number.isFinite(q.commitAvg) && q.commitAvg >= 0 && q.commitMax >= q.commitAvg, JSON.stringify(q));
  assert.ok(Number.isFinite(q.electionMax) && q.electionMax >= 0 && q.electionMax < 20_000, JSON.stringify(q));
  assert.ok(q.newActive >= 2, `saw ${q.newActive} active controllers`);
  assert.ok(q.lag >= 0 && q.lag < 10_000, `apply lag ${q.lag} ms`);
  assert.equal(q.errors, 0);
  console.log(`# quorum metrics on the new controller: ${JSON.stringify(q)}`);
  await cluster.admin.restart(old);
  await cluster.waitHealthy();
});

test('losing the quorum majority leaves no active controller until a voter returns', async () => {
  const c = await cluster.admin.cluster();
  const [a, b] = c.controllerVoters
    .filter((v) => v !== c.activeController)
    .slice(0, 1)
    .concat([c.activeController!]);
  await cluster.admin.kill(a);
  await cluster.admin.kill(b);
  const survivor = c.controllerVoters.find((v) => v !== a && v !== b)!;
  await waitFor(
    'no active controller',
    async () =>
      (await cluster.admin.cluster()).activeController === null &&
      metricValue(await cluster.metrics(survivor), ACTIVE) === 0,
    15_000,
    200,
  );
  // Stays without one: a single voter of three cannot elect itself.
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal((await cluster.admin.cluster()).activeController, null);
  await cluster.admin.restart(a);
  await waitFor(
    'an active controller again',
    async () => (await cluster.admin.cluster()).activeController !== null,
    20_000,
    200,
  );
  await cluster.admin.restart(b);
  await cluster.waitHealthy();
  assert.equal(await cluster.sumMetric(ACTIVE), 1);
});
