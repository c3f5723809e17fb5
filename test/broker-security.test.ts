// test-budget: 150s
// SASL and ACLs on one reference broker with real clients: kafkajs (PLAIN, SCRAM-SHA-256/512,
// admin createAcls/describeAcls/deleteAcls, producer and consumer denials), confluent_kafka
// (librdkafka SCRAM-SHA-512), kafka-python (PLAIN, SCRAM-SHA-512), a raw SaslHandshake v0 client (raw token frames), failed logins
// closing the connection, the metrics of both and the broker's log never showing a password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { processFixture, runCommand, waitFor } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';
import { saslHandshakeCodec } from '../protocol/apis/17-sasl-handshake.js';
import { saslAuthenticateCodec } from '../protocol/apis/36-sasl-authenticate.js';
import { metadataCodec } from '../protocol/apis/03-metadata.js';
import { listGroupsCodec } from '../protocol/apis/16-list-groups.js';
import { shareGroupHeartbeatCodec } from '../protocol/apis/76-share-group-heartbeat.js';
import { describeShareGroupOffsetsCodec } from '../protocol/apis/90-describe-share-group-offsets.js';

// kafkajs' CommonJS exports do not expose its enums to ESM named imports: take them off the default.
const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

const fx = processFixture();
const dir = tempDir('broker-security');
let broker: BrokerProc;

// Distinctive passwords so a leak into the log is easy to spot.
const ADMIN_PW = 'adm1n-S3cret-Zq7';
const ALICE_PW = 'al1ce-S3cret-Xw9';
const BAD_PW = 'wr0ng-Guess-Pp4';

test.before(async () => {
  process.env.SEC_TEST_ADMIN_PW = ADMIN_PW;
  process.env.SEC_TEST_ALICE_PW = ALICE_PW;
  // Debug level: every SASL log line the broker has is in the output the last test checks.
  process.env.KAFKA_SRE_LOG_LEVEL = 'debug';
  broker = await startBrokerProc(fx, dir, undefined, [
    '--security-protocol',
    'SASL_PLAINTEXT',
    '--sasl-user',
    'admin=SEC_TEST_ADMIN_PW',
    '--sasl-user',
    'alice=SEC_TEST_ALICE_PW',
    '--super-user',
    'User:admin',
    '--authorizer',
  ]);
});

const client = (sasl: SASLOptions, id: string) =>
  new Kafka({
    clientId: id,
    brokers: [broker.bootstrap],
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
  });
const admin = () => client({ mechanism: 'plain', username: 'admin', password: ADMIN_PW }, 'sec-admin');

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`);
  return res.text();
}
function metric(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return 0;
}

test('PLAIN and SCRAM-SHA-256/512 logins succeed; a bad password gets SASL_AUTHENTICATION_FAILED and is counted', async () => {
  const before = await scrape();
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    const a = client({ mechanism, username: 'admin', password: ADMIN_PW } as SASLOptions, `ok-${mechanism}`).admin();
    await a.connect();
    assert.ok(Array.isArray(await a.listTopics()));
    await a.disconnect();
  }
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    const a = client({ mechanism, username: 'alice', password: BAD_PW } as SASLOptions, `bad-${mechanism}`).admin();
    await assert.rejects(
      a.connect(),
      (e: Error) => /SASL|authentication/i.test(e.message),
      `${mechanism} with a bad password is rejected`,
    );
    await a.disconnect();
  }
  const after = await scrape();
  const fails = (t: string) =>
    metric(t, 'kafka_server_socketservermetrics_failed_authentication_total', { listener: 'PLAINTEXT' });
  const oks = (t: string) =>
    metric(t, 'kafka_server_socketservermetrics_successful_authentication_total', { listener: 'PLAINTEXT' });
  assert.ok(fails(after) - fails(before) >= 3, `failed authentications counted: ${fails(before)} -> ${fails(after)}`);
  assert.ok(oks(after) - oks(before) >= 3, `successful authentications counted: ${oks(before)} -> ${oks(after)}`);
});

test('raw protocol: requests before authentication close the connection; a failed SaslAuthenticate is answered then closed; v0 raw tokens work', async () => {
  const early = await RawClient.connect(broker.port);
  await assert.rejects(early.request(metadataCodec, 1, { topics: null, allowAutoTopicCreation: false } as never));
  const bad = await RawClient.connect(broker.port);
  assert.equal((await bad.request(saslHandshakeCodec, 1, { mechanism: 'PLAIN' })).errorCode, 0);
  const res = await bad.request(saslAuthenticateCodec, 1, { authBytes: Buffer.from(`\u0000alice\u0000${BAD_PW}`) });
  assert.equal(res.errorCode, 58, 'SASL_AUTHENTICATION_FAILED');
  assert.ok(res.errorMessage !== null && !res.errorMessage.includes(BAD_PW));
  await waitFor('connection closed after the failure', () => bad.closed, 10_000);
  const unsupported = await RawClient.connect(broker.port);
  assert.equal(
    (await unsupported.request(saslHandshakeCodec, 1, { mechanism: 'GSSAPI' })).errorCode,
    33,
    'UNSUPPORTED_SASL_MECHANISM',
  );
  unsupported.socket.destroy();
  // Handshake v0: the PLAIN token follows as a raw size-prefixed frame, answered with an empty one.
  const v0 = await RawClient.connect(broker.port);
  assert.equal((await v0.request(saslHandshakeCodec, 0, { mechanism: 'PLAIN' })).errorCode, 0);
  const token = Buffer.from(`\u0000alice\u0000${ALICE_PW}`);
  const frame = Buffer.alloc(4 + token.length);
  frame.writeInt32BE(token.length, 0);
  token.copy(frame, 4);
  assert.equal((await v0.sendRaw(frame)).length, 0);
  const md = await v0.request(metadataCodec, 1, { topics: null, allowAutoTopicCreation: false } as never);
  assert.ok(Array.isArray(md.topics), 'authenticated v0 connection serves requests');
  v0.socket.destroy();
});

test('ACLs: create/describe/delete with literal and prefixed patterns; WRITE/READ/DESCRIBE enforced, deny wins, denials counted', async () => {
  const a = admin().admin();
  await a.connect();
  try {
    await a.createTopics({
      topics: ['orders-eu', 'orders-us', 'payments', 'orders-secret'].map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    const alice = { principal: 'User:alice', host: '*', permissionType: AclPermissionTypes.ALLOW };
    await a.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'orders-',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          operation: AclOperationTypes.WRITE,
          ...alice,
        },
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'orders-',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          operation: AclOperationTypes.READ,
          ...alice,
        },
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'orders-secret',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          operation: AclOperationTypes.ALL,
          principal: 'User:alice',
          host: '*',
          permissionType: AclPermissionTypes.DENY,
        },
        {
          resourceType: AclResourceTypes.GROUP,
          resourceName: 'alice-',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          operation: AclOperationTypes.READ,
          ...alice,
        },
      ],
    });
    const described = await a.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
      principal: 'User:alice',
    });
    assert.equal(
      described.resources.reduce((n, r) => n + r.acls.length, 0),
      4,
    );
    const literal = await a.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'orders-secret',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    assert.equal(literal.resources.length, 1);
    assert.equal(literal.resources[0].acls[0].permissionType, AclPermissionTypes.DENY);

    const before = await scrape();
    const ak = client({ mechanism: 'scram-sha-256', username: 'alice', password: ALICE_PW }, 'alice');
    const producer = ak.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    await producer.send({ topic: 'orders-eu', messages: [{ value: 'ok' }] });
    await assert.rejects(
      producer.send({ topic: 'payments', messages: [{ value: 'no' }] }),
      (e: Error & { type?: string }) => /TOPIC_AUTHORIZATION_FAILED|authorized/i.test(`${e.type ?? ''} ${e.message}`),
    );
    await assert.rejects(
      producer.send({ topic: 'orders-secret', messages: [{ value: 'no' }] }),
      (e: Error & { type?: string }) => /TOPIC_AUTHORIZATION_FAILED|authorized/i.test(`${e.type ?? ''} ${e.message}`),
      'deny wins over the prefixed allow',
    );
    await producer.disconnect();

    // Metadata hides what alice cannot DESCRIBE (READ/WRITE imply DESCRIBE; the DENY ALL hides orders-secret).
    const aliceAdmin = ak.admin();
    await aliceAdmin.connect();
    assert.deepEqual((await aliceAdmin.listTopics()).sort(), ['orders-eu', 'orders-us']);
    await assert.rejects(
      aliceAdmin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: 'x',
            resourcePatternType: ResourcePatternTypes.LITERAL,
            operation: AclOperationTypes.READ,
            ...alice,
          },
        ],
      }),
      /CLUSTER_AUTHORIZATION_FAILED|authoriz/i,
    );
    await assert.rejects(
      aliceAdmin.createTopics({ topics: [{ topic: 'orders-new' }] }),
      (e: Error & { errors?: { type?: string }[] }) => e.errors?.[0]?.type === 'TOPIC_AUTHORIZATION_FAILED',
    );
    await aliceAdmin.disconnect();

    // Group READ: alice-* allowed, anything else GROUP_AUTHORIZATION_FAILED.
    const denied = ak.consumer({ groupId: 'other-group', retry: { retries: 0 } });
    await denied.connect();
    await assert.rejects(
      (async () => {
        await denied.subscribe({ topic: 'orders-eu', fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          denied.on(denied.events.CRASH, (e) => reject(e.payload.error));
          denied.run({ eachMessage: async () => resolve() }).catch(reject);
        });
      })(),
      // kafkajs reports the denied FindCoordinator as "failed to find group coordinator".
      (e: Error & { type?: string }) =>
        /GROUP_AUTHORIZATION_FAILED|authoriz|GroupCoordinatorNotFound/i.test(`${e.type ?? ''} ${e.name} ${e.message}`),
    );
    await denied.disconnect();
    const consumer = ak.consumer({ groupId: 'alice-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders-eu', fromBeginning: true });
    const got = await new Promise<string>((resolve, reject) => {
      consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }).catch(reject);
    });
    assert.equal(got, 'ok');
    await consumer.disconnect();

    const after = await scrape();
    for (const error of ['TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED']) {
      assert.ok(
        metric(after, 'kafka_server_request_errors_total', { error }) +
          metric(after, 'kafka_network_request_errors_total', { error }) +
          metricAny(after, error) >
          metricAny(before, error),
        `${error} counted`,
      );
    }

    // DeleteAcls by filter removes the deny: orders-secret becomes writable.
    const del = await a.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'orders-secret',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: 'User:alice',
          host: '*',
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.DENY,
        },
      ],
    });
    assert.equal(del.filterResponses[0].matchingAcls.length, 1);
    const p2 = ak.producer({ allowAutoTopicCreation: false });
    await p2.connect();
    await p2.send({ topic: 'orders-secret', messages: [{ value: 'now allowed' }] });
    await p2.disconnect();
  } finally {
    await a.disconnect();
  }
});

async function rawAs(user: string, pw: string): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  assert.equal((await c.request(saslHandshakeCodec, 1, { mechanism: 'PLAIN' })).errorCode, 0);
  assert.equal(
    (await c.request(saslAuthenticateCodec, 1, { authBytes: Buffer.from(`\0${user}\0${pw}`) })).errorCode,
    0,
  );
  return c;
}

test('ListGroups shows only the groups the caller may DESCRIBE; DescribeShareGroupOffsets hides topics it may not', async () => {
  const admin = await rawAs('admin', ADMIN_PW);
  const alice = await rawAs('alice', ALICE_PW);
  try {
    // Two share groups made by the (super user) admin: alice may DESCRIBE alice-* groups (READ on
    // that prefix from the ACL test), and no topic but orders-*.
    for (const groupId of ['admin-share', 'alice-share']) {
      const hb = await admin.request(shareGroupHeartbeatCodec, 1, {
        groupId,
        memberId: `m-${groupId}`,
        memberEpoch: 0,
        rackId: null,
        subscribedTopicNames: ['payments', 'orders-eu'],
      });
      assert.equal(hb.errorCode, 0);
    }
    const ids = async (c: RawClient) => (await c.request(listGroupsCodec, 5, {})).groups.map((g) => g.groupId).sort();
    const adminSees = await ids(admin);
    assert.ok(adminSees.includes('admin-share') && adminSees.includes('alice-share'), adminSees.join());
    const aliceSees = await ids(alice);
    assert.ok(aliceSees.length > 0 && aliceSees.every((g) => g.startsWith('alice-')), aliceSees.join());
    assert.ok(aliceSees.includes('alice-share'));

    const describe = (groupId: string, topics: { topicName: string; partitions: number[] }[] | null) =>
      alice.request(describeShareGroupOffsetsCodec, 1, { groups: [{ groupId, topics }] }).then((r) => r.groups[0]);
    const named = await describe('alice-share', [
      { topicName: 'payments', partitions: [0] },
      { topicName: 'orders-eu', partitions: [0] },
    ]);
    assert.equal(named.errorCode, 0);
    const code = (topic: string) => named.topics.find((t) => t.topicName === topic)?.partitions[0].errorCode;
    assert.equal(code('payments'), 29, 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(code('orders-eu'), 0);
    const all = await describe('alice-share', null);
    assert.deepEqual(
      all.topics.map((t) => t.topicName),
      ['orders-eu'],
      'a topic alice may not DESCRIBE is not even named',
    );
    // Unknown groups and other group types are GROUP_ID_NOT_FOUND even with topics named.
    assert.equal((await describe('alice-nope', [{ topicName: 'orders-eu', partitions: [0] }])).errorCode, 69);
    if (aliceSees.includes('alice-readers'))
      assert.equal((await describe('alice-readers', [{ topicName: 'orders-eu', partitions: [0] }])).errorCode, 69);
  } finally {
    admin.close();
    alice.close();
  }
});

/** Sum of every errors_total series with this error label, whatever its metric prefix. */
function metricAny(text: string, error: string): number {
  let n = 0;
  for (const line of text.split('\n'))
    if (!line.startsWith('#') && line.includes('errors_total{') && line.includes(`error="${error}"`))
      n += Number(line.split(' ').pop());
  return n;
}

test('librdkafka (confluent_kafka) produces with SCRAM-SHA-512 and is refused with a bad password', async () => {
  const script = `
import sys, json
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient
b, pw, bad = sys.argv[1], sys.argv[2], sys.argv[3]
conf = {'bootstrap.servers': b, 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'alice'}
p = Producer(dict(conf, **{'sasl.password': pw}))
res = []
p.produce('orders-us', b'from-librdkafka', on_delivery=lambda err, m: res.append(str(err) if err else 'ok'))
p.flush(20)
errs = []
a = AdminClient(dict(conf, **{'sasl.password': bad, 'error_cb': lambda e: errs.append(e.name())}))
try:
    a.list_topics(timeout=5)
    listed = True
except Exception as e:
    listed = False
a.poll(1)
print(json.dumps({'delivery': res, 'bad_listed': listed, 'errors': errs}))
`;
  const r = await runCommand('/usr/bin/python3', ['-c', script, broker.bootstrap, ALICE_PW, BAD_PW], {
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    delivery: string[];
    bad_listed: boolean;
    errors: string[];
  };
  assert.deepEqual(out.delivery, ['ok']);
  assert.equal(out.bad_listed, false);
  assert.ok(
    out.errors.some((e) => /AUTHENTICATION/.test(e)),
    `auth error reported: ${out.errors.join(',')}`,
  );
});

test('kafka-python produces with PLAIN and SCRAM-SHA-512 and cannot connect with a bad password', async () => {
  const script = `
import sys, json
from kafka import KafkaProducer
b, pw, bad = sys.argv[1], sys.argv[2], sys.argv[3]
conf = dict(bootstrap_servers=b, security_protocol='SASL_PLAINTEXT', sasl_plain_username='alice')
out = {}
for mech in ('PLAIN', 'SCRAM-SHA-512'):
    p = KafkaProducer(sasl_mechanism=mech, sasl_plain_password=pw, **conf)
    out[mech] = p.send('orders-us', b'from-kafka-python').get(timeout=10).offset
    p.close()
try:
    KafkaProducer(sasl_mechanism='PLAIN', sasl_plain_password=bad, api_version_auto_timeout_ms=3000, **conf)
    out['bad'] = 'accepted'
except Exception as e:
    out['bad'] = type(e).__name__
print(json.dumps(out))
`;
  const r = await runCommand('/usr/bin/python3', ['-c', script, broker.bootstrap, ALICE_PW, BAD_PW], {
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number | string>;
  assert.equal(typeof out.PLAIN, 'number');
  assert.equal(typeof out['SCRAM-SHA-512'], 'number');
  assert.notEqual(out.bad, 'accepted');
});

test('no password ever appears in the broker log', () => {
  const log = broker.proc.output();
  assert.ok(log.length > 0);
  for (const pw of [ADMIN_PW, ALICE_PW, BAD_PW]) assert.ok(!log.includes(pw), 'a password leaked into the log');
  assert.match(log, /SASL authentication failed/, 'failures are logged (without the secret)');
});
