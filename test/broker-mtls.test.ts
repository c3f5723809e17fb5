// test-budget: 60s
// mTLS on the client listener (security.sslClientAuth: required) with certificates made here with
// openssl: a CA, the broker's certificate, a client certificate for O=acme/CN=alice and one from
// another CA. kafkajs with alice's certificate is authorized by ACLs on her certificate principal
// (User:CN=alice,O=acme) and denied where she has none; a client without a certificate, or with
// one the broker's CA did not sign, cannot connect. With sslClientAuth: requested, a client without
// a certificate connects as User:ANONYMOUS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { processFixture, runCommand } from './support/processes.js';
import { startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-mtls');
let broker: BrokerProc;
/** The same, with sslClientAuth: requested. */
let requested: BrokerProc;
const f = (name: string) => join(dir, name);

async function openssl(args: string[]): Promise<void> {
  const r = await runCommand('openssl', args, { timeoutMs: 30_000 });
  assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA (self-signed) and a certificate it signs for `subj` (with `ext` extensions). */
async function makeCa(name: string): Promise<void> {
  await openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`)].concat([
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ]),
  );
}
async function signed(name: string, by: string, subj: string, ext: string): Promise<void> {
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f(`${name}.key`),
    '-out',
    f(`${name}.csr`),
    '-subj',
    subj,
  ]);
  writeFileSync(f(`${name}.ext`), `${ext}\n`);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f(`${by}.pem`),
      '-CAkey',
      f(`${by}.key`),
      '-CAcreateserial',
    ].concat(['-out', f(`${name}.pem`), '-days', '1', '-extfile', f(`${name}.ext`)]),
  );
}

test.before(async () => {
  await makeCa('ca');
  await makeCa('rogue-ca');
  await signed('server', 'ca', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  await signed('alice', 'ca', '/O=acme/CN=alice', 'extendedKeyUsage=clientAuth');
  await signed('mallory', 'rogue-ca', '/O=acme/CN=alice', 'extendedKeyUsage=clientAuth');
  const config = (mode: string) => {
    const cfg = f(`${mode}.yaml`);
    writeFileSync(
      cfg,
      [
        'broker:',
        '  security:',
        '    listener: SSL',
        `    tls: { certFile: ${f('server.pem')}, keyFile: ${f('server.key')}, caFile: ${f('ca.pem')} }`,
        `    sslClientAuth: ${mode}`,
        '    authorizer: true',
        '    acls:',
        '      - { resourceType: topic, name: "mtls-", patternType: prefixed, principal: "User:CN=alice,O=acme", operation: all }',
        '      - { resourceType: cluster, principal: "User:CN=alice,O=acme", operation: create }',
        '',
      ].join('\n'),
    );
    return cfg;
  };
  broker = await startBrokerProc(fx, f('data'), undefined, ['--config', config('required')]);
  requested = await startBrokerProc(fx, f('data-requested'), undefined, ['--config', config('requested')]);
});

function kafka(ssl: KafkaConfig['ssl'], target: BrokerProc = broker): Kafka {
  return new Kafka({
    clientId: 'mtls-test',
    brokers: [target.bootstrap],
    ssl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5000,
  });
}
const caPem = () => [readFileSync(f('ca.pem'), 'utf8')];

test("alice's certificate is her principal: ACLs on User:CN=alice,O=acme allow mtls-* and deny the rest", async () => {
  const producer = kafka({
    ca: caPem(),
    cert: readFileSync(f('alice.pem'), 'utf8'),
    key: readFileSync(f('alice.key'), 'utf8'),
  }).producer({
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  try {
    let sent = false;
    for (let i = 0; i < 20 && !sent; i++) {
      try {
        await producer.send({ topic: 'mtls-orders', acks: 1, messages: [{ value: 'by certificate' }] });
        sent = true;
      } catch (e) {
        // The first send may race the auto-created topic's leader.
        if (!/leader|LEADER|not present|UNKNOWN_TOPIC/i.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    assert.ok(sent, 'produced to mtls-orders');
    await assert.rejects(
      producer.send({ topic: 'payroll', acks: 1, messages: [{ value: 'no' }] }),
      (e: Error & { type?: string }) => /authoriz/i.test(`${e.message} ${e.type ?? ''}`),
    );
  } finally {
    await producer.disconnect();
  }
});

test('without a client certificate, or with one from another CA, the connection is refused', async () => {
  for (const [what, ssl] of [
    ['no certificate', { ca: caPem() }],
    [
      'a certificate from another CA',
      { ca: caPem(), cert: readFileSync(f('mallory.pem'), 'utf8'), key: readFileSync(f('mallory.key'), 'utf8') },
    ],
  ] as const) {
    const admin = kafka(ssl).admin();
    await assert.rejects(
      (async () => {
        await admin.connect();
        await admin.listTopics();
      })(),
      `${what}: refused`,
    );
    await admin.disconnect().catch(() => undefined);
  }
});

test('sslClientAuth requested: no certificate connects as ANONYMOUS (ACLs deny it), alice is still herself, an untrusted one is refused', async () => {
  const anon = kafka({ ca: caPem() }, requested).producer({ allowAutoTopicCreation: true });
  await anon.connect();
  await assert.rejects(
    anon.send({ topic: 'mtls-anon', acks: 1, messages: [{ value: 'x' }] }),
    (e: Error & { type?: string }) => /authoriz/i.test(`${e.message} ${e.type ?? ''}`),
  );
  await anon.disconnect();
  const alice = kafka(
    { ca: caPem(), cert: readFileSync(f('alice.pem'), 'utf8'), key: readFileSync(f('alice.key'), 'utf8') },
    requested,
  ).admin();
  await alice.connect();
  assert.ok(await alice.createTopics({ topics: [{ topic: 'mtls-requested' }], waitForLeaders: true }));
  await alice.disconnect();
  const mallory = kafka(
    { ca: caPem(), cert: readFileSync(f('mallory.pem'), 'utf8'), key: readFileSync(f('mallory.key'), 'utf8') },
    requested,
  ).admin();
  await assert.rejects(
    (async () => {
      await mallory.connect();
      await mallory.listTopics();
    })(),
  );
  await mallory.disconnect().catch(() => undefined);
});
