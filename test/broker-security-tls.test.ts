// test-budget: 60s
// A SASL_SSL client listener with a self-signed certificate made here with openssl: kafkajs
// (TLS + SCRAM-SHA-512) and kcat (librdkafka TLS + PLAIN) produce and list metadata; a plaintext
// client cannot talk to it. TLS files and the authorizer come from a YAML config file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, runCommand } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';
import { apiVersionsCodec } from '../protocol/apis/18-api-versions.js';

const fx = processFixture();
const dir = tempDir('broker-security-tls');
const PW = 'tls-Us3r-Pw-Kq2';
let broker: BrokerProc;
let certFile: string;

test.before(async () => {
  certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const r = await runCommand(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { timeoutMs: 30_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const configFile = join(dir, 'kafka-sre.yaml');
  writeFileSync(
    configFile,
    [
      'broker:',
      '  security:',
      '    listener: SASL_SSL',
      `    tls: { certFile: ${certFile}, keyFile: ${keyFile} }`,
      '    users:',
      `      bob: { passwordFile: ${join(dir, 'bob.pw')} }`,
      '    authorizer: true',
      '    acls:',
      '      - { resourceType: topic, name: "tls-", patternType: prefixed, principal: "User:bob", operation: all }',
      '      - { resourceType: cluster, principal: "User:bob", operation: create }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'bob.pw'), `${PW}\n`);
  const saved = process.env.KAFKA_SRE_CONFIG;
  process.env.KAFKA_SRE_CONFIG = configFile;
  try {
    broker = await startBrokerProc(fx, join(dir, 'data'));
  } finally {
    if (saved === undefined) delete process.env.KAFKA_SRE_CONFIG;
    else process.env.KAFKA_SRE_CONFIG = saved;
  }
});

test('kafkajs over TLS with SCRAM-SHA-512 produces to an allowed topic and is denied elsewhere', async () => {
  const kafka = new Kafka({
    brokers: [broker.bootstrap],
    ssl: { ca: [readFileSync(certFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: 'bob', password: PW },
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
  });
  const producer = kafka.producer();
  await producer.connect();
  const [res] = await producer.send({ topic: 'tls-orders', messages: [{ value: 'over tls' }] });
  assert.equal(res?.errorCode, 0);
  await assert.rejects(producer.send({ topic: 'elsewhere', messages: [{ value: 'no' }] }));
  await producer.disconnect();
});

test('kcat (librdkafka) over TLS with PLAIN lists the topic; a plaintext client gets no Kafka answer', async () => {
  const r = await runCommand(
    'kcat',
    [
      '-b',
      broker.bootstrap,
      '-L',
      '-t',
      'tls-orders',
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      `ssl.ca.location=${certFile}`,
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      'sasl.username=bob',
      '-X',
      `sasl.password=${PW}`,
      '-m',
      '10',
    ],
    { timeoutMs: 30_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /topic "tls-orders" with 1 partitions/);
  const plain = await RawClient.connect(broker.port);
  await assert.rejects(plain.request(apiVersionsCodec, 0, {} as never));
  assert.ok(!broker.proc.output().includes(PW), 'the password never reaches the log');
});
