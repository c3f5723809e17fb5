// test-budget: 90s
// kafka-python's group consumer (/usr/bin/python3, Debian's python3-kafka) against the reference
// broker: it joins a group, consumes, commits synchronously, and a second run of the same group
// starts after the committed offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { processFixture, runCommand } from './support/processes.js';
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
  broker = await startBroker(fx, tempDataDir('groups-python'));
  kafka = kafkaClient(broker.bootstrap);
});

const script = `
import json, sys, time
from kafka import KafkaConsumer, TopicPartition
bootstrap, topic, group, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                  enable_auto_commit=False, session_timeout_ms=10000, heartbeat_interval_ms=500,
                  fetch_max_wait_ms=200, request_timeout_ms=15000)
got = []
deadline = time.time() + 40
while len(got) < want and time.time() < deadline:
    for tp, msgs in c.poll(timeout_ms=300).items():
        got.extend(m.value.decode() for m in msgs)
c.commit()
parts = sorted(p.partition for p in c.assignment())
committed = {p: c.committed(TopicPartition(topic, p)) for p in parts}
c.close()
print(json.dumps({"got": got, "committed": committed}))
`;

async function runPythonConsumer(
  topic: string,
  group: string,
  want: number,
): Promise<{ got: string[]; committed: Record<string, number | null> }> {
  const res = await runCommand('/usr/bin/python3', ['-c', script, broker.bootstrap, topic, group, String(want)], {
    timeoutMs: 60_000,
  });
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}');
}

test('a kafka-python group consumer commits, and its next run starts after the committed offsets', async () => {
  const topic = 'py-group';
  const group = 'py-group-g';
  await createTopic(kafka, topic, 2);
  await produce(
    kafka,
    topic,
    Array.from({ length: 12 }, (_, i) => `p-${i}`),
  );
  const first = await runPythonConsumer(topic, group, 12);
  assert.equal(first.got.length, 12);
  const committedSum = Object.values(first.committed).reduce<number>((s, o) => s + (o ?? 0), 0);
  assert.equal(committedSum, 12);
  const seenByKafkajs = await fetchGroupOffsets(kafka, group, topic);
  assert.equal(
    [...seenByKafkajs.values()].reduce((s, o) => s + Math.max(0, o), 0),
    12,
  );

  await produce(kafka, topic, ['q-0', 'q-1', 'q-2']);
  const second = await runPythonConsumer(topic, group, 3);
  assert.deepEqual([...second.got].sort(), ['q-0', 'q-1', 'q-2']);
});
