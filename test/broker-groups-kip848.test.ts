// test-budget: 420s
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
// - online migration (group.consumer.migration.policy=bidirectional; before the failover test, which
//   leaves a broker down): a classic librdkafka group of 3
//   rolls over member by member to group.protocol=consumer while consuming (0 lost, duplicates only
//   on moved partitions), ListGroups/DescribeGroups v0-6 (and kafkajs's describeGroups)/
//   ConsumerGroupDescribe follow the type, and the group turns classic again when its last
//   consumer-protocol member leaves. The exporter, run in this process on a 1 s cycle, follows the
//   conversion: kafka_consumergroup_info{type,state}, members and the lag series while classic,
//   mixed, consumer-only, mixed again and classic again.
// The client is a devDependency (test/support/rdkafka-group.ts): if it cannot be loaded the test fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { consumerGroupDescribeCodec } from '../protocol/apis/69-consumer-group-describe.js';
import { listGroupsCodec } from '../protocol/apis/16-list-groups.js';
import { describeGroupsCodec } from '../protocol/apis/15-describe-groups.js';
import { offsetsPartitionFor } from '../protocol/consumer-offsets/formats.js';
import { drillTimeouts } from '../chaos/embedded/stack.js';
import { processFixture, waitFor } from './support/processes.js';
import { Member, consumedValues, produceOver, waitAllConsumed } from './support/rdkafka-group.js';
import { RawClient, tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { loadConfig } from '../common/config/load.js';
import { createLogger } from '../common/logging.js';
import { startExporter } from '../exporter/service.js';
import { scrapeUntil, valueOf } from './exporter-helpers.js';

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
  const a = new Member('m-a', group, ['k848-orders'], cluster.bootstrap);
  const b = new Member('m-b', group, ['k848-orders'], cluster.bootstrap);
  // librdkafka sends a subscription starting with ^ as SubscribedTopicRegex (RE2J syntax).
  const c = new Member('m-regex', group, ['^k848-(orders|audit)$'], cluster.bootstrap);
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

test('online migration: a classic group of 3 rolls over member by member to the consumer protocol and back', async () => {
  const group = 'kip848-migration';
  const topic = 'k848-migration';
  await createTopics([{ topic, numPartitions: 6 }]);
  const producer = kafka.producer();
  await producer.connect();
  const produced = new Set<string>();
  // Classic members heartbeat every 500 ms: the coordinator asks them to rejoin through Heartbeat.
  const classicConf = { 'heartbeat.interval.ms': 500, 'session.timeout.ms': 10_000 };
  const classic = (name: string) => new Member(name, group, [topic], cluster.bootstrap, 'classic', classicConf);
  const modern = (name: string) => new Member(name, group, [topic], cluster.bootstrap, 'consumer');
  const [c1, c2, c3] = ['mig-c1', 'mig-c2', 'mig-c3'].map(classic);
  const [k1, k2, k3] = ['mig-k1', 'mig-k2', 'mig-k3'].map(modern);
  const c4 = classic('mig-c4');
  const members = [c1, c2, c3, k1, k2, k3, c4];
  const running = new Set<Member>();
  const start = async (m: Member) => {
    await m.start();
    running.add(m);
  };
  const stop = async (m: Member) => {
    running.delete(m);
    await m.stop();
  };
  const owns = (ms: Member[]) => ms.reduce((n, m) => n + m.assigned.size, 0);
  const waitOwned = (what: string, ms: Member[]) =>
    waitFor(what, () => (ms.every((m) => m.assigned.size > 0) && owns(ms) === 6) || undefined, 90_000, 100);
  const typeOf = async (): Promise<{ type: string; state: string; described: string[] }> => {
    const raw = await RawClient.connect(cluster.nodes[await coordinatorOf(group)].port);
    try {
      const lg = await raw.request(listGroupsCodec, 5, { statesFilter: [], typesFilter: [] });
      const g = lg.groups.find((x) => x.groupId === group);
      const described: string[] = [];
      for (let v = 0; v <= 6; v++) {
        const d = (await raw.request(describeGroupsCodec, v, { groups: [group], includeAuthorizedOperations: false }))
          .groups[0];
        described.push(`v${v}:${d.errorCode}:${d.groupState}:${d.members.length}`);
      }
      return { type: g?.groupType ?? '?', state: g?.groupState ?? '?', described };
    } finally {
      raw.close();
    }
  };
  // The exporter, in this process, collecting this group and topic every second (its minimum).
  const config = loadConfig({
    env: {},
    flags: {
      exporter: {
        port: 0,
        intervalMs: 1000,
        groups: { allow: [group], deny: [] },
        topics: { allow: [topic], deny: [] },
      },
    },
  });
  const exporter = await startExporter({
    config: config.exporter,
    clusters: [
      { name: 'mig', bootstrap: cluster.bootstrap.split(','), connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 },
    ],
    slos: config.alerts.slos,
    logger: createLogger({ level: 'silent' }),
  });
  /**
   * Waits until the exporter reports the group with this type, one of these states and this many
   * members, with exactly one info series and a lag series on each of the 6 partitions.
   */
  const exported = async (what: string, type: string, states: string[], members: number): Promise<string> => {
    const found = await scrapeUntil<Record<string, string>>(
      exporter.url,
      `the exporter reports ${what}: ${type}, ${states.join('|')}, ${members} members, lag on 6 partitions`,
      (s) => {
        const info = s.filter((x) => x.name === 'kafka_consumergroup_info' && x.labels.consumergroup === group);
        const lag = s.filter((x) => x.name === 'kafka_consumergroup_lag' && x.labels.consumergroup === group);
        const partitions = new Set(lag.filter((x) => x.labels.topic === topic).map((x) => x.labels.partition));
        const ok =
          info.length === 1 &&
          info[0].labels.type === type &&
          states.includes(info[0].labels.state) &&
          valueOf(s, 'kafka_consumergroup_members', { consumergroup: group }) === members &&
          valueOf(s, 'kafka_consumergroup_state', { consumergroup: group, state: info[0].labels.state }) === 1 &&
          lag.length === 6 &&
          partitions.size === 6;
        return ok ? info[0].labels : undefined;
      },
      30_000,
    );
    assert.equal(found.coordinator, String(await coordinatorOf(group)), `${what}: the coordinator label`);
    return `${what} ${found.type}/${found.state}/${found.assignor || '-'}`;
  };
  const exporterSeen: string[] = [];
  try {
    for (const m of [c1, c2, c3]) await start(m);
    await waitOwned('3 classic members own the 6 partitions', [c1, c2, c3]);
    const producing = produceOver(producer, [topic], 60, 20, 200, produced, 6);
    const before = await typeOf();
    assert.equal(before.type, 'classic');
    assert.deepEqual(
      before.described.map((d) => d.split(':').slice(0, 2).join(':')),
      ['v0:0', 'v1:0', 'v2:0', 'v3:0', 'v4:0', 'v5:0', 'v6:0'],
    );
    exporterSeen.push(await exported('classic', 'classic', ['Stable'], 3));

    // Member by member: a consumer-protocol member joins, then a classic one leaves.
    const steps: string[] = [];
    for (const [next, old] of [
      [k1, c1],
      [k2, c2],
      [k3, c3],
    ] as const) {
      await start(next);
      await waitFor(`${next.name} owns partitions`, () => next.assigned.size > 0 || undefined, 90_000, 100);
      const t = await typeOf();
      steps.push(`${next.name} in: ${t.type}/${t.state}`);
      assert.equal(t.type, 'consumer', `the group is a consumer group once ${next.name} joined`);
      // Kafka 4: DescribeGroups describes a consumer group as Dead with no members; no error before
      // v6, GROUP_ID_NOT_FOUND (69) from v6.
      assert.deepEqual(t.described, [
        ...['v0', 'v1', 'v2', 'v3', 'v4', 'v5'].map((v) => `${v}:0:Dead:0`),
        'v6:69:Dead:0',
      ]);
      if (next === k1) {
        // A real client's view (kafkajs negotiates DescribeGroups v2 and throws on an error code):
        // Dead, no members.
        const [kjs] = (await admin.describeGroups([group])).groups;
        assert.deepEqual([kjs.groupId, kjs.state, kjs.protocolType, kjs.members.length], [group, 'Dead', '', 0]);
        // Mixed: 3 classic-protocol members and k1, all counted through ConsumerGroupDescribe.
        exporterSeen.push(await exported('mixed', 'consumer', ['Assigning', 'Reconciling', 'Stable'], 4));
      }
      await stop(old);
      await waitOwned(`the 6 partitions owned after ${old.name} left`, [...running]);
    }
    const raw = await RawClient.connect(cluster.nodes[await coordinatorOf(group)].port);
    try {
      const d = (
        await raw.request(consumerGroupDescribeCodec, 1, { groupIds: [group], includeAuthorizedOperations: false })
      ).groups[0];
      assert.deepEqual(
        d.members.map((m) => m.memberType),
        [1, 1, 1],
        'only consumer-protocol members are left',
      );
    } finally {
      raw.close();
    }
    exporterSeen.push(await exported('consumer only', 'consumer', ['Assigning', 'Reconciling', 'Stable'], 3));
    // The coordinator's Kafka 4 group metrics count it as a consumer group that rebalanced.
    const text = await cluster.metrics(await coordinatorOf(group));
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    assert.ok(value('kafka_server_groupcoordinatormetrics_group_count{protocol="consumer"}') >= 1, 'group-count');
    assert.ok(
      value('kafka_server_groupcoordinatormetrics_consumer_group_count{state="stable"}') +
        value('kafka_server_groupcoordinatormetrics_consumer_group_count{state="reconciling"}') >=
        1,
      'consumer-group-count',
    );
    assert.ok(value('kafka_server_groupcoordinatormetrics_consumer_group_rebalance_count') >= 3, 'rebalance-count');
    assert.ok(value('kafka_server_groupcoordinatormetrics_consumer_group_rebalance_rate') > 0, 'rebalance-rate');

    // And back: a classic member joins the consumer group, the consumer-protocol ones leave; when the
    // last leaves the group is classic again (and rebalances the classic member onto everything).
    await start(c4);
    await waitFor('mig-c4 owns partitions', () => c4.assigned.size > 0 || undefined, 90_000, 100);
    const mixed = await typeOf();
    assert.equal(mixed.type, 'consumer');
    exporterSeen.push(await exported('mixed again', 'consumer', ['Assigning', 'Reconciling', 'Stable'], 4));
    for (const m of [k1, k2]) await stop(m);
    assert.equal((await typeOf()).type, 'consumer');
    await waitOwned('mig-k3 and mig-c4 own the 6 partitions', [k3, c4]);
    await stop(k3);
    await waitFor(
      'the group is classic again',
      async () => (await typeOf()).type === 'classic' || undefined,
      30_000,
      200,
    );
    await waitOwned('mig-c4 owns all 6 partitions', [c4]);
    const after = await typeOf();
    steps.push(`back: ${after.type}/${after.state}`);
    exporterSeen.push(await exported('classic again', 'classic', ['Stable'], 1));
    await producing;
    await waitAllConsumed(members, produced, 90_000);

    // Duplicates: only on partitions that had more than one owner during the run.
    const moved = new Set(
      Array.from({ length: 6 }, (_, p) => `${topic}/${p}`).filter(
        (k) => members.filter((m) => m.everAssigned.has(k)).length > 1,
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
    console.log(
      `# kip848 migration: ${produced.size} produced, all consumed, ${duplicates} duplicate deliveries; ${steps.join('; ')}; exporter: ${exporterSeen.join(', ')}`,
    );
  } finally {
    for (const m of running) await m.stop().catch(() => undefined);
    await producer.disconnect();
    await exporter.stop();
  }
});

test('SIGKILL of the group coordinator mid-run: the group is replayed, committed offsets skip 0 records', async () => {
  const group = 'kip848-failover';
  const topic = 'k848-failover';
  await createTopics([{ topic, numPartitions: 4, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
  const producer = kafka.producer();
  await producer.connect();
  const produced = new Set<string>();
  const a = new Member('f-a', group, [topic], cluster.bootstrap);
  const b = new Member('f-b', group, [topic], cluster.bootstrap);
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
