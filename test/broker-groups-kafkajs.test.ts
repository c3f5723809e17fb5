// test-budget: 120s
// kafkajs consumer groups against the reference broker: three members rebalancing as they join and
// leave (every partition owned by exactly one member each time), and a restarted consumer resuming
// from the group's committed offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer, Kafka } from 'kafkajs';
import { processFixture, waitFor } from './support/processes.js';
import {
  createTopic,
  fetchGroupOffsets,
  kafkaClient,
  produce,
  startBroker,
  tempDataDir,
  type BrokerHandle,
} from './broker-groups-support.js';

const fx = processFixture();
let broker: BrokerHandle;
let kafka: Kafka;

test.before(async () => {
  broker = await startBroker(fx, tempDataDir('groups-kafkajs'));
  kafka = kafkaClient(broker.bootstrap);
});

interface Member {
  consumer: Consumer;
  assignment: number[];
  seen: string[];
}

async function startMember(groupId: string, topic: string): Promise<Member> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 300,
  });
  const m: Member = { consumer, assignment: [], seen: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    m.assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void m.seen.push(message.value?.toString() ?? '') });
  return m;
}

/** Waits until the members' latest assignments split all partitions with the given sizes. */
async function balanced(members: Member[], partitions: number, sizes: number[]): Promise<void> {
  await waitFor(
    `assignment sizes ${sizes.join('/')}`,
    () => {
      const all = members.flatMap((m) => m.assignment).sort((a, b) => a - b);
      const got = members.map((m) => m.assignment.length).sort();
      return all.length === partitions && new Set(all).size === partitions && got.join() === [...sizes].sort().join();
    },
    40_000,
    100,
  );
}

test('a kafkajs group of three rebalances as members join and leave, and every record is consumed once', async () => {
  const topic = 'rebalance';
  const groupId = 'rebalance-group';
  await createTopic(kafka, topic, 6);
  const c1 = await startMember(groupId, topic);
  await balanced([c1], 6, [6]);
  const c2 = await startMember(groupId, topic);
  await balanced([c1, c2], 6, [3, 3]);
  const c3 = await startMember(groupId, topic);
  await balanced([c1, c2, c3], 6, [2, 2, 2]);

  const admin = kafka.admin();
  await admin.connect();
  const described = await admin.describeGroups([groupId]);
  assert.equal(described.groups[0].state, 'Stable');
  assert.equal(described.groups[0].members.length, 3);
  assert.equal(described.groups[0].protocol, 'RoundRobinAssigner');

  // The coordinator's gauges reach the broker's /metrics.
  const metrics = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  assert.ok(value('kafka_coordinator_group_groupmetadatamanager_numgroupsstable') >= 1, 'numgroupsstable');
  assert.ok(value('kafka_coordinator_group_groupmetadatamanager_numgroups') >= 1, 'numgroups');
  assert.ok(value('kafka_coordinator_group_groupmetadatamanager_rebalances_total') >= 3, 'rebalances_total');
  // Kafka 4's group-coordinator-metrics names: the same group counted as a classic group, Stable.
  assert.ok(value('kafka_server_groupcoordinatormetrics_group_count\\{protocol="classic"\\}') >= 1, 'group-count');
  assert.ok(
    value('kafka_server_groupcoordinatormetrics_classic_group_count\\{state="stable"\\}') >= 1,
    'classic-group-count',
  );
  assert.equal(value('kafka_server_groupcoordinatormetrics_group_count\\{protocol="consumer"\\}'), 0);

  const values = Array.from({ length: 60 }, (_, i) => `v-${i}`);
  await produce(kafka, topic, values);
  const members = [c1, c2, c3];
  await waitFor('all 60 records consumed', () => members.flatMap((m) => m.seen).length >= 60, 30_000, 100);

  await c3.consumer.disconnect(); // LeaveGroup: the other two take over its partitions
  await balanced([c1, c2], 6, [3, 3]);
  const listed = await admin.listGroups();
  assert.ok(listed.groups.some((g) => g.groupId === groupId && g.protocolType === 'consumer'));
  await c1.consumer.disconnect();
  await c2.consumer.disconnect();
  assert.deepEqual(members.flatMap((m) => m.seen).sort(), [...values].sort());
  await waitFor('group empty', async () => (await admin.describeGroups([groupId])).groups[0].state === 'Empty', 10_000);
  assert.deepEqual(await admin.deleteGroups([groupId]), [{ groupId, errorCode: 0 }]);
  await admin.disconnect();
});

test('a restarted kafkajs consumer resumes from the committed offsets instead of the beginning', async () => {
  const topic = 'resume';
  const groupId = 'resume-group';
  await createTopic(kafka, topic, 2);
  await produce(
    kafka,
    topic,
    Array.from({ length: 10 }, (_, i) => `first-${i}`),
  );
  const a = await startMember(groupId, topic);
  await waitFor('first 10 consumed', () => a.seen.length >= 10, 30_000, 100);
  await a.consumer.disconnect(); // commits what it consumed
  const committed = await fetchGroupOffsets(kafka, groupId, topic);
  assert.equal(
    [...committed.values()].reduce((s, o) => s + Math.max(0, o), 0),
    10,
  );

  await produce(
    kafka,
    topic,
    Array.from({ length: 5 }, (_, i) => `second-${i}`),
  );
  const b = await startMember(groupId, topic);
  await waitFor('5 new records consumed', () => b.seen.length >= 5, 30_000, 100);
  await new Promise((r) => setTimeout(r, 500));
  await b.consumer.disconnect();
  assert.deepEqual(
    [...b.seen].sort(),
    Array.from({ length: 5 }, (_, i) => `second-${i}`),
  );
  const after = await fetchGroupOffsets(kafka, groupId, topic);
  assert.equal(
    [...after.values()].reduce((s, o) => s + Math.max(0, o), 0),
    15,
  );
});
