// test-budget: 120s
// librdkafka's balanced consumer (kcat -G) against the reference broker: two kcat members split a
// topic's partitions, consume every record once between them and commit their offsets. Then one
// mixed group: a kafkajs member and a kcat member agree on the common assignor name `roundrobin`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionAssigners, type Kafka, type PartitionAssigner } from 'kafkajs';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
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
  broker = await startBroker(fx, tempDataDir('groups-kcat'));
  kafka = kafkaClient(broker.bootstrap);
});

function kcatMember(groupId: string, topic: string, name: string, strategy = 'range'): Promise<RunningProcess> {
  return fx.start(
    'kcat',
    [
      '-b',
      broker.bootstrap,
      '-G',
      groupId,
      '-X',
      'auto.offset.reset=earliest',
      '-f',
      'REC %s\n',
      '-u',
      '-X',
      `partition.assignment.strategy=${strategy}`,
      '-X',
      'auto.commit.interval.ms=200',
      '-X',
      'session.timeout.ms=10000',
      '-X',
      'heartbeat.interval.ms=300',
      '-X',
      'fetch.wait.max.ms=200',
      topic,
    ],
    { name },
  );
}

const records = (p: RunningProcess) =>
  p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('REC '))
    .map((l) => l.slice(4));

async function describe(groupId: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeGroups([groupId])).groups[0];
  } finally {
    await admin.disconnect();
  }
}

test('two kcat -G members share the partitions, consume every record once and commit', async () => {
  const topic = 'kcat-balanced';
  const groupId = 'kcat-group';
  await createTopic(kafka, topic, 4);
  const a = await kcatMember(groupId, topic, 'kcat-a');
  const b = await kcatMember(groupId, topic, 'kcat-b');
  await waitFor(
    'two members, Stable',
    async () => {
      const g = await describe(groupId);
      return g.state === 'Stable' && g.members.length === 2;
    },
    40_000,
    250,
  );
  const values = Array.from({ length: 40 }, (_, i) => `k-${i}`);
  await produce(kafka, topic, values);
  await waitFor('40 records between the two', () => records(a).length + records(b).length >= 40, 30_000, 100);
  assert.ok(
    records(a).length > 0 && records(b).length > 0,
    `both members consumed (a ${records(a).length}, b ${records(b).length})`,
  );
  assert.deepEqual([...records(a), ...records(b)].sort(), [...values].sort());
  await waitFor(
    'offsets committed',
    async () => {
      const o = await fetchGroupOffsets(kafka, groupId, topic);
      return [...o.values()].reduce((s, x) => s + Math.max(0, x), 0) === 40;
    },
    15_000,
    250,
  );
  await a.stop();
  await b.stop();
  await waitFor('group empty after both left', async () => (await describe(groupId)).state === 'Empty', 15_000, 250);
});

test('a mixed group of kafkajs and kcat agrees on the roundrobin assignor', async () => {
  const topic = 'mixed';
  const groupId = 'mixed-group';
  await createTopic(kafka, topic, 4);
  // kafkajs' round-robin assigner under librdkafka's name, so both members list a common protocol.
  const roundrobin: PartitionAssigner = (cfg) => ({ ...PartitionAssigners.roundRobin(cfg), name: 'roundrobin' });
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [roundrobin],
    sessionTimeout: 10_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 300,
  });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
  const k = await kcatMember(groupId, topic, 'kcat-mixed', 'roundrobin');
  await waitFor(
    'mixed group Stable with two members',
    async () => {
      const g = await describe(groupId);
      return g.state === 'Stable' && g.members.length === 2 ? g : undefined;
    },
    40_000,
    250,
  );
  assert.equal((await describe(groupId)).protocol, 'roundrobin');
  const values = Array.from({ length: 20 }, (_, i) => `m-${i}`);
  await produce(kafka, topic, values);
  await waitFor('20 records between kafkajs and kcat', () => seen.length + records(k).length >= 20, 30_000, 100);
  assert.ok(
    seen.length > 0 && records(k).length > 0,
    `both consumed (kafkajs ${seen.length}, kcat ${records(k).length})`,
  );
  assert.deepEqual([...seen, ...records(k)].sort(), [...values].sort());
  await consumer.disconnect();
  await k.stop();
});

test('a kcat member with no assignor in common with a kafkajs group is refused with INCONSISTENT_GROUP_PROTOCOL', async () => {
  const topic = 'no-common';
  const groupId = 'no-common-group';
  await createTopic(kafka, topic, 2);
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 300 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  await waitFor('kafkajs member Stable', async () => (await describe(groupId)).state === 'Stable', 30_000, 250);
  const k = await kcatMember(groupId, topic, 'kcat-range', 'range');
  await waitFor(
    'kcat told the protocol is inconsistent',
    () => /inconsistent group protocol/i.test(k.output()),
    20_000,
    100,
  );
  const g = await describe(groupId);
  assert.equal(g.members.length, 1);
  assert.equal(g.protocol, 'RoundRobinAssigner');
  await k.stop();
  await consumer.disconnect();
});
