// test-budget: 150s
// The transaction admin APIs (DescribeProducers 61, DescribeTransactions 65, ListTransactions 66)
// through kafka-client, and `kafka-sre transactions`, on the 3-broker reference cluster. The APIs
// report what kafkajs 2.2.4's transactional producers did (open, committed, aborted); a follower
// answers NOT_LEADER_OR_FOLLOWER, another broker than the coordinator NOT_COORDINATOR. find-hanging
// lists a partition-only hanging transaction, written here by raw Produce (InitProducerId with a
// transactional id, then a transactional batch to a partition never added with AddPartitionsToTxn;
// the cluster runs with transactionPartitionVerificationEnable: false so a verifying broker accepts
// it), and not a healthy open transaction younger than the timeout; --abort without --execute
// changes nothing; --abort --execute writes the abort marker, the LSO reaches the high watermark and
// read_committed readers see past it without the aborted records. One cluster for the whole file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import kafkajs, { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { ClusterClient } from '../kafka-client/index.js';
import {
  describeProducersCodec,
  describeTransactionsCodec,
  ErrorCode,
  findCoordinatorCodec,
  initProducerIdCodec,
  listOffsetsCodec,
  produceCodec,
} from '../protocol/index.js';
import { buildRecordBatch } from '../protocol/record-batch/index.js';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir } from './broker-support.js';
import { failoverKafka, startClusterProc, TestTransactionalProducers, type ClusterProc } from './cluster-support.js';

const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;
const TOPIC = 'txadmin';
const fx = processFixture();
const dir = tempDir('ops-transactions');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
let client: ClusterClient;
const producers = new TestTransactionalProducers();
/** The healthy open transaction (test 1 opens it, test 2 checks find-hanging leaves it alone). */
let openTxn: Awaited<ReturnType<Producer['transaction']>> | undefined;

before(async () => {
  cluster = await startClusterProc(fx, dir, { broker: { transactionPartitionVerificationEnable: false } });
  kafka = failoverKafka(cluster.bootstrap, 'txadmin-test');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  client = new ClusterClient({ name: 'test', bootstrap: cluster.bootstrap.split(','), clientId: 'txadmin-client' });
  await client.connect();
});

after(async () => {
  await producers.close();
  await client?.close();
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

const transactionalProducer = (transactionalId: string): Promise<Producer> => producers.open(kafka, transactionalId);

const values = (prefix: string) => [0, 1, 2].map((i) => `${prefix}-${i}`);

async function leaderOf(partition: number): Promise<{ id: number; port: number }> {
  const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  const leader = meta.topics[0].partitions.find((p) => p.partitionId === partition)!.leader;
  return cluster.nodes.find((n) => n.id === leader)!;
}

async function withRaw<T>(port: number, fn: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.connect(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** High watermark (read_uncommitted latest) and last stable offset (read_committed latest) of a partition. */
async function offsetsOf(partition: number): Promise<{ hw: number; lso: number }> {
  const leader = await leaderOf(partition);
  return withRaw(leader.port, async (c) => {
    const [hw, lso] = await Promise.all(
      [0, 1].map(async (isolationLevel) => {
        const res = await c.request(listOffsetsCodec, 2, {
          replicaId: -1,
          isolationLevel,
          topics: [{ name: TOPIC, partitions: [{ partitionIndex: partition, timestamp: -1, maxNumOffsets: 1 }] }],
        });
        assert.equal(res.topics[0].partitions[0].errorCode, 0);
        return res.topics[0].partitions[0].offset;
      }),
    );
    return { hw, lso };
  });
}

async function coordinatorOf(transactionalId: string): Promise<{ id: number; port: number }> {
  const r = (await waitFor(`a coordinator for ${transactionalId}`, () =>
    withRaw(cluster.nodes[0].port, async (c) => {
      const fc = await c.request(findCoordinatorCodec, 1, { key: transactionalId, keyType: 1 });
      return fc.errorCode === 0 ? fc : undefined;
    }),
  ))!;
  return cluster.nodes.find((n) => n.id === r.nodeId)!;
}

test('the three APIs report what kafkajs transactional producers did: committed, aborted, open', async () => {
  const versions = await client.apiVersions(cluster.nodes[1].id);
  assert.deepEqual(
    [61, 65, 66].map((k) => versions.get(k)),
    [
      { minVersion: 0, maxVersion: 0 },
      { minVersion: 0, maxVersion: 0 },
      { minVersion: 0, maxVersion: 1 },
    ],
    'advertised in ApiVersions',
  );
  const committed = await transactionalProducer('adm-committed');
  let t = await committed.transaction();
  await t.send({ topic: TOPIC, messages: values('c').map((value) => ({ value, partition: 0 })) });
  await t.commit();
  const aborted = await transactionalProducer('adm-aborted');
  t = await aborted.transaction();
  await t.send({ topic: TOPIC, messages: values('a').map((value) => ({ value, partition: 1 })) });
  await t.abort();
  const open = await transactionalProducer('adm-open');
  const startedBefore = Date.now();
  openTxn = await open.transaction();
  await openTxn.send({ topic: TOPIC, messages: values('o').map((value) => ({ value, partition: 2 })) });

  const listed = new Map((await client.listTransactions()).map((l) => [l.transactionalId, l]));
  assert.deepEqual(
    ['adm-committed', 'adm-aborted', 'adm-open'].map((id) => listed.get(id)?.transactionState),
    ['CompleteCommit', 'CompleteAbort', 'Ongoing'],
  );
  const pid = listed.get('adm-open')!.producerId;
  assert.deepEqual(
    (await client.listTransactions({ states: ['Ongoing'] })).map((l) => l.transactionalId),
    ['adm-open'],
  );
  assert.deepEqual(
    (await client.listTransactions({ producerIds: [pid] })).map((l) => l.transactionalId),
    ['adm-open'],
  );
  assert.deepEqual(await client.listTransactions({ durationFilterMs: 3_600_000 }), [], 'none open for an hour');

  const [o, c, unknown] = await client.describeTransactions(['adm-open', 'adm-committed', 'no-such-id']);
  assert.equal(o.errorCode, 0);
  assert.equal(o.transactionState, 'Ongoing');
  assert.equal(o.producerId, pid);
  assert.equal(o.transactionTimeoutMs, 600_000);
  assert.deepEqual(o.topics, [{ topic: TOPIC, partitions: [2] }]);
  assert.ok(o.transactionStartTimeMs >= startedBefore - 1000 && o.transactionStartTimeMs <= Date.now(), 'start time');
  assert.equal(c.transactionState, 'CompleteCommit');
  assert.deepEqual(c.topics, []);
  assert.equal(unknown.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

  const described = await client.describeProducers([0, 1, 2].map((partition) => ({ topic: TOPIC, partition })));
  assert.deepEqual(
    described.map((d) => [d.partition, d.errorCode, d.producers.length]),
    [
      [0, 0, 1],
      [1, 0, 1],
      [2, 0, 1],
    ],
  );
  assert.equal(described[0].producers[0].producerId, listed.get('adm-committed')!.producerId);
  assert.equal(described[0].producers[0].currentTxnStartOffset, -1, 'committed: no open transaction');
  assert.equal(described[1].producers[0].currentTxnStartOffset, -1, 'aborted: no open transaction');
  assert.deepEqual(
    [described[2].producers[0].producerId, described[2].producers[0].currentTxnStartOffset],
    [pid, 0],
    'the open transaction starts at offset 0 of partition 2',
  );
  assert.equal(described[2].producers[0].lastSequence, 2);

  // A follower of partition 2, and a broker other than adm-open's coordinator, refuse.
  const leader = await leaderOf(2);
  const follower = cluster.nodes.find((n) => n.id !== leader.id)!;
  const notLeader = await withRaw(follower.port, (r) =>
    r.request(describeProducersCodec, 0, { topics: [{ name: TOPIC, partitionIndexes: [2] }] }),
  );
  assert.equal(notLeader.topics[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const coordinator = await coordinatorOf('adm-open');
  const other = cluster.nodes.find((n) => n.id !== coordinator.id)!;
  const notCoordinator = await withRaw(other.port, (r) =>
    r.request(describeTransactionsCodec, 0, { transactionalIds: ['adm-open'] }),
  );
  assert.equal(notCoordinator.transactionStates[0].errorCode, ErrorCode.NOT_COORDINATOR);
});

interface HangingJson {
  partitions: number;
  aborted: boolean;
  hanging: {
    topic: string;
    partition: number;
    producerId: number;
    producerEpoch: number;
    startOffset: number;
    transactionalId: string | null;
    reason: string;
    result?: string;
  }[];
}

test('find-hanging lists a partition-only hanging transaction, not a healthy open one; --abort --execute aborts it', async () => {
  assert.ok(openTxn, 'the healthy open transaction of the previous test');
  // InitProducerId for a transactional id, then a transactional batch to partition 0, which was
  // never added to a transaction: the coordinator knows the id (state Empty), not the partition.
  // Its records carry a time 20 minutes ago, older than the default 15-minute max timeout.
  const coordinator = await coordinatorOf('hang-tx');
  const init = await withRaw(coordinator.port, (r) =>
    r.request(initProducerIdCodec, 1, { transactionalId: 'hang-tx', transactionTimeoutMs: 60_000 }),
  );
  assert.equal(init.errorCode, 0);
  const leader0 = await leaderOf(0);
  const produced = await withRaw(leader0.port, (r) =>
    r.request(produceCodec, 7, {
      transactionalId: 'hang-tx',
      acks: -1,
      timeoutMs: 5000,
      topics: [
        {
          name: TOPIC,
          partitions: [
            {
              index: 0,
              records: buildRecordBatch(
                values('hang').map((value) => ({ value })),
                {
                  producerId: init.producerId,
                  producerEpoch: init.producerEpoch,
                  baseSequence: 0,
                  transactional: true,
                  baseTimestamp: Date.now() - 20 * 60_000,
                },
              ),
            },
          ],
        },
      ],
    }),
  );
  const hangOffset = produced.topics[0].partitions[0].baseOffset;
  assert.equal(produced.topics[0].partitions[0].errorCode, 0);
  // A committed transaction after it: held back too, until the hanging one is aborted.
  const committed = producers.all[0];
  const t = await committed.transaction();
  await t.send({ topic: TOPIC, messages: values('after').map((value) => ({ value, partition: 0 })) });
  await t.commit();
  const held = await offsetsOf(0);
  assert.equal(held.lso, hangOffset, 'the hanging transaction holds the LSO');
  assert.ok(held.hw > hangOffset + 3);

  const run = (args: string[]) =>
    runCli(
      ['transactions', 'find-hanging', '--topic', TOPIC, ...args, '--bootstrap', cluster.bootstrap, '--output', 'json'],
      { timeoutMs: 60_000 },
    );
  const found = await run([]);
  assert.equal(found.code, 3, found.stderr);
  const list = JSON.parse(found.stdout) as HangingJson;
  assert.equal(list.partitions, 3);
  assert.deepEqual(
    list.hanging.map((h) => [h.partition, h.producerId, h.producerEpoch, h.startOffset, h.transactionalId]),
    [[0, init.producerId, init.producerEpoch, hangOffset, 'hang-tx']],
    'only the partition-only transaction: the open one on partition 2 is younger than the timeout',
  );
  assert.match(list.hanging[0].reason, /no open transaction.*Empty/);

  const cli = (args: string[]) =>
    runCli(['transactions', ...args, '--bootstrap', cluster.bootstrap, '--output', 'json'], { timeoutMs: 60_000 });
  const listed = await cli(['list']);
  assert.equal(listed.code, 0, listed.stderr);
  const states = new Map(
    (JSON.parse(listed.stdout) as { transactionalId: string; transactionState: string }[]).map((l) => [
      l.transactionalId,
      l.transactionState,
    ]),
  );
  assert.deepEqual([states.get('hang-tx'), states.get('adm-open')], ['Empty', 'Ongoing']);
  const described = await cli(['describe', '--transactional-id', 'adm-open']);
  assert.equal(described.code, 0, described.stderr);
  const d = JSON.parse(described.stdout) as { transactionState: string; topics: unknown; durationMs: number };
  assert.deepEqual([d.transactionState, d.topics], ['Ongoing', [{ topic: TOPIC, partitions: [2] }]]);
  assert.ok(d.durationMs >= 0);
  const missing = await cli(['describe', '--transactional-id', 'no-such-id']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /TRANSACTIONAL_ID_NOT_FOUND/);
  const abortArgs = [
    'abort',
    '--topic',
    TOPIC,
    '--partition',
    '0',
    '--producer-id',
    String(init.producerId),
    '--producer-epoch',
    String(init.producerEpoch),
    '--coordinator-epoch',
    '-1',
  ];
  const abortDry = await cli(abortArgs);
  assert.equal(abortDry.code, 0, abortDry.stderr);
  assert.deepEqual(
    (({ executed, startOffset }) => ({ executed, startOffset }))(
      JSON.parse(abortDry.stdout) as Record<string, unknown>,
    ),
    { executed: false, startOffset: hangOffset },
  );
  // An epoch the partition does not report is refused: a higher one would fence the live producer.
  const wrongEpoch = abortArgs.map((a, i) => (abortArgs[i - 1] === '--producer-epoch' ? String(Number(a) + 1) : a));
  const refused = await cli([...wrongEpoch, '--execute']);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /has epoch \d+ on .*: refused/);

  const dry = await run(['--abort']);
  assert.equal(dry.code, 3, dry.stderr);
  assert.equal((JSON.parse(dry.stdout) as HangingJson).aborted, false);
  assert.deepEqual(await offsetsOf(0), held, 'the dry run changed nothing');

  const executed = await run(['--abort', '--execute']);
  assert.equal(executed.code, 0, executed.stderr);
  const out = JSON.parse(executed.stdout) as HangingJson;
  assert.equal(out.aborted, true);
  assert.deepEqual(
    out.hanging.map((h) => h.result),
    ['NONE'],
  );
  const done = await offsetsOf(0);
  assert.equal(done.lso, done.hw, 'the LSO reached the high watermark');
  assert.equal(done.hw, held.hw + 1, 'one abort marker');
  const [p0] = await client.describeProducers([{ topic: TOPIC, partition: 0 }]);
  assert.equal(p0.producers.find((p) => p.producerId === init.producerId)?.currentTxnStartOffset, -1);
  const clean = await run([]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.deepEqual((JSON.parse(clean.stdout) as HangingJson).hanging, []);
  const nothing = await cli(abortArgs);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /no open transaction on txadmin-0: nothing to abort/);

  // read_committed: past the aborted batch to the committed records after it, none of the aborted ones.
  const consumer = kafka.consumer({ groupId: 'txadmin-reader', maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => void (partition === 0 && seen.push(String(message.value))),
    });
    await waitFor('read_committed to reach the records after the aborted batch', () =>
      values('after').every((v) => seen.includes(v)) ? true : undefined,
    );
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(seen, [...values('c'), ...values('after')]);
  await openTxn.commit();
});

test('ACLs as Kafka: ListTransactions leaves out ids the caller may not describe, DescribeTransactions and DescribeProducers refuse them', async () => {
  // A one-broker SASL cluster with an authorizer: admin (super user) writes two transactions, alice may
  // DESCRIBE one transactional id and nothing else.
  process.env.TXADMIN_ADMIN_PW = 'txadm1n-Pw-4q';
  process.env.TXADMIN_ALICE_PW = 'txal1ce-Pw-8z';
  const sasl = await startBrokerProc(fx, join(dir, 'sasl'), undefined, [
    '--security-protocol',
    'SASL_PLAINTEXT',
    '--sasl-user',
    'admin=TXADMIN_ADMIN_PW',
    '--sasl-user',
    'alice=TXADMIN_ALICE_PW',
    '--super-user',
    'User:admin',
    '--authorizer',
  ]);
  const adminKafka = new Kafka({
    clientId: 'txadmin-acl',
    brokers: [sasl.bootstrap],
    sasl: { mechanism: 'plain', username: 'admin', password: process.env.TXADMIN_ADMIN_PW },
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  const a = adminKafka.admin();
  await a.connect();
  const alice = new ClusterClient({
    name: 'alice',
    bootstrap: [sasl.bootstrap],
    sasl: { mechanism: 'plain', username: 'alice', passwordEnv: 'TXADMIN_ALICE_PW' },
  });
  try {
    await a.createTopics({ topics: [{ topic: 'acl-out', numPartitions: 1 }], waitForLeaders: true });
    for (const id of ['acl-visible', 'acl-hidden']) {
      const p = await producers.track(
        adminKafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 }),
      );
      const t = await p.transaction();
      await t.send({ topic: 'acl-out', messages: [{ value: id }] });
      await t.commit();
    }
    await a.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TRANSACTIONAL_ID,
          resourceName: 'acl-visible',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          operation: AclOperationTypes.DESCRIBE,
          principal: 'User:alice',
          host: '*',
          permissionType: AclPermissionTypes.ALLOW,
        },
        {
          // DESCRIBE (Metadata shows the topic and its leader) but not READ.
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'acl-out',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          operation: AclOperationTypes.DESCRIBE,
          principal: 'User:alice',
          host: '*',
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
    await alice.connect();
    assert.deepEqual(
      (await alice.listTransactions()).map((l) => [l.transactionalId, l.transactionState]),
      [['acl-visible', 'CompleteCommit']],
    );
    const [visible, hidden] = await alice.describeTransactions(['acl-visible', 'acl-hidden']);
    assert.deepEqual([visible.errorCode, visible.transactionState], [0, 'CompleteCommit']);
    assert.equal(hidden.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const [p0] = await alice.describeProducers([{ topic: 'acl-out', partition: 0 }]);
    assert.equal(p0.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'DESCRIBE but no READ on the topic');
  } finally {
    await alice.close();
    await a.disconnect();
    await sasl.proc.stop();
  }
});
