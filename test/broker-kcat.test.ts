// test-budget: 120s
// kcat (librdkafka 2.0) against the reference broker: feature negotiation, -L metadata, -P with
// every compression codec, -C consume back in order, -Q offsets for times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, runCommand } from './support/processes.js';
import { startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-kcat');
let broker: BrokerProc;

test.before(async () => {
  broker = await startBrokerProc(fx, dir);
});

const kcat = (args: string[], input?: string) =>
  runCommand('kcat', ['-b', broker.bootstrap, ...args], {
    timeoutMs: 30_000,
    ...(input !== undefined ? { input } : {}),
  });

test('librdkafka enables record batches, idempotence, LZ4, ZSTD, offsets-for-times and the balanced consumer', async () => {
  const { stderr } = await kcat(['-X', 'debug=feature', '-L']);
  for (const f of [
    'MsgVer2',
    'ApiVersion',
    'IdempotentProducer',
    'LZ4',
    'ZSTD',
    'OffsetTime',
    'BrokerBalancedConsumer',
    'BrokerGroupCoordinator',
  ]) {
    assert.match(stderr, new RegExp(`Enabling feature ${f}\\b`), f);
  }
});

test('kcat -L lists the broker as controller and the topics with leaders', async () => {
  await kcat(['-P', '-t', 'listed', '-p', '0'], 'x\n');
  const { stdout, code } = await kcat(['-L']);
  assert.equal(code, 0);
  assert.match(stdout, /broker 0 at 127\.0\.0\.1:\d+ \(controller\)/);
  assert.match(stdout, /topic "listed" with 1 partitions:\s+partition 0, leader 0, replicas: 0, isrs: 0/);
});

test('kcat -P with none/gzip/snappy/lz4/zstd, then -C reads every record back in order', async () => {
  const lines = Array.from({ length: 500 }, (_, i) => `line-${i}-${'x'.repeat(i % 50)}`);
  const file = join(dir, 'lines.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    const topic = `codec-${codec}`;
    const p = await kcat(['-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=5', '-l', file]);
    assert.equal(p.code, 0, `${codec}: ${p.stderr}`);
    const c = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %s\\n']);
    assert.equal(c.code, 0, c.stderr);
    const got = c.stdout.trim().split('\n');
    assert.deepEqual(
      got,
      lines.map((l, i) => `${i} ${l}`),
      codec,
    );
  }
});

test('kcat -Q finds the first offset at or after a timestamp', async () => {
  const kafka = new Kafka({ clientId: 'kcat-q', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < 5; i++)
    await producer.send({ topic: 'times', messages: [{ value: `v${i}`, timestamp: String(t0 + i * 1000) }] });
  await producer.disconnect();
  const q = await kcat(['-Q', '-t', `times:0:${t0 + 2500}`]);
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stdout, /times \[0\] offset 3/);
  const end = await kcat(['-Q', '-t', `times:0:${t0 + 99_000}`]);
  assert.match(end.stdout, /times \[0\] offset -1/);
});
