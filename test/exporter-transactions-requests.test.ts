// test-budget: 150s
// The requests of one exporter transaction read (exporter/collect/transactions.ts TransactionReader),
// counted where they arrive: the sum over the three brokers of
// kafka_network_requestmetrics_requests_total{request=...}. The read gets this cycle's ClusterState
// (brokers, each partition's leader) and passes it with ListTransactions' coordinators to the
// client, so it sends ListTransactions to each broker, DescribeTransactions to each coordinator,
// DescribeProducers to each leader, and no Metadata or FindCoordinator at all. The same calls
// without hints (as ops/ makes them) are counted too, so the counters are shown to see the lookups.
// Wrong hints are resolved: a coordinator that is not one answers NOT_COORDINATOR and a broker that
// does not exist fails the request, and each id goes through FindCoordinator; a leader hint at a
// follower answers NOT_LEADER_OR_FOLLOWER and the partition is looked up in Metadata.
// Nothing else talks to the cluster while counting: the kafkajs producers hold their transactions
// open idle, and brokers send each other neither Metadata nor FindCoordinator nor these APIs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createLogger } from '../common/index.js';
import { ClusterClient, RequestErrors, type ClusterState } from '../kafka-client/index.js';
import { TransactionReader } from '../exporter/collect/transactions.js';
import { parseExposition } from './exporter-helpers.js';
import { processFixture, waitFor } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { failoverKafka, startClusterProc, TestTransactionalProducers, type ClusterProc } from './cluster-support.js';

const TOPIC = 'txreq';
const OPEN_IDS = ['txreq-a', 'txreq-b', 'txreq-c', 'txreq-d', 'txreq-e', 'txreq-f'];
const COUNTED = ['Metadata', 'FindCoordinator', 'ListTransactions', 'DescribeTransactions', 'DescribeProducers'];
const fx = processFixture();
const dir = tempDir('exporter-transactions-requests');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
let client: ClusterClient;
const producers = new TestTransactionalProducers();

before(async () => {
  cluster = await startClusterProc(fx, dir);
  kafka = failoverKafka(cluster.bootstrap, 'txreq-test');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  // One transaction committed (listed, not open: not described), one open per id across the partitions.
  const done = await transactionalProducer('txreq-committed');
  const t = await done.transaction();
  await t.send({ topic: TOPIC, messages: [{ value: 'c', partition: 0 }] });
  await t.commit();
  for (const [i, id] of OPEN_IDS.entries()) {
    const p = await transactionalProducer(id);
    const open = await p.transaction();
    await open.send({ topic: TOPIC, messages: [{ value: id, partition: i % 3 }] });
  }
  client = new ClusterClient({ name: 'test', bootstrap: cluster.bootstrap.split(','), clientId: 'txreq-client' });
  await client.connect();
  // The commit's markers are written after EndTxn answered: until then the id is PrepareCommit (open).
  await waitFor('txreq-committed in CompleteCommit', async () =>
    (await client.listTransactions()).some(
      (l) => l.transactionalId === 'txreq-committed' && l.transactionState === 'CompleteCommit',
    ),
  );
});

after(async () => {
  await producers.close();
  await client?.close();
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

const transactionalProducer = (transactionalId: string): Promise<Producer> => producers.open(kafka, transactionalId);

/** Requests received per API, summed over every broker and version. */
async function requestCounts(): Promise<Map<string, number>> {
  const out = new Map<string, number>(COUNTED.map((api) => [api, 0]));
  for (const n of cluster.nodes)
    for (const s of parseExposition(await cluster.metrics(n.id)))
      if (s.name === 'kafka_network_requestmetrics_requests_total' && out.has(s.labels.request))
        out.set(s.labels.request, out.get(s.labels.request)! + s.value);
  return out;
}

/** The requests per API that `fn` sends (the counters' difference around it). */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; sent: Record<string, number> }> {
  const before = await requestCounts();
  const result = await fn();
  const afterCounts = await requestCounts();
  const sent = Object.fromEntries(COUNTED.map((api) => [api, afterCounts.get(api)! - before.get(api)!]));
  return { result, sent };
}

/** This cycle's cluster state as the exporter's collection reads it (the test topic only). */
async function collect(): Promise<ClusterState> {
  const { state, errors } = await client.collect({
    topics: (t) => t === TOPIC,
    groups: () => false,
    includeInternal: false,
  });
  assert.deepEqual(Object.fromEntries(errors.byApi), {}, 'the collection itself failed no request');
  return state;
}

const leadersOf = (state: ClusterState) =>
  state.topics.find((t) => t.name === TOPIC)!.partitions.map((p) => ({ partition: p.partition, leader: p.leader }));

test('one exporter transaction read sends no Metadata and no FindCoordinator; the calls without hints do', async () => {
  const state = await collect();
  const leaders = leadersOf(state);
  assert.equal(state.brokers.length, 3);
  assert.ok(
    state.topics[0].partitions.every((p) => p.lastStableOffset! < p.highWatermark!),
    'every partition holds an open transaction (LSO below the high watermark)',
  );
  const reader = new TransactionReader(
    'test',
    client,
    { intervalMs: 60_000, hangingMarginMs: 60_000, maxTransactionalIds: 100 },
    createLogger({ level: 'silent' }),
  );
  const errors = new RequestErrors();
  const { result: view, sent } = await counted(() => reader.view(state, errors, Date.now(), false));
  assert.deepEqual(Object.fromEntries(errors.byApi), {}, 'no request of the read failed');

  // What the read saw: every open id described (an open age comes from DescribeTransactions), every
  // partition's open transactions (DescribeProducers).
  assert.ok(view);
  const open = view.ids.filter((i) => i.state === 'Ongoing');
  assert.deepEqual(open.map((i) => i.transactionalId).sort(), OPEN_IDS);
  assert.ok(
    open.every((i) => i.openAgeSeconds !== undefined && i.hanging === false),
    'described at its coordinator',
  );
  assert.equal(view.ids.find((i) => i.transactionalId === 'txreq-committed')?.state, 'CompleteCommit');
  assert.deepEqual(view.partitions.map((p) => p.partition).sort(), [0, 1, 2]);

  const listing = await client.listTransactions();
  const coordinators = new Set(listing.filter((l) => OPEN_IDS.includes(l.transactionalId)).map((l) => l.coordinatorId));
  const partitionLeaders = new Set(leaders.map((p) => p.leader));
  assert.deepEqual(sent, {
    Metadata: 0,
    FindCoordinator: 0,
    ListTransactions: 3,
    DescribeTransactions: coordinators.size,
    DescribeProducers: partitionLeaders.size,
  });

  // The same three calls without hints, as ops/ makes them: one Metadata each and one
  // FindCoordinator per open id, seen by the same counters.
  const plain = await counted(async () => {
    const listed = await client.listTransactions();
    const ids = listed.filter((l) => l.transactionState === 'Ongoing').map((l) => l.transactionalId);
    const described = await client.describeTransactions(ids);
    const parts = await client.describeProducers(leaders.map((p) => ({ topic: TOPIC, partition: p.partition })));
    return { described, parts };
  });
  assert.deepEqual(plain.sent, {
    Metadata: 3,
    FindCoordinator: OPEN_IDS.length,
    ListTransactions: 3,
    DescribeTransactions: coordinators.size,
    DescribeProducers: partitionLeaders.size,
  });
  assert.ok(plain.result.described.every((d) => d.errorCode === 0 && d.transactionState === 'Ongoing'));
});

test('wrong hints are resolved: NOT_COORDINATOR or a failed request falls back to FindCoordinator, NOT_LEADER_OR_FOLLOWER to Metadata', async () => {
  const listing = (await client.listTransactions()).filter((l) => OPEN_IDS.includes(l.transactionalId));
  const coordinatorOf = new Map(listing.map((l) => [l.transactionalId, l.coordinatorId]));
  assert.equal(coordinatorOf.size, OPEN_IDS.length);

  // Every id named at the next broker, which is not its coordinator.
  const wrong = new Map(listing.map((l) => [l.transactionalId, (l.coordinatorId + 1) % 3]));
  const errors = new RequestErrors();
  const moved = await counted(() => client.describeTransactions(OPEN_IDS, errors, wrong));
  assert.deepEqual(Object.fromEntries(errors.byApi), {});
  assert.deepEqual(
    moved.result.map((d) => [d.transactionalId, d.errorCode, d.transactionState, d.coordinatorId]),
    OPEN_IDS.map((id) => [id, 0, 'Ongoing', coordinatorOf.get(id)]),
    'each described by its real coordinator',
  );
  assert.equal(moved.sent.Metadata, 1, 'one Metadata for the lookups');
  assert.equal(moved.sent.FindCoordinator, OPEN_IDS.length, 'one FindCoordinator per id the wrong broker refused');
  assert.equal(
    moved.sent.DescribeTransactions,
    new Set(wrong.values()).size + new Set(coordinatorOf.values()).size,
    'once at each wrongly named broker, once at each real coordinator',
  );

  // One id named at a broker the cluster does not have: its request fails, the id is looked up.
  // The rest named right: asked at their coordinators, no lookup for them.
  const [lost, ...rest] = OPEN_IDS;
  const hints = new Map([...coordinatorOf, [lost, 99]]);
  const gone = await counted(() => client.describeTransactions(OPEN_IDS, errors, hints));
  assert.deepEqual(Object.fromEntries(errors.byApi), {}, 'the failed request to a named broker is not an error');
  assert.deepEqual(
    gone.result.map((d) => [d.transactionalId, d.errorCode, d.coordinatorId]),
    OPEN_IDS.map((id) => [id, 0, coordinatorOf.get(id)]),
  );
  assert.equal(gone.sent.FindCoordinator, 1, `only ${lost} is looked up, not ${rest.join(', ')}`);

  // Each partition's leader hint at another broker (with replication factor 1 not a replica of it).
  const leaders = leadersOf(await collect());
  const misled = leaders.map((p) => ({ topic: TOPIC, partition: p.partition, leader: (p.leader + 1) % 3 }));
  const relocated = await counted(() => client.describeProducers(misled, errors));
  assert.deepEqual(Object.fromEntries(errors.byApi), {});
  assert.deepEqual(
    relocated.result.map((p) => [p.partition, p.errorCode]),
    leaders.map((p) => [p.partition, 0]),
    'answered by the real leaders',
  );
  for (const p of relocated.result)
    assert.ok(
      p.producers.some((pr) => Number(pr.currentTxnStartOffset) >= 0),
      `partition ${p.partition}: the open transaction`,
    );
  assert.equal(relocated.sent.Metadata, 1, 'one Metadata for the partitions answered NOT_LEADER_OR_FOLLOWER');
  assert.equal(
    relocated.sent.DescribeProducers,
    new Set(misled.map((p) => p.leader)).size + new Set(leaders.map((p) => p.leader)).size,
  );
});
