// test-budget: 90s
// The exporter and `kafka-sre groups` on a 3-broker reference cluster with both group protocols
// consuming one topic at once: a classic kafkajs group (JoinGroup/SyncGroup) and a KIP-848 group
// of two @confluentinc/kafka-javascript (librdkafka 2.15) members with group.protocol=consumer.
// Each group commits known positions; the exporter must report both with the right type, state,
// assignor, coordinator and member count (2 for the KIP-848 group, where DescribeGroups would say
// Dead with 0), and lag exactly equal to the broker's end offsets minus the committed offsets.
// The client is a devDependency: if it cannot be loaded the test fails, it never skips.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { offsetsPartitionFor } from '../protocol/consumer-offsets/formats.js';
import { drillTimeouts } from '../chaos/embedded/stack.js';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { freePort } from './support/ports.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrapeUntil, valueOf, type MetricSample } from './exporter-helpers.js';

interface RdTopicPartition {
  topic: string;
  partition: number;
  offset?: number;
}
interface RdConsumer {
  on(event: 'data', cb: (m: RdTopicPartition & { offset: number }) => void): void;
  on(event: 'rebalance', cb: (err: { code: number }, assignment: RdTopicPartition[]) => void): void;
  on(event: 'event.error', cb: (e: Error) => void): void;
  once(event: 'ready', cb: () => void): void;
  connect(): void;
  subscribe(topics: string[]): void;
  consume(): void;
  commitSync(tps: RdTopicPartition[]): void;
  disconnect(cb: () => void): void;
}
type RdConsumerCtor = new (conf: Record<string, unknown>, topicConf: Record<string, unknown>) => RdConsumer;

const require = createRequire(import.meta.url);
function loadClient(): RdConsumerCtor {
  try {
    return (require('@confluentinc/kafka-javascript') as { KafkaConsumer: RdConsumerCtor }).KafkaConsumer;
  } catch (e) {
    throw new Error(
      `@confluentinc/kafka-javascript (devDependency, librdkafka 2.15) cannot be loaded: ${(e as Error).message}`,
    );
  }
}

const TOPIC = 'exp-kip848-shared';
const PARTITIONS = 4;
const PER_PARTITION = 40;
const CLASSIC = 'exp-classic';
const KIP848 = 'exp-kip848';
/** Committed positions: classic at 30 (lag 10 per partition), KIP-848 at 15 + partition (lag 25 - p). */
const classicCommit = (_p: number) => 30;
const kip848Commit = (p: number) => 15 + p;

const fx = processFixture();
const dir = tempDir('exporter-kip848');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
let exporterUrl = '';

before(async () => {
  cluster = await startClusterProc(fx, dir, { broker: { groupConsumerHeartbeatIntervalMs: 1000 } });
  kafka = new Kafka({
    clientId: 'exporter-kip848-test',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 15, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < PARTITIONS; p++)
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: Array.from({ length: PER_PARTITION }, (_, i) => ({ partition: p, value: `p${p}-${i}` })),
    });
  await producer.disconnect();
  const port = await freePort();
  await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      cluster.bootstrap,
      '--cluster-name',
      'local',
      '--port',
      String(port),
      '--interval',
      '1000',
      '--no-probe',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 60_000, name: 'exporter' },
  );
  exporterUrl = `http://127.0.0.1:${port}`;
});

after(async () => {
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

/** A KIP-848 member that reads everything it is assigned and commits only what it is told to. */
class Kip848Member {
  readonly assigned = new Set<number>();
  readonly consumed = new Map<number, number>();
  readonly errors: string[] = [];
  readonly consumer: RdConsumer;
  constructor(readonly name: string) {
    const KafkaConsumer = loadClient();
    this.consumer = new KafkaConsumer(
      {
        'bootstrap.servers': cluster.bootstrap,
        'client.id': name,
        'group.id': KIP848,
        'group.protocol': 'consumer',
        'enable.auto.commit': false,
        'topic.metadata.refresh.interval.ms': 1000,
        rebalance_cb: true,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    this.consumer.on('data', (m) => this.consumed.set(m.partition, (this.consumed.get(m.partition) ?? 0) + 1));
    this.consumer.on('rebalance', (err, assignment) => {
      for (const tp of assignment) {
        if (err.code === -175) this.assigned.add(tp.partition);
        else this.assigned.delete(tp.partition);
      }
    });
    this.consumer.on('event.error', (e) => this.errors.push(e.message));
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.consumer.once('ready', resolve);
      this.consumer.connect();
    });
    this.consumer.subscribe([TOPIC]);
    this.consumer.consume();
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.consumer.disconnect(resolve));
  }
}

async function coordinatorOf(groupId: string): Promise<number> {
  const md = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
  const p = offsetsPartitionFor(groupId, drillTimeouts.offsetsTopicPartitions);
  return md.topics[0].partitions.find((x) => x.partitionId === p)!.leader;
}

/** Broker truth: end offset minus committed offset per partition, from ListOffsets and OffsetFetch. */
async function brokerLag(groupId: string): Promise<Map<number, number>> {
  const ends = await admin.fetchTopicOffsets(TOPIC);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  const out = new Map<number, number>();
  for (const c of committed.partitions) {
    if (Number(c.offset) < 0) continue;
    const end = Number(ends.find((e) => e.partition === c.partition)!.high);
    out.set(c.partition, end - Number(c.offset));
  }
  return out;
}

const lagOf = (s: MetricSample[], group: string) =>
  new Map(
    s
      .filter((x) => x.name === 'kafka_consumergroup_lag' && x.labels.consumergroup === group)
      .map((x) => [Number(x.labels.partition), x.value]),
  );

test('a classic kafkajs group and a KIP-848 group on one topic: type, state, members, assignor, coordinator and exact lag', async () => {
  const members = [new Kip848Member('kip848-a'), new Kip848Member('kip848-b')];
  let classic: Consumer | undefined;
  try {
    classic = kafka.consumer({ groupId: CLASSIC, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await classic.connect();
    await classic.subscribe({ topic: TOPIC, fromBeginning: true });
    let classicRead = 0;
    await classic.run({ autoCommit: false, eachMessage: async () => void classicRead++ });
    await Promise.all(members.map((m) => m.start()));

    const total = PARTITIONS * PER_PARTITION;
    await waitFor(
      'both groups read every record, the KIP-848 partitions split over both members',
      () =>
        classicRead >= total &&
        members.reduce((s, m) => s + [...m.consumed.values()].reduce((a, b) => a + b, 0), 0) >= total &&
        members.every((m) => m.assigned.size > 0) &&
        members.reduce((s, m) => s + m.assigned.size, 0) === PARTITIONS,
      60_000,
      200,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}: classic ${classicRead}; ${members.map((m) => `${m.name} owns [${[...m.assigned]}] read ${[...m.consumed.values()]} errors ${m.errors.slice(-3).join(' | ')}`).join('; ')}`,
      );
    });
    // Known positions: the classic member commits through its generation, each KIP-848 member
    // commits the partitions it owns (OffsetCommit with its member epoch).
    await classic.commitOffsets(
      Array.from({ length: PARTITIONS }, (_, p) => ({ topic: TOPIC, partition: p, offset: String(classicCommit(p)) })),
    );
    for (const m of members)
      m.consumer.commitSync([...m.assigned].map((p) => ({ topic: TOPIC, partition: p, offset: kip848Commit(p) })));

    const [classicCoordinator, kip848Coordinator] = await Promise.all([coordinatorOf(CLASSIC), coordinatorOf(KIP848)]);
    const [classicTruth, kip848Truth] = await Promise.all([brokerLag(CLASSIC), brokerLag(KIP848)]);
    assert.deepEqual(
      [...kip848Truth].sort((a, b) => a[0] - b[0]),
      Array.from({ length: PARTITIONS }, (_, p) => [p, PER_PARTITION - kip848Commit(p)]),
      'the broker holds the KIP-848 commits',
    );
    assert.deepEqual(
      [...classicTruth].sort((a, b) => a[0] - b[0]),
      Array.from({ length: PARTITIONS }, (_, p) => [p, PER_PARTITION - classicCommit(p)]),
      'the broker holds the classic commits',
    );

    const s = await scrapeUntil(
      exporterUrl,
      'both groups Stable with their members and the committed lag',
      (x) => {
        const info = (g: string) =>
          x.find((i) => i.name === 'kafka_consumergroup_info' && i.labels.consumergroup === g)?.labels;
        const same = (a: Map<number, number>, b: Map<number, number>) =>
          a.size === b.size && [...a].every(([p, v]) => b.get(p) === v);
        return (
          info(CLASSIC)?.state === 'Stable' &&
          info(KIP848)?.state === 'Stable' &&
          valueOf(x, 'kafka_consumergroup_members', { consumergroup: KIP848 }) === 2 &&
          same(lagOf(x, CLASSIC), classicTruth) &&
          same(lagOf(x, KIP848), kip848Truth) &&
          x
        );
      },
      30_000,
    );
    const info = (g: string) => s.find((i) => i.name === 'kafka_consumergroup_info' && i.labels.consumergroup === g)!;
    assert.deepEqual(
      { ...info(CLASSIC).labels, value: info(CLASSIC).value },
      {
        cluster: 'local',
        consumergroup: CLASSIC,
        type: 'classic',
        state: 'Stable',
        // kafkajs's default assignor announces itself as RoundRobinAssigner.
        assignor: 'RoundRobinAssigner',
        coordinator: String(classicCoordinator),
        value: 1,
      },
    );
    assert.deepEqual(
      { ...info(KIP848).labels, value: info(KIP848).value },
      {
        cluster: 'local',
        consumergroup: KIP848,
        type: 'consumer',
        state: 'Stable',
        // The broker's first group.consumer.assignors entry; librdkafka names none by default.
        assignor: 'uniform',
        coordinator: String(kip848Coordinator),
        value: 1,
      },
    );
    assert.equal(valueOf(s, 'kafka_consumergroup_members', { consumergroup: CLASSIC }), 1);
    assert.equal(valueOf(s, 'kafka_consumergroup_members', { consumergroup: KIP848 }), 2);
    assert.equal(valueOf(s, 'kafka_consumergroup_state', { consumergroup: KIP848, state: 'Stable' }), 1);
    for (const [g, truth] of [
      [CLASSIC, classicTruth],
      [KIP848, kip848Truth],
    ] as const) {
      assert.equal(
        valueOf(s, 'kafka_consumergroup_lag_sum', { consumergroup: g, topic: TOPIC }),
        [...truth.values()].reduce((a, b) => a + b, 0),
        `${g} lag sum`,
      );
      for (let p = 0; p < PARTITIONS; p++) {
        const seconds = valueOf(s, 'kafka_consumergroup_lag_seconds', {
          consumergroup: g,
          topic: TOPIC,
          partition: String(p),
        });
        assert.ok(seconds !== undefined && seconds > 0, `${g}/${p}: lag seconds of a lagging partition (${seconds})`);
      }
    }

    // The operator CLI sees the same: type, state, assignor and member epochs (JSON).
    const r = await runCli(
      ['groups', 'describe', KIP848, CLASSIC, '--bootstrap', cluster.bootstrap, '--output', 'json'],
      {
        timeoutMs: 60_000,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const described = JSON.parse(r.stdout) as {
      groupId: string;
      type: string;
      state: string;
      assignor: string;
      groupEpoch?: number;
      totalLag: number;
      members: { memberId: string; memberEpoch?: number; assignments: { partitions: number[] }[] }[];
    }[];
    const k = described.find((g) => g.groupId === KIP848)!;
    assert.equal(k.type, 'consumer');
    assert.equal(k.state, 'Stable');
    assert.equal(k.assignor, 'uniform');
    assert.equal(k.members.length, 2);
    assert.ok(
      k.members.every((m) => m.memberEpoch !== undefined && m.memberEpoch > 0 && m.memberEpoch <= k.groupEpoch!),
      `member epochs ${k.members.map((m) => m.memberEpoch).join(',')} within group epoch ${k.groupEpoch}`,
    );
    assert.equal(
      k.totalLag,
      [...kip848Truth.values()].reduce((a, b) => a + b, 0),
    );
    const c = described.find((g) => g.groupId === CLASSIC)!;
    assert.equal(c.type, 'classic');
    assert.equal(c.members.length, 1);

    const listed = await runCli(
      ['groups', 'list', '--bootstrap', cluster.bootstrap, '--type', 'consumer', '--output', 'json'],
      { timeoutMs: 60_000 },
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { groupId: string; type: string }[]).map((g) => [g.groupId, g.type]),
      [[KIP848, 'consumer']],
      '--type consumer lists the KIP-848 group only',
    );
    // DescribeGroups would show the live KIP-848 group as Dead with no members; with its members
    // seen through ConsumerGroupDescribe, reset-offsets refuses as it does for a live classic group.
    const reset = await runCli(
      [
        'groups',
        'reset-offsets',
        KIP848,
        '--topic',
        TOPIC,
        '--to-earliest',
        '--execute',
        '--bootstrap',
        cluster.bootstrap,
      ],
      { timeoutMs: 60_000 },
    );
    assert.notEqual(reset.code, 0, reset.stdout);
    assert.match(reset.stderr, /refusing to reset offsets of group exp-kip848: it has 2 active member/);
  } finally {
    await classic?.disconnect().catch(() => undefined);
    await Promise.all(members.map((m) => m.stop().catch(() => undefined)));
  }
});
