// test-budget: 180s
// The operator CLI against the real reference broker: groups describe lag vs kcat's end offsets
// and the exporter's kafka_consumergroup_lag, reset-offsets (dry run / --execute / refused with a
// live member), topics and cluster views, and log dump of the broker's own segments after a clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, runCli, runCommand, waitFor } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';
import { scrapeUntil, valueOf } from './exporter-helpers.js';

const fx = processFixture();
const dir = tempDir('ops-cluster');
let broker: BrokerProc;
const TOPIC = 'ops-orders';
const GROUP = 'ops-g';
const PRODUCED = 40;

const cli = (args: string[]) => runCli([...args, '--bootstrap', broker.bootstrap], { timeoutMs: 60_000 });
async function json<T>(args: string[]): Promise<T> {
  const r = await cli([...args, '--output', 'json']);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
interface LagRow {
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
}
const describeGroup = async () =>
  (await json<{ partitions: LagRow[]; members: unknown[] }[]>(['groups', 'describe', GROUP]))[0];

test.before(async () => {
  broker = await startBrokerProc(fx, join(dir, 'data'));
  const kafka = new Kafka({ clientId: 'ops-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  // Several batches per partition, so the segments get index entries and many batches.
  for (let b = 0; b < 8; b++)
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: PRODUCED / 8 }, (_, i) => ({
        key: `k${b}-${i}`,
        value: `v${b}-${i}-${'x'.repeat(2000)}`,
        partition: i % 2,
      })),
    });
  await producer.disconnect();
  // kcat consumes 15 records as group GROUP and commits them, then leaves.
  const c = await runCommand(
    'kcat',
    [
      '-b',
      broker.bootstrap,
      '-G',
      GROUP,
      '-o',
      'beginning',
      '-c',
      '15',
      '-q',
      '-X',
      'enable.auto.commit=true',
      '-X',
      'auto.commit.interval.ms=100',
      '-X',
      'auto.offset.reset=earliest',
      TOPIC,
    ],
    { timeoutMs: 30_000 },
  );
  assert.equal(c.code, 0, c.stderr);
});

async function kcatEndOffset(partition: number): Promise<number> {
  const q = await runCommand('kcat', ['-b', broker.bootstrap, '-Q', '-t', `${TOPIC}:${partition}:-1`], {
    timeoutMs: 30_000,
  });
  assert.equal(q.code, 0, q.stderr);
  const m = new RegExp(`${TOPIC} \\[${partition}\\] offset (\\d+)`).exec(q.stdout);
  assert.ok(m, q.stdout);
  return Number(m[1]);
}

test('groups describe: lag = kcat end offset - committed, and equals the exporter kafka_consumergroup_lag', async () => {
  const g = await describeGroup();
  assert.equal(g.partitions.length, 2);
  const committed = g.partitions.filter((p) => p.currentOffset !== null);
  assert.ok(
    committed.length > 0 && committed.reduce((n, p) => n + p.currentOffset!, 0) >= 15,
    JSON.stringify(g.partitions),
  );
  for (const p of g.partitions) {
    assert.equal(p.logEndOffset, await kcatEndOffset(p.partition));
    // A partition kcat never committed on has no lag (uncommitted), as in the exporter.
    assert.equal(p.lag, p.currentOffset === null ? null : p.logEndOffset - p.currentOffset);
  }
  const port = await freePort();
  await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      broker.bootstrap,
      '--cluster-name',
      'local',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--no-probe',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 30_000 },
  );
  const url = `http://127.0.0.1:${port}`;
  for (const p of committed) {
    const v = await scrapeUntil(url, `lag of ${p.partition}`, (s) =>
      valueOf(s, 'kafka_consumergroup_lag', { consumergroup: GROUP, topic: TOPIC, partition: String(p.partition) }),
    );
    assert.equal(v, p.lag);
  }
  // With --exporter the table gains the exporter's lag status.
  const withStatus = await cli(['groups', 'describe', GROUP, '--exporter', url]);
  assert.equal(withStatus.code, 0, withStatus.stderr);
  assert.match(withStatus.stdout, /STATUS/);
});

test('groups reset-offsets: dry run changes nothing, --execute moves offsets as printed', async () => {
  const before = await describeGroup();
  const dry = await json<{
    executed: boolean;
    partitions: { partition: number; currentOffset: number; newOffset: number }[];
  }>(['groups', 'reset-offsets', GROUP, '--topic', TOPIC, '--shift-by', '-3']);
  assert.equal(dry.executed, false);
  assert.deepEqual(
    (await describeGroup()).partitions.map((p) => p.currentOffset),
    before.partitions.map((p) => p.currentOffset),
  );
  const exec = await json<typeof dry>([
    'groups',
    'reset-offsets',
    GROUP,
    '--topic',
    TOPIC,
    '--shift-by',
    '-3',
    '--execute',
  ]);
  assert.equal(exec.executed, true);
  assert.deepEqual(exec.partitions, dry.partitions);
  const after = await describeGroup();
  assert.deepEqual(
    after.partitions.map((p) => p.currentOffset),
    exec.partitions.map((p) => p.newOffset),
  );
});

test('groups reset-offsets --execute is refused while the group has members', async () => {
  const kafka = new Kafka({ clientId: 'ops-live', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'ops-live', sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({ autoCommit: true, eachMessage: async () => undefined });
  try {
    await waitFor('ops-live stable with a member', async () => {
      const r = await json<{ state: string; members: unknown[] }[]>(['groups', 'describe', 'ops-live']).catch(
        () => undefined,
      );
      return r && r[0].state === 'Stable' && r[0].members.length === 1;
    });
    const refused = await cli(['groups', 'reset-offsets', 'ops-live', '--topic', TOPIC, '--to-earliest', '--execute']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to reset offsets of group ops-live: it has 1 active member/);
    const dry = await cli(['groups', 'reset-offsets', 'ops-live', '--topic', TOPIC, '--to-earliest']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Dry run/);
  } finally {
    await consumer.disconnect();
  }
});

test('offsets dump decodes the group commits and metadata from __consumer_offsets', async () => {
  const g = await describeGroup();
  const entries = await json<
    {
      kind: string;
      topic?: string;
      topicPartition?: number;
      value: { offset?: number; protocolType?: string } | null;
    }[]
  >(['offsets', 'dump', '--group', GROUP]);
  assert.ok(entries.some((e) => e.kind === 'group' && e.value?.protocolType === 'consumer'));
  for (const p of g.partitions.filter((x) => x.currentOffset !== null)) {
    const commits = entries.filter((e) => e.kind === 'offset' && e.topic === TOPIC && e.topicPartition === p.partition);
    assert.equal(commits.at(-1)?.value?.offset, p.currentOffset);
  }
  const text = await cli(['offsets', 'dump', '--group', GROUP]);
  assert.match(text.stdout, new RegExp(`\\[${GROUP},${TOPIC},\\d\\]::OffsetAndMetadata\\(offset=\\d+`));
});

test('topics and cluster views; health filters find nothing on a healthy cluster (exit 0)', async () => {
  const d = await json<{ name: string; partitions: { logEndOffset: number }[] }[]>(['topics', 'describe', TOPIC]);
  assert.equal(
    d[0].partitions.reduce((n, p) => n + p.logEndOffset, 0),
    PRODUCED,
  );
  for (const f of ['--under-replicated', '--unavailable', '--offline', '--under-min-isr', '--unpreferred-leader']) {
    const r = await cli(['topics', 'describe', f]);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout, /No partitions match/);
  }
  // Replication factor 1 with min.insync.replicas 1: every partition is at min ISR.
  const atMin = await cli(['topics', 'describe', TOPIC, '--at-min-isr']);
  assert.equal(atMin.code, 3);
  const unknown = await cli(['topics', 'describe', 'no-such-topic']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown topic: no-such-topic/);
  const c = await json<{ controllerId: number; brokers: { id: number; apiVersions: Record<string, string> }[] }>([
    'cluster',
    'describe',
  ]);
  assert.equal(c.controllerId, 0);
  assert.ok(c.brokers[0].apiVersions.Fetch);
  const down = await runCli(
    ['cluster', 'describe', '--bootstrap', `127.0.0.1:${await freePort()}`, '--timeout', '1000'],
    { timeoutMs: 60_000 },
  );
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot reach cluster/);
  const usage = await runCli(['groups', 'reset-offsets', GROUP, '--topic', TOPIC, '--bootstrap', broker.bootstrap]);
  assert.equal(usage.code, 2);
});

test('topics alter-config: validated dry run, --execute keeps other overrides, bad values refused', async () => {
  const configs = async () =>
    (await json<{ configs: Record<string, string> }[]>(['topics', 'describe', TOPIC]))[0].configs;
  const dry = await cli(['topics', 'alter-config', TOPIC, '--set', 'retention.ms=3600000']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /retention\.ms\s+\(default\)\s+3600000/);
  assert.deepEqual(await configs(), {});
  assert.equal((await cli(['topics', 'alter-config', TOPIC, '--set', 'retention.ms=3600000', '--execute'])).code, 0);
  assert.equal((await cli(['topics', 'alter-config', TOPIC, '--set', 'segment.bytes=1048576', '--execute'])).code, 0);
  assert.deepEqual(await configs(), { 'retention.ms': '3600000', 'segment.bytes': '1048576' });
  const bad = await cli(['topics', 'alter-config', TOPIC, '--set', 'retention.ms=soon']);
  assert.equal(bad.code, 1);
});

test("log dump reads the broker's own segments after a clean stop: counts, offsets, indexes, a corrupted byte", async () => {
  await broker.proc.stop();
  let total = 0;
  for (const partition of [0, 1]) {
    const pdir = join(broker.dataDir, 'broker-0', 'logs', `${TOPIC}-${partition}`);
    const files = readdirSync(pdir)
      .filter((f) => /\.(log|index|timeindex)$/.test(f))
      .map((f) => join(pdir, f));
    const r = await runCli(['log', 'dump', ...files, '--index-sanity-check', '--print-data', '--output', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const dumps = JSON.parse(r.stdout) as {
      kind: string;
      entries?: unknown[];
      batches?: {
        baseOffset: number;
        lastOffset: number;
        count: number;
        crcValid: boolean;
        records: { offset: number; key: string }[];
      }[];
    }[];
    const logs = dumps.filter((d) => d.kind === 'log');
    const records = logs.flatMap((d) => d.batches!.flatMap((b) => b.records));
    assert.deepEqual(
      records.map((x) => x.offset),
      records.map((_, i) => i),
    );
    assert.ok(records.every((x) => /^k\d-\d+$/.test(x.key)));
    assert.ok(
      dumps.some((d) => d.kind === 'index' && d.entries!.length > 0),
      'the offset index has entries',
    );
    total += records.length;
  }
  assert.equal(total, PRODUCED);
  // Flip one byte of a copy: its batch fails the CRC and the command exits 3.
  const copy = join(dir, 'corrupt');
  cpSync(join(broker.dataDir, 'broker-0', 'logs', `${TOPIC}-0`), copy, { recursive: true });
  const seg = join(copy, '00000000000000000000.log');
  const buf = readFileSync(seg);
  buf[buf.length - 5] ^= 0x55;
  writeFileSync(seg, buf);
  const bad = await runCli(['log', 'dump', seg]);
  assert.equal(bad.code, 3);
  assert.match(bad.stdout, /isvalid: false/);
  assert.match(bad.stdout, /PROBLEM: batch at position \d+ \(offsets \d+-\d+\) fails its CRC-32C check/);
});
