// test-budget: 90s
// `topics delete-records` against the real reference broker: the dry run deletes nothing,
// --execute moves the log start offset as printed (kcat and kafkajs see it), a target above the
// high watermark is refused before anything is sent, and --to-high-watermark empties a partition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, runCli, runCommand } from './support/processes.js';
import { startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('ops-delete-records');
let broker: BrokerProc;
const TOPIC = 'ops-trim';

interface Row {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  newLogStartOffset: number;
  records: number;
  result?: string;
}
const run = (args: string[]) =>
  runCli(['topics', 'delete-records', TOPIC, ...args, '--bootstrap', broker.bootstrap, '--output', 'json'], {
    timeoutMs: 60_000,
  });

async function kcatLogStart(partition: number): Promise<number> {
  const q = await runCommand('kcat', ['-b', broker.bootstrap, '-Q', '-t', `${TOPIC}:${partition}:-2`], {
    timeoutMs: 30_000,
  });
  assert.equal(q.code, 0, q.stderr);
  const m = new RegExp(`${TOPIC} \\[${partition}\\] offset (\\d+)`).exec(q.stdout);
  assert.ok(m, q.stdout);
  return Number(m[1]);
}

test.before(async () => {
  broker = await startBrokerProc(fx, join(dir, 'data'));
  const kafka = new Kafka({ clientId: 'ops-delete-records', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let b = 0; b < 4; b++)
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${b}-${i}`, partition: i % 2 })),
    });
  await producer.disconnect();
});

test('the dry run prints the plan and deletes nothing', async () => {
  const r = await run(['--before', '12']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { executed: boolean; partitions: Row[] };
  assert.equal(out.executed, false);
  assert.deepEqual(
    out.partitions.map((p) => [p.partition, p.logStartOffset, p.highWatermark, p.newLogStartOffset, p.records]),
    [
      [0, 0, 20, 12, 12],
      [1, 0, 20, 12, 12],
    ],
  );
  assert.equal(await kcatLogStart(0), 0);
});

test('--execute moves the log start offset of the chosen partition only', async () => {
  const r = await run(['--before', '12', '--partition', '0', '--execute']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { executed: boolean; partitions: Row[] };
  assert.deepEqual(
    out.partitions.map((p) => [p.partition, p.newLogStartOffset, p.result]),
    [[0, 12, 'NONE']],
  );
  assert.equal(await kcatLogStart(0), 12);
  assert.equal(await kcatLogStart(1), 0);
  // A consumer from the beginning starts at the new log start.
  const c = await runCommand(
    'kcat',
    ['-b', broker.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\n'],
    { timeoutMs: 30_000 },
  );
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(c.stdout.trim().split('\n').map(Number), [12, 13, 14, 15, 16, 17, 18, 19]);
});

test('an offset above the high watermark is refused before anything is sent (exit 1)', async () => {
  const r = await run(['--before', '999', '--execute']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /above the high watermark 20/);
  assert.equal(await kcatLogStart(1), 0);
});

test('--to-high-watermark empties a partition; bad flags are usage errors', async () => {
  const r = await run(['--to-high-watermark', '--partition', '1', '--execute']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await kcatLogStart(1), 20);
  const bad = await run([]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--before OFFSET/);
  const unknown = await runCli(
    ['topics', 'delete-records', 'no-such-topic', '--before', '1', '--bootstrap', broker.bootstrap],
    { timeoutMs: 60_000 },
  );
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown topic: no-such-topic/);
});
