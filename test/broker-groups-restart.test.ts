// test-budget: 120s
// Group offsets survive a broker restart, both a clean one (SIGTERM) and a crash (SIGKILL): they are
// in `__consumer_offsets` on disk and replayed at start. A consumer started after the restart
// resumes from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBatches } from '../protocol/record-batch/index.js';
import {
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
  offsetsPartitionFor,
} from '../protocol/consumer-offsets/formats.js';
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

async function consumeAndCommit(
  bootstrap: string,
  groupId: string,
  topic: string,
  expected: number,
): Promise<string[]> {
  const kafka = kafkaClient(bootstrap);
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 300 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
  await waitFor(`${expected} records`, () => seen.length >= expected, 30_000, 100);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return seen;
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`committed group offsets survive a broker ${signal === 'SIGTERM' ? 'clean stop (SIGTERM)' : 'crash (SIGKILL)'}`, async () => {
    const dataDir = tempDataDir(`groups-restart-${signal}`);
    let broker: BrokerHandle = await startBroker(fx, dataDir);
    let kafka = kafkaClient(broker.bootstrap);
    const topic = 'durable';
    const groupId = `durable-${signal}`;
    await createTopic(kafka, topic, 1);
    await produce(
      kafka,
      topic,
      Array.from({ length: 8 }, (_, i) => `a-${i}`),
    );
    await consumeAndCommit(broker.bootstrap, groupId, topic, 8);
    assert.equal((await fetchGroupOffsets(kafka, groupId, topic)).get(0), 8);

    if (signal === 'SIGTERM') {
      await broker.proc.stop();
      // What Burrow or a console formatter would read: Kafka's key/value formats in the segment file.
      const segment = join(
        dataDir,
        'broker-0',
        'logs',
        `__consumer_offsets-${offsetsPartitionFor(groupId, 50)}`,
        '00000000000000000000.log',
      );
      const records = decodeBatches(readFileSync(segment)).flatMap((b) => b.records);
      const commits = records
        .map((r) => ({ key: decodeKey(r.key!), value: r.value }))
        .filter((r) => r.key.kind === 'offset' && r.key.group === groupId);
      assert.equal(decodeOffsetCommitValue(commits[commits.length - 1].value!).offset, 8);
      const groupRecord = records
        .map((r) => ({ key: decodeKey(r.key!), value: r.value }))
        .filter((r) => r.key.kind === 'group' && r.key.group === groupId)
        .pop();
      assert.equal(decodeGroupMetadataValue(groupRecord!.value!).version, 1);
    } else {
      broker.proc.kill('SIGKILL');
      await broker.proc.exited;
    }
    broker = await startBroker(fx, dataDir, broker);
    kafka = kafkaClient(broker.bootstrap);
    const offsets = await waitFor(
      'offsets after restart',
      async () => {
        const o = await fetchGroupOffsets(kafka, groupId, topic);
        return o.get(0) === 8 ? o : undefined;
      },
      20_000,
    );
    assert.equal(offsets?.get(0), 8);

    await produce(kafka, topic, ['b-0', 'b-1']);
    const resumed = await consumeAndCommit(broker.bootstrap, groupId, topic, 2);
    assert.deepEqual(resumed, ['b-0', 'b-1']);
    assert.equal((await fetchGroupOffsets(kafka, groupId, topic)).get(0), 10);
    await broker.proc.stop();
  });
}
