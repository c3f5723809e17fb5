// test-budget: 240s
// KIP-848 consumer groups end to end on a 3-broker reference cluster, with a real current client:
// @confluentinc/kafka-javascript (librdkafka 2.15) with group.protocol=consumer, so partitions are
// assigned by the broker through ConsumerGroupHeartbeat, topic ids resolve through Metadata v12 and
// offsets are committed with member epochs (OffsetCommit/OffsetFetch v9).
// - membership: two members consume, a third joins subscribed by regex (RE2J syntax), one leaves;
//   every produced record is consumed (0 lost) and a record is consumed twice only on a partition
//   that moved between members (revoked before its last position was committed).
// - failover: the broker coordinating the group (leader of its __consumer_offsets partition) is
//   SIGKILLed mid-run; the group is replayed by the new leader, consumption carries on, and the
//   final committed offsets skip no record (every offset below them was consumed) and reach the end.
// The client is a devDependency: if it cannot be loaded the test fails, it never skips.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { consumerGroupDescribeCodec } from '../protocol/apis/69-consumer-group-describe.js';
import { listGroupsCodec } from '../protocol/apis/16-list-groups.js';
import { offsetsPartitionFor } from '../protocol/consumer-offsets/formats.js';
import { drillTimeouts } from '../chaos/embedded/stack.js';
import { processFixture, waitFor } from './support/processes.js';
import { RawClient, tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';

interface RdMessage {
  topic: string;
  partition: number;
  offset: number;
  value: Buffer | null;
}
interface RdTopicPartition {
  topic: string;
  partition: number;
}
interface RdConsumer {
  on(event: 'data', cb: (m: RdMessage) => void): void;
  on(event: 'rebalance', cb: (err: { code: number }, assignment: RdTopicPartition[]) => void): void;
  on(event: 'event.error', cb: (e: Error) => void): void;
  on(event: 'event.log', cb: (l: { message: string }) => void): void;
  once(event: 'ready', cb: () => void): void;
  connect(): void;
  subscribe(topics: (string | RegExp)[]): void;
  consume(): void;
  disconnect(cb: () => void): void;
}
type RdConsumerCtor = new (conf: Record<string, unknown>, topicConf: Record<string, unknown>) => RdConsumer;

const require = createRequire(import.meta.url);
function loadClient(): RdConsumerCtor {
  try {
    return (require('@confluentinc/kafka-javascript') as { KafkaConsumer: RdConsumerCtor }).KafkaConsumer;
  } catch (e) {
    // A missing or unbuilt native addon is a broken install, not a reason to skip.
    throw new Error(
      `@confluentinc/kafka-javascript (devDependency, librdkafka 2.15) cannot be loaded: ${(e as Error).message}`,
    );
  }
}

const fx = processFixture();
const dir = tempDir('broker-groups-kip848');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  cluster = await startClusterProc(fx, dir, { broker: { groupConsumerHeartbeatIntervalMs: 1000 } });
  kafka = new Kafka({
    clientId: 'kip848-test',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 15, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

/** One group member: what it consumed and which partitions it was given and lost. */
class Member {
  readonly records: RdMessage[] = [];
  readonly assigned = new Set<string>();
  readonly everAssigned = new Set<string>();
  readonly errors: string[] = [];
  private readonly consumer: RdConsumer;

  constructor(
    readonly name: string,
    groupId: string,
    private readonly subscription: string[],
  ) {
    const KafkaConsumer = loadClient();
    this.consumer = new KafkaConsumer(
      {
        'bootstrap.servers': cluster.bootstrap,
        'client.id': name,
        'group.id': groupId,
        'group.protocol': 'consumer',
        'enable.auto.commit': true,
        'auto.commit.interval.ms': 300,
        'topic.metadata.refresh.interval.ms': 1000,
        rebalance_cb: true,
        // KIP848_DEBUG=cgrp,fetch,... prints librdkafka's debug log of every member.
        ...(process.env.KIP848_DEBUG ? { debug: process.env.KIP848_DEBUG } : {}),
      },
      { 'auto.offset.reset': 'earliest' },
    );
    this.consumer.on('data', (m) => this.records.push({ ...m, value: m.value }));
    this.consumer.on('rebalance', (err, assignment) => {
      for (const tp of assignment) {
        const k = `${tp.topic}/${tp.partition}`;
        if (err.code === -175) {
          this.assigned.add(k);
          this.everAssigned.add(k);
        } else this.assigned.delete(k);
      }
    });
    this.consumer.on('event.error', (e) => this.errors.push(e.message));
    if (process.env.KIP848_DEBUG) this.consumer.on('event.log', (l) => console.log(`# ${name} ${l.message}`));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.consumer.once('ready', resolve);
      this.consumer.connect();
    });
    this.consumer.subscribe(this.subscription);
    this.consumer.consume();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.consumer.disconnect(resolve));
  }
}

async function createTopics(
  topics: { topic: string; numPartitions: number; configEntries?: { name: string; value: string }[] }[],
): Promise<void> {
  assert.equal(
    await admin.createTopics({
      topics: topics.map((t) => ({ ...t, replicationFactor: 3 })),
      waitForLeaders: true,
    }),
    true,
  );
}

/** Produces `batches` batches of `size` records to each topic, `gapMs` apart; values are `topic:n`. */
async function produceOver(
  producer: Producer,
  topics: string[],
  batches: number,
  size: number,
  gapMs: number,
  produced: Set<string>,
  partitions = 2,
): Promise<void> {
  let n = 0;
  for (let b = 0; b < batches; b++) {
    for (const topic of topics) {
      // One partition per send, in turn over the first `partitions`: a kafkajs send spanning several
      // leaders can resolve without writing a moved partition's records (kafkajs #1303).
      const partition = b % partitions;
      const values = Array.from({ length: size }, () => `${topic}:${n++}`);
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
      for (const v of values) produced.add(v);
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
}

function consumedValues(members: Member[]): Map<string, { members: Set<string>; count: number }> {
  const out = new Map<string, { members: Set<string>; count: number }>();
  for (const m of members)
    for (const r of m.records) {
      const v = r.value?.toString() ?? '';
      let e = out.get(v);
      if (!e) out.set(v, (e = { members: new Set(), count: 0 }));
      e.members.add(m.name);
      e.count += 1;
    }
  return out;
}

async function waitAllConsumed(members: Member[], produced: Set<string>, timeoutMs: number): Promise<void> {
  await waitFor(
    'every produced record consumed',
    () => {
      const seen = consumedValues(members);
      return [...produced].every((v) => seen.has(v)) || undefined;
    },
    timeoutMs,
    250,
  ).catch((e: Error) => {
    const seen = consumedValues(members);
    const missing = [...produced].filter((v) => !seen.has(v));
    // Where the gaps are: offsets never delivered (a skip) or a log shorter than what was produced.
    const offsets = new Map<string, Set<number>>();
    for (const m of members)
      for (const r of m.records) {
        const k = `${r.topic}/${r.partition}`;
        if (!offsets.has(k)) offsets.set(k, new Set());
        offsets.get(k)!.add(Number(r.offset));
      }
    const gaps = [...offsets].map(([k, os]) => {
      const max = Math.max(...os);
      const holes = Array.from({ length: max }, (_, o) => o).filter((o) => !os.has(o));
      return `${k}: up to ${max}, ${holes.length} never delivered (${holes.slice(0, 6).join(',')})`;
    });
    throw new Error(
      `${e.message}: ${missing.length} of ${produced.size} missing (e.g. ${missing.slice(0, 5).join(', ')}); ` +
        `${gaps.join('; ')}; ` +
        members
          .map(
            (m) =>
              `${m.name}: ${m.records.length} records, owns [${[...m.assigned].join(' ')}], errors ${m.errors.slice(-3).join(' | ')}`,
          )
          .join('; '),
    );
  });
}

/** The broker leading the group's __consumer_offsets partition (its coordinator). */
async function coordinatorOf(groupId: string): Promise<number> {
  const md = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
  const p = offsetsPartitionFor(groupId, drillTimeouts.offsetsTopicPartitions);
  return md.topics[0].partitions.find((x) => x.partitionId === p)!.leader;
}

test('two members consume, a third joins by regex, one leaves: 0 records lost, duplicates only on moved partitions', async () => {
  const group = 'kip848-membership';
  await createTopics([
    { topic: 'k848-orders', numPartitions: 6 },
    { topic: 'k848-audit', numPartitions: 2 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  const produced = new Set<string>();
  const a = new Member('m-a', group, ['k848-orders']);
  const b = new Member('m-b', group, ['k848-orders']);
  // librdkafka sends a subscription starting with ^ as SubscribedTopicRegex (RE2J syntax).
  const c = new Member('m-regex', group, ['^k848-(orders|audit)$']);
  const members = [a, b, c];
  try {
    await Promise.all([a.start(), b.start()]);
    const producing = produceOver(producer, ['k848-orders', 'k848-audit'], 30, 20, 150, produced);
    await waitFor('both members own partitions', () => a.assigned.size > 0 && b.assigned.size > 0, 60_000, 100);
    assert.equal(a.assigned.size + b.assigned.size, 6, 'the 6 partitions split between two members');
    await c.start();
    await waitFor(
      'the regex member owns partitions of both topics',
      () =>
        [...c.assigned].some((k) => k.startsWith('k848-audit/')) &&
        [...c.assigned].some((k) => k.startsWith('k848-orders/')),
      60_000,
      100,
    );

    // The coordinator describes the group: three members, one subscribed by regex.
    const coordinator = await coordinatorOf(group);
    const raw = await RawClient.connect(cluster.nodes[coordinator].port);
    try {
      const d = (
        await raw.request(consumerGroupDescribeCodec, 1, { groupIds: [group], includeAuthorizedOperations: false })
      ).groups[0];
      assert.equal(d.errorCode, 0);
      assert.equal(d.members.length, 3);
      assert.equal(d.assignorName, 'uniform');
      assert.equal(
        d.members.find((m) => m.clientId === 'm-regex')?.subscribedTopicRegex,
        // librdkafka joins its regex subscriptions as (re1)|(re2)...
        '(^k848-(orders|audit)$)',
      );
      const lg = await raw.request(listGroupsCodec, 5, { statesFilter: [], typesFilter: ['consumer'] });
      assert.deepEqual(
        lg.groups.filter((g) => g.groupId === group).map((g) => [g.protocolType, g.groupType]),
        [['consumer', 'consumer']],
      );
    } finally {
      raw.close();
    }

    await a.stop();
    await waitFor(
      'm-b and the regex member own all 6 order partitions',
      () => {
        const orders = [...b.assigned, ...c.assigned].filter((k) => k.startsWith('k848-orders/'));
        return orders.length === 6 || undefined;
      },
      60_000,
      100,
    );
    await producing;
    await waitAllConsumed(members, produced, 60_000);

    // Duplicates: only on partitions that had more than one owner during the run.
    const moved = new Set(
      ['k848-orders', 'k848-audit'].flatMap((t) =>
        Array.from({ length: 6 }, (_, p) => `${t}/${p}`).filter(
          (k) => members.filter((m) => m.everAssigned.has(k)).length > 1,
        ),
      ),
    );
    let duplicates = 0;
    const seen = consumedValues(members);
    for (const m of members)
      for (const r of m.records) {
        const e = seen.get(r.value?.toString() ?? '');
        if (e && e.count > 1) {
          duplicates += 1;
          assert.ok(
            moved.has(`${r.topic}/${r.partition}`),
            `${r.value?.toString()} consumed twice on an unmoved partition`,
          );
        }
      }
    assert.ok(produced.size >= 1200, `${produced.size} records produced`);
    console.log(`# kip848 membership: ${produced.size} produced, all consumed, ${duplicates} duplicate deliveries`);
  } finally {
    for (const m of [b, c]) await m.stop().catch(() => undefined);
    await producer.disconnect();
  }
});

test('SIGKILL of the group coordinator mid-run: the group is replayed, committed offsets skip 0 records', async () => {
  const group = 'kip848-failover';
  const topic = 'k848-failover';
  await createTopics([{ topic, numPartitions: 4, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
  const producer = kafka.producer();
  await producer.connect();
  const produced = new Set<string>();
  const a = new Member('f-a', group, [topic]);
  const b = new Member('f-b', group, [topic]);
  const members = [a, b];
  try {
    await Promise.all([a.start(), b.start()]);
    await waitFor('both members own partitions', () => a.assigned.size > 0 && b.assigned.size > 0, 60_000, 100);
    const producing = produceOver(producer, [topic], 32, 20, 150, produced, 4);
    await waitFor('records flowing', () => a.records.length + b.records.length > 100, 60_000, 100);
    const coordinator = await coordinatorOf(group);
    await cluster.admin.kill(coordinator);
    await producing;
    // Consumption reaches the end of every partition's log.
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    await waitFor(
      'every partition consumed to its end',
      () =>
        [...ends].every(
          ([p, end]) =>
            end === 0 || members.some((m) => m.records.some((r) => r.partition === p && Number(r.offset) === end - 1)),
        ) || undefined,
      90_000,
      250,
    );

    // Wait for the auto-commits to reach the end of every partition, then check them against what
    // was consumed: every offset below a committed offset was delivered to some member.
    const committed = await waitFor(
      'committed offsets at the end of every partition',
      async () => {
        const offs = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0].partitions;
        return offs.every((p) => Number(p.offset) === ends.get(p.partition)) ? offs : undefined;
      },
      60_000,
      500,
    );
    for (const p of committed ?? []) {
      const got = new Set(
        members.flatMap((m) => m.records.filter((r) => r.partition === p.partition).map((r) => Number(r.offset))),
      );
      const skipped = Array.from({ length: Number(p.offset) }, (_, o) => o).filter((o) => !got.has(o));
      assert.deepEqual(skipped, [], `partition ${p.partition}: committed ${p.offset} skips offsets`);
    }
    const newCoordinator = await coordinatorOf(group);
    assert.notEqual(newCoordinator, coordinator, 'the coordinator moved');
    const seen = consumedValues(members);
    // acks=all with min.insync.replicas=2: the coordinator's death (a partition leader too) loses nothing.
    const lost = [...produced].filter((v) => !seen.has(v));
    console.log(
      `# kip848 failover: coordinator ${coordinator} -> ${newCoordinator}, ${produced.size} produced, committed at the end, 0 skipped, ${lost.length} lost`,
    );
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} acknowledged records were never consumed`);
  } finally {
    for (const m of members) await m.stop().catch(() => undefined);
    await producer.disconnect();
  }
});
