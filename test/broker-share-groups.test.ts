// test-budget: 120s
// KIP-932 share groups end to end on a 3-broker reference cluster, judged by a third-party client:
// librdkafka 2.15's share consumer (C API, rd_kafka_share_*), through the small C program
// test/support/share-consumer.c compiled here with the system gcc against the librdkafka inside
// @confluentinc/kafka-javascript. It acknowledges explicitly, by the record's value: accept:,
// release: (released on the first delivery, accepted on the next) and reject:.
// - two consumers share one partition: every record is delivered and acknowledged exactly as the
//   share-partition state machine says (accepted once; released ones come back with delivery
//   count 2; rejected ones never come back), and DescribeShareGroupOffsets then reports the
//   share-partition start offset at the end with lag 0;
// - a consumer that stops acknowledging (it holds its first batch and polls no more, then is
//   SIGKILLed): its records come back to another consumer with delivery count 2 once their
//   acquisition locks expire;
// - records produced while no consumer runs survive a restart of the partition leader: the new
//   leader restores the share-partition from `__share_group_state` and delivers exactly them (a
//   lost state would restart at the end, share.auto.offset.reset = latest, and deliver nothing).
// - the exporter (`kafka-sre exporter` against the cluster) reports kafka_sharegroup_lag and
//   kafka_sharegroup_lag_sum of the group: 10 while the 10 records wait unacknowledged, 0 once
//   the consumer after the restart acknowledged them all.
// The client and gcc are required: if either is missing the test fails, it never skips.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { describeShareGroupOffsetsCodec } from '../protocol/apis/90-describe-share-group-offsets.js';
import { shareGroupDescribeCodec } from '../protocol/apis/77-share-group-describe.js';
import { listGroupsCodec } from '../protocol/apis/16-list-groups.js';
import { offsetsPartitionFor } from '../protocol/consumer-offsets/formats.js';
import { drillTimeouts } from '../chaos/embedded/stack.js';
import { processFixture, repoRoot, waitFor, type RunningProcess } from './support/processes.js';
import { RawClient, tempDir } from './broker-support.js';
import { ClusterClient, describeShareGroupOffsets, describeShareGroups } from '../kafka-client/index.js';
import { describeGroups, listGroups } from '../ops/groups.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrapeUntil, valueOf } from './exporter-helpers.js';
import { freePort } from './support/ports.js';

const LOCK_MS = 3000;
const fx = processFixture();
const dir = tempDir('broker-share-groups');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let binary: string;
let client: ClusterClient;
let exporterUrl: string;

/** Compiles the C share consumer against the librdkafka the devDependency built (rpath to it). */
function compileShareConsumer(): string {
  const deps = join(repoRoot, 'node_modules', '@confluentinc', 'kafka-javascript', 'build', 'deps');
  const header = join(deps, 'include', 'librdkafka', 'rdkafka.h');
  if (!existsSync(header) || !existsSync(join(deps, 'librdkafka.so')))
    throw new Error(
      `@confluentinc/kafka-javascript's librdkafka build is missing (${deps}): reinstall the devDependency`,
    );
  const out = join(dir, 'share-consumer');
  const libDir = realpathSync(deps);
  const r = spawnSync(
    'gcc',
    [
      '-std=c11',
      '-D_DEFAULT_SOURCE',
      '-Wall',
      '-Werror',
      '-O1',
      '-isystem',
      join(deps, 'include'),
      '-o',
      out,
      join(repoRoot, 'test', 'support', 'share-consumer.c'),
      `-L${libDir}`,
      '-lrdkafka',
      `-Wl,-rpath,${libDir}`,
    ],
    { encoding: 'utf8' },
  );
  if (r.error) throw new Error(`gcc cannot run (Debian package gcc, scripts/system-packages.mjs): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`gcc failed:\n${r.stderr}`);
  return out;
}

before(async () => {
  binary = compileShareConsumer();
  cluster = await startClusterProc(fx, dir, {
    broker: {
      groupShareRecordLockDurationMs: LOCK_MS,
      groupShareHeartbeatIntervalMs: 500,
      groupShareSessionTimeoutMs: 10_000,
    },
  });
  kafka = new Kafka({
    clientId: 'share-test',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 15, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
  client = new ClusterClient({ name: 'share-test', bootstrap: cluster.bootstrap.split(',') });
  const port = await freePort();
  await fx.startCli(
    // Every second (the shortest interval the exporter accepts), so each step below waits little.
    [
      'exporter',
      '--bootstrap',
      cluster.bootstrap,
      '--cluster-name',
      'share',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--no-probe',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 30_000, name: 'exporter' },
  );
  exporterUrl = `http://127.0.0.1:${port}`;
});

/** The exporter's share lag of the group on partition 0 and its topic sum, once both equal `want`. */
async function exporterShareLag(group: string, topic: string, want: number): Promise<void> {
  const labels = { cluster: 'share', sharegroup: group, topic };
  await scrapeUntil(
    exporterUrl,
    `kafka_sharegroup_lag and _sum of ${group} at ${want}`,
    (s) =>
      valueOf(s, 'kafka_sharegroup_lag', { ...labels, partition: '0' }) === want &&
      valueOf(s, 'kafka_sharegroup_lag_sum', labels) === want,
    30_000,
  );
}

after(async () => {
  await client?.close().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

interface Delivery {
  name: string;
  offset: number;
  deliveryCount: number;
  ack: string;
  value: string;
}

/** One C share consumer: what it printed, parsed. */
class ShareConsumer {
  private constructor(
    readonly name: string,
    readonly proc: RunningProcess,
  ) {}

  static async start(name: string, group: string, topic: string, mode: 'normal' | 'stall'): Promise<ShareConsumer> {
    const proc = await fx.start(binary, [cluster.bootstrap, group, topic, mode, name], {
      readyWhen: /^READY$/m,
      name,
      env: { ...process.env, SHARE_DEBUG: process.env.SHARE_DEBUG ?? '' },
    });
    return new ShareConsumer(name, proc);
  }

  deliveries(): Delivery[] {
    return [...this.proc.stdout().matchAll(/^REC (\d+) (\d+) (\d+) (\w+) (.*)$/gm)].map((m) => ({
      name: this.name,
      offset: Number(m[2]),
      deliveryCount: Number(m[3]),
      ack: m[4],
      value: m[5],
    }));
  }

  errors(): string[] {
    return [...this.proc.output().matchAll(/^ERR (.*)$/gm)].map((m) => m[1]);
  }
}

async function coordinatorPort(group: string): Promise<number> {
  const md = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
  const p = offsetsPartitionFor(group, drillTimeouts.offsetsTopicPartitions);
  const leader = md.topics[0].partitions.find((x) => x.partitionId === p)!.leader;
  return cluster.nodes[leader].port;
}

/** Asks the group's coordinator (found again on every call: it may move). */
async function askCoordinator<T>(group: string, fn: (raw: RawClient) => Promise<T>): Promise<T> {
  const raw = await RawClient.connect(await coordinatorPort(group));
  try {
    return await fn(raw);
  } finally {
    raw.close();
  }
}

async function shareOffsets(group: string, topic: string): Promise<{ startOffset: number; lag: number } | undefined> {
  const res = await askCoordinator(group, (raw) =>
    raw.request(describeShareGroupOffsetsCodec, 1, {
      groups: [{ groupId: group, topics: [{ topicName: topic, partitions: [0] }] }],
    }),
  );
  const g = res.groups[0];
  const p = g.topics[0]?.partitions[0];
  if (g.errorCode !== 0 || !p || p.errorCode !== 0) return undefined;
  return { startOffset: p.startOffset, lag: p.lag };
}

async function waitForMembers(group: string, n: number): Promise<void> {
  await waitFor(
    `${n} members in share group ${group}, each with an assignment`,
    async () => {
      const d = await askCoordinator(group, (raw) =>
        raw.request(shareGroupDescribeCodec, 1, { groupIds: [group], includeAuthorizedOperations: false }),
      );
      const g = d.groups[0];
      return g.errorCode === 0 && g.members.length === n && g.members.every((m) => m.assignment.length > 0);
    },
    30_000,
    200,
  );
}

async function produce(topic: string, values: string[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
}

const byOffset = (ds: Delivery[]) => {
  const m = new Map<number, Delivery[]>();
  for (const d of ds) m.set(d.offset, [...(m.get(d.offset) ?? []), d]);
  for (const list of m.values()) list.sort((a, b) => a.deliveryCount - b.deliveryCount);
  return m;
};

test('share group of librdkafka share consumers: acknowledgements, redelivery, lock timeout, lag 0, state across a leader restart', async () => {
  const group = 'share-judge';
  const topic = 'share-queue';
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const t0 = Date.now();

  // 1. Two consumers share the one partition; records are produced after they joined
  //    (share.auto.offset.reset = latest).
  const a = await ShareConsumer.start('a', group, topic, 'normal');
  const b = await ShareConsumer.start('b', group, topic, 'normal');
  await waitForMembers(group, 2);
  const kind = (i: number) => (i % 5 === 1 ? 'release' : i % 5 === 3 ? 'reject' : 'accept');
  const first = Array.from({ length: 30 }, (_, i) => `${kind(i)}:${i}`);
  await produce(topic, first);
  await waitFor(
    'share-partition start offset 30 with lag 0',
    async () => {
      const o = await shareOffsets(group, topic);
      return o?.startOffset === 30 && o.lag === 0;
    },
    30_000,
    250,
  );
  const phase1 = byOffset([...a.deliveries(), ...b.deliveries()]);
  for (let i = 0; i < 30; i++) {
    const got = (phase1.get(i) ?? []).map((d) => `${d.deliveryCount}:${d.ack}:${d.value}`);
    const want =
      kind(i) === 'release'
        ? [`1:RELEASE:${first[i]}`, `2:ACCEPT:${first[i]}`]
        : [`1:${kind(i) === 'reject' ? 'REJECT' : 'ACCEPT'}:${first[i]}`];
    assert.deepEqual(got, want, `offset ${i}`);
  }
  const shares = [a.deliveries().length, b.deliveries().length];
  assert.ok(
    shares.every((n) => n > 0),
    `both members of the share group got records from the one partition (${shares.join('/')})`,
  );
  const lg = await askCoordinator(group, (raw) =>
    raw.request(listGroupsCodec, 5, { statesFilter: [], typesFilter: ['share'] }),
  );
  assert.deepEqual(
    lg.groups.filter((g) => g.groupId === group).map((g) => [g.groupType, g.protocolType, g.groupState]),
    [['share', 'share', 'Stable']],
  );
  // The toolkit's client (kafka-client) sees the group as the exporter will.
  const [described] = await describeShareGroups(client, [group]);
  assert.equal(described.state, 'Stable');
  assert.equal(described.assignor, 'simple');
  assert.deepEqual(
    described.members.map((m) => m.assignment),
    [[{ topic, partitions: [0] }], [{ topic, partitions: [0] }]],
  );
  assert.deepEqual(described.members.map((m) => m.clientId).sort(), ['a', 'b']);
  // The group listing the exporter and `kafka-sre groups list` use describes it too (ShareGroupDescribe).
  const listed = (await listGroups(client, ['share'])).filter((g) => g.groupId === group);
  assert.deepEqual(
    listed.map((g) => [g.type, g.state, g.assignor, g.members]),
    [['share', 'Stable', 'simple', 2]],
  );
  await Promise.all([a.proc.stop(10_000), b.proc.stop(10_000)]);
  assert.match(a.proc.output(), /^CLOSED$/m);

  // 2. A consumer that stops acknowledging: its records come back after the lock expires.
  const stalled = await ShareConsumer.start('stalled', group, topic, 'stall');
  await waitForMembers(group, 1);
  await produce(
    topic,
    Array.from({ length: 10 }, (_, i) => `accept:${30 + i}`),
  );
  const held = (await waitFor('the stalled consumer holds records', () => {
    const ds = stalled.deliveries();
    return ds.length > 0 ? ds : undefined;
  })) as Delivery[];
  const heldAt = Date.now();
  const c = await ShareConsumer.start('c', group, topic, 'normal');
  await waitFor(
    'every record of the second batch accepted',
    () =>
      new Set(
        c
          .deliveries()
          .filter((d) => d.ack === 'ACCEPT')
          .map((d) => d.offset),
      ).size === 10,
    30_000,
    100,
  );
  const redeliveredAfterMs = Date.now() - heldAt;
  stalled.proc.kill('SIGKILL');
  const phase2 = byOffset(c.deliveries());
  for (const h of held) {
    assert.equal(h.deliveryCount, 1);
    assert.deepEqual(
      (phase2.get(h.offset) ?? []).map((d) => [d.deliveryCount, d.ack]),
      [[2, 'ACCEPT']],
      `held offset ${h.offset} redelivered once with delivery count 2`,
    );
  }
  for (let o = 30; o < 40; o++)
    if (!held.some((h) => h.offset === o))
      assert.deepEqual(
        (phase2.get(o) ?? []).map((d) => [d.deliveryCount, d.ack]),
        [[1, 'ACCEPT']],
        `offset ${o}`,
      );
  await waitFor('start offset 40, lag 0', async () => {
    const o = await shareOffsets(group, topic);
    return o?.startOffset === 40 && o.lag === 0;
  });
  await c.proc.stop(10_000);

  // 3. Records produced with no consumer running, then the partition leader restarts.
  await produce(
    topic,
    Array.from({ length: 10 }, (_, i) => `accept:${40 + i}`),
  );
  await waitFor('start offset 40 with lag 10 before the restart', async () => {
    const o = await shareOffsets(group, topic);
    return o?.startOffset === 40 && o.lag === 10;
  });
  // The exporter's share lag: partition end offset - share-partition start offset.
  const shareLag = async () => {
    const end = Number((await admin.fetchTopicOffsets(topic))[0].high);
    const [p] = await describeShareGroupOffsets(client, group);
    assert.equal(p.topic, topic);
    return { lag: end - (p.startOffset ?? end), brokerLag: p.lag };
  };
  assert.deepEqual(await shareLag(), { lag: 10, brokerLag: 10 });
  await exporterShareLag(group, topic, 10);
  // `kafka-sre groups describe` shows the same share lag, with the start offset as current offset.
  const [shown] = await describeGroups(client, [group]);
  assert.deepEqual(
    [shown.type, shown.totalLag, shown.partitions.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag])],
    ['share', 10, [[0, 40, 50, 10]]],
  );
  const leaderOf = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions[0].leader;
  const oldLeader = await leaderOf();
  await cluster.admin.stop(oldLeader);
  await cluster.admin.restart(oldLeader);
  await cluster.waitHealthy(60_000);
  const d = await ShareConsumer.start('d', group, topic, 'normal');
  await waitFor(
    'the records produced before the restart delivered',
    () => new Set(d.deliveries().map((x) => x.offset)).size === 10,
    45_000,
    200,
  );
  assert.deepEqual(
    d.deliveries().map((x) => [x.offset, x.deliveryCount, x.ack]),
    Array.from({ length: 10 }, (_, i) => [40 + i, 1, 'ACCEPT']),
  );
  await waitFor(
    'start offset 50, lag 0 after the restart',
    async () => {
      const o = await shareOffsets(group, topic);
      return o?.startOffset === 50 && o.lag === 0;
    },
    30_000,
    250,
  );
  assert.deepEqual(await shareLag(), { lag: 0, brokerLag: 0 });
  await exporterShareLag(group, topic, 0);
  await d.proc.stop(10_000);
  for (const x of [a, b, c, d]) assert.deepEqual(x.errors(), [], `${x.name} reported errors`);
  console.log(
    `# deliveries a/b ${shares.join('/')}, held by the stalled consumer ${held.length}, redelivered after ${redeliveredAfterMs} ms (lock ${LOCK_MS} ms), leader ${oldLeader} restarted, body ${Date.now() - t0} ms`,
  );
});
