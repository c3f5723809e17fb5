// test-budget: 120s
// SASL + ACLs on a 3-broker cluster (separate processes): users, super user and ACLs come from the
// shared config; the inter-broker listener takes SASL too (the brokers log in as the super user)
// and the controller RPC is signed with the cluster secret. An RF=3 acks=all produce works for an
// allowed principal, a topic without WRITE is refused, a bad password is rejected on every node,
// and both show up in the metrics. Without credentials, the inter-broker ports give nothing to
// kafkajs, kcat or raw requests, unsigned controller RPCs are refused, a node's admin route wants
// its token, and the cluster still replicates and elects a new controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { processFixture, runCommand, waitFor } from './support/processes.js';
import { RawClient, tempDir } from './broker-support.js';
import { createAclsCodec } from '../protocol/apis/30-create-acls.js';
import { produceCodec } from '../protocol/apis/00-produce.js';
import { buildRecordBatch } from '../protocol/record-batch/index.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';

const fx = processFixture();
const dir = tempDir('cluster-security');
const ADMIN_PW = 'cl-adm1n-Pw-Hh3';
const ALICE_PW = 'cl-al1ce-Pw-Jj5';
let cluster: ClusterProc;

test.before(async () => {
  process.env.CLSEC_ADMIN_PW = ADMIN_PW;
  process.env.CLSEC_ALICE_PW = ALICE_PW;
  cluster = await startClusterProc(fx, dir, {
    broker: {
      security: {
        listener: 'SASL_PLAINTEXT',
        users: { admin: { passwordEnv: 'CLSEC_ADMIN_PW' }, alice: { passwordEnv: 'CLSEC_ALICE_PW' } },
        authorizer: true,
        superUsers: ['User:admin'],
        acls: [
          { resourceType: 'topic', name: 'sec-', patternType: 'prefixed', principal: 'User:alice', operation: 'write' },
        ],
      },
    },
  });
  await cluster.waitHealthy(60_000);
});

const kafka = (sasl: SASLOptions) =>
  new Kafka({
    brokers: cluster.bootstrap.split(','),
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 200 },
  });

test('RF=3 acks=all produce for an allowed principal; TOPIC_AUTHORIZATION_FAILED without WRITE; bad passwords rejected and counted', async () => {
  const admin = kafka({ mechanism: 'scram-sha-512', username: 'admin', password: ADMIN_PW }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'sec-orders', numPartitions: 3, replicationFactor: 3 },
      { topic: 'other', numPartitions: 1, replicationFactor: 3 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();

  const producer = kafka({ mechanism: 'plain', username: 'alice', password: ALICE_PW }).producer({
    allowAutoTopicCreation: false,
    retry: { retries: 3 },
  });
  await producer.connect();
  const sent = await producer.send({
    topic: 'sec-orders',
    acks: -1,
    messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  assert.ok(sent.every((r) => r.errorCode === 0));
  await assert.rejects(
    producer.send({ topic: 'other', acks: -1, messages: [{ value: 'no' }] }),
    (e: Error & { type?: string }) => /TOPIC_AUTHORIZATION_FAILED|authoriz/i.test(`${e.type ?? ''} ${e.message}`),
  );
  await producer.disconnect();

  for (const n of cluster.nodes) {
    const bad = new Kafka({
      brokers: [`127.0.0.1:${n.port}`],
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'nope' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await assert.rejects(bad.connect());
    await bad.disconnect();
  }
  let failed = 0;
  let denied = 0;
  for (const n of cluster.nodes) {
    const text = await cluster.metrics(n.id);
    failed += Number(
      /^kafka_server_socketservermetrics_failed_authentication_total\{listener="PLAINTEXT"\} (\S+)$/m.exec(text)?.[1] ??
        0,
    );
    for (const m of text.matchAll(/^\S*errors_total\{[^}]*error="TOPIC_AUTHORIZATION_FAILED"[^}]*\} (\S+)$/gm))
      denied += Number(m[1]);
  }
  assert.ok(failed >= 3, `failed authentications on the nodes: ${failed}`);
  assert.ok(denied >= 1, `authorization denials counted: ${denied}`);
  for (const pw of [ADMIN_PW, ALICE_PW])
    assert.ok(!cluster.launcher.output().includes(pw), 'no password in the cluster log');
});

test('CreateAcls / DescribeAcls / DeleteAcls go through the quorum: every broker enforces them', async () => {
  const [n0, n1, n2] = cluster.nodes;
  const through = (n: { port: number }, sasl: SASLOptions) =>
    new Kafka({
      brokers: [`127.0.0.1:${n.port}`],
      sasl,
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 200 },
    });
  const adminSasl: SASLOptions = { mechanism: 'scram-sha-512', username: 'admin', password: ADMIN_PW };
  const a0 = through(n0, adminSasl).admin();
  await a0.connect();
  await a0.createTopics({
    topics: [{ topic: 'granted', numPartitions: 3, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const binding = {
    resourceType: 2,
    resourceName: 'granted',
    resourcePatternType: 3,
    principal: 'User:alice',
    host: '*',
    operation: 4,
    permissionType: 3,
  } as const;
  await a0.createAcls({ acl: [binding] });
  await a0.disconnect();
  // Another broker lists it, and alice can now write to partitions led anywhere.
  const a1 = through(n1, adminSasl).admin();
  await a1.connect();
  const listed = await a1.describeAcls({
    resourceType: 2,
    resourceName: 'granted',
    resourcePatternType: 3,
    operation: 1,
    permissionType: 1,
  });
  assert.equal(listed.resources.length, 1);
  const alice = through(n2, { mechanism: 'plain', username: 'alice', password: ALICE_PW }).producer({
    allowAutoTopicCreation: false,
    retry: { retries: 3 },
  });
  await alice.connect();
  // Brokers apply committed metadata within a round trip of the controller; allow for that.
  const sent = await waitFor(
    'WRITE granted on every leader',
    () =>
      alice
        .send({
          topic: 'granted',
          acks: -1,
          messages: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
        })
        .catch(() => undefined),
    10_000,
    100,
  );
  assert.ok(sent!.every((r) => r.errorCode === 0));
  // Deleting it through a third broker takes WRITE away everywhere.
  const removed = await a1.deleteAcls({
    filters: [
      {
        resourceType: 2,
        resourceName: 'granted',
        resourcePatternType: 3,
        principal: 'User:alice',
        host: '*',
        operation: 4,
        permissionType: 3,
      },
    ],
  });
  assert.equal(removed.filterResponses[0].matchingAcls.length, 1);
  await a1.disconnect();
  for (const n of [n0, n2]) {
    const a = through(n, adminSasl).admin();
    await a.connect();
    const left = await a.describeAcls({
      resourceType: 2,
      resourceName: 'granted',
      resourcePatternType: 3,
      operation: 1,
      permissionType: 1,
    });
    await a.disconnect();
    assert.equal(left.resources.length, 0, `broker ${n.id} still lists the deleted ACL`);
  }
  for (let p = 0; p < 3; p++) {
    await assert.rejects(
      alice.send({ topic: 'granted', acks: -1, messages: [{ value: 'no longer', partition: p }] }),
      (e: Error & { type?: string }) => /TOPIC_AUTHORIZATION_FAILED|authoriz/i.test(`${e.type ?? ''} ${e.message}`),
    );
  }
  await alice.disconnect();
});

test("the config file's ACLs live in the metadata quorum: DeleteAcls removes them on every broker, and a restart does not bring them back", async () => {
  const adminSasl: SASLOptions = { mechanism: 'scram-sha-512', username: 'admin', password: ADMIN_PW };
  // The config grants alice WRITE on topics prefixed "sec-" (resource type 2 topic, pattern 4 prefixed, operation 4 write).
  const configAcl = {
    resourceType: 2,
    resourceName: 'sec-',
    resourcePatternType: 4,
    principal: 'User:alice',
    host: '*',
    operation: 4,
    permissionType: 3,
  } as const;
  const listedEverywhere = async () => {
    const counts: number[] = [];
    for (const n of cluster.nodes) {
      const a = new Kafka({ brokers: [`127.0.0.1:${n.port}`], sasl: adminSasl, logLevel: logLevel.NOTHING }).admin();
      await a.connect();
      counts.push(
        (
          await a.describeAcls({
            resourceType: 2,
            resourceName: 'sec-',
            resourcePatternType: 4,
            operation: 1,
            permissionType: 1,
          })
        ).resources.length,
      );
      await a.disconnect();
    }
    return counts;
  };
  assert.deepEqual(await listedEverywhere(), [1, 1, 1]);
  const admin = kafka(adminSasl).admin();
  await admin.connect();
  const removed = await admin.deleteAcls({ filters: [configAcl] });
  await admin.disconnect();
  assert.equal(removed.filterResponses[0].matchingAcls.length, 1);
  await waitFor(
    'the config ACL gone from every broker',
    async () => (await listedEverywhere()).every((c) => c === 0),
    10_000,
    200,
  );
  // A restarted broker (and whichever controller follows) keeps it deleted: the log says it was written once.
  await cluster.admin.restart(1);
  await cluster.waitHealthy(60_000);
  assert.deepEqual(await listedEverywhere(), [0, 0, 0]);
});

/** One line of JSON to a controller port; resolves with the answer line ('' if none) once closed. */
async function rawRpc(port: number, msg: unknown): Promise<{ answer: string; closed: boolean }> {
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  let answer = '';
  s.setEncoding('utf8');
  s.on('data', (d: string) => (answer += d));
  s.on('error', () => undefined);
  const closed = new Promise<boolean>((resolve) => s.once('close', () => resolve(true)));
  s.write(JSON.stringify(msg) + '\n');
  const wasClosed = await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  s.destroy();
  return { answer, closed: wasClosed };
}

test('without credentials the inter-broker and controller ports give nothing; admin routes want the token; the cluster still replicates and elects', async () => {
  const nodes = await cluster.admin.nodes();
  for (const n of nodes) {
    const ib = n.ports.replication!;
    // kafkajs without SASL: no metadata.
    const anon = new Kafka({
      brokers: [`127.0.0.1:${ib}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 3000,
    }).admin();
    await assert.rejects(
      (async () => {
        await anon.connect();
        await anon.listTopics();
      })(),
      `kafkajs on inter-broker port ${ib}`,
    );
    await anon.disconnect().catch(() => undefined);
    // Raw produce and CreateAcls before authenticating: the connection closes, nothing is done.
    for (const attempt of [
      (c: RawClient) =>
        c.request(produceCodec, 7, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 2000,
          topics: [{ name: 'sec-orders', partitions: [{ index: 0, records: buildRecordBatch([{ value: 'x' }]) }] }],
        }),
      (c: RawClient) =>
        c.request(createAclsCodec, 1, {
          creations: [
            {
              resourceType: 2,
              resourceName: '*',
              patternType: 3,
              principal: 'User:*',
              host: '*',
              operation: 2,
              permissionType: 3,
            },
          ],
        }),
    ]) {
      const c = await RawClient.connect(ib);
      await assert.rejects(attempt(c), /closed/);
      c.close();
    }
  }
  // kcat without credentials on an inter-broker port: no metadata.
  const kcat = await runCommand('kcat', ['-b', `127.0.0.1:${nodes[0].ports.replication}`, '-L', '-m', '3'], {
    timeoutMs: 20_000,
  });
  assert.notEqual(kcat.code, 0, kcat.stdout);
  assert.doesNotMatch(kcat.stdout, /sec-orders/);

  // Unsigned controller RPCs: refused (SASL_AUTHENTICATION_FAILED) and the connection closed.
  const ctl = nodes[0].ports.controller!;
  for (const [method, params] of [
    ['ctl.createTopic', { name: 'sneaky', numPartitions: 1, replicationFactor: 1, configs: {} }],
    ['ctl.createAcls', { bindings: [] }],
    ['ctl.deleteAcls', { filters: [] }],
    ['raft.append', { term: 99, leaderId: 2, prevIndex: 0, prevTerm: 0, entries: [], commitIndex: 0 }],
  ] as const) {
    const r = await rawRpc(ctl, { id: 1, method, params });
    assert.ok(r.closed, `${method}: connection closed`);
    assert.match(r.answer, /"code":58/, `${method}: ${r.answer}`);
    // A forged signature is no better.
    const forged = await rawRpc(ctl, { id: 2, method, p: JSON.stringify(params), ts: Date.now(), n: 'x', mac: 'AAAA' });
    assert.match(forged.answer, /signature invalid/, `${method} forged: ${forged.answer}`);
  }
  const adminSasl: SASLOptions = { mechanism: 'scram-sha-512', username: 'admin', password: ADMIN_PW };
  const a = kafka(adminSasl).admin();
  await a.connect();
  assert.ok(!(await a.listTopics()).includes('sneaky'), 'the unsigned ctl.createTopic created nothing');
  await a.disconnect();

  // A node's admin route: refused without the token; the launcher (which holds it) still works.
  const direct = await fetch(`http://127.0.0.1:${nodes[0].ports.metrics}/admin/log-dir-capacity`, {
    method: 'PUT',
    body: JSON.stringify({ bytes: 1000 }),
  });
  assert.equal(direct.status, 401);
  await cluster.admin.setLogDirCapacity(0, null);

  // Elects and replicates: kill the active controller; another takes over, acks=all still works.
  const before = (await cluster.admin.cluster()).activeController!;
  await cluster.admin.kill(before);
  await waitFor(
    'another active controller',
    async () => {
      const c = await cluster.admin.cluster();
      return c.activeController !== null && c.activeController !== before ? c : undefined;
    },
    30_000,
    200,
  );
  await cluster.admin.restart(before);
  await cluster.waitHealthy(60_000);
  const producer = kafka(adminSasl).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sent = await waitFor(
    'an acks=all produce after the election',
    () =>
      producer.send({ topic: 'sec-orders', acks: -1, messages: [{ key: 'e', value: 'after' }] }).catch(() => undefined),
    20_000,
    200,
  );
  assert.ok(sent!.every((r) => r.errorCode === 0));
  await producer.disconnect();
});
