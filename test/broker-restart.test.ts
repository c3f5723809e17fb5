// test-budget: 120s
// Restart durability: produce, stop the broker (SIGTERM, and separately SIGKILL), start it again
// from the same data directory, and consume everything back in order; topics and configs survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { processFixture, runCommand } from './support/processes.js';
import { startBrokerProc, tempDir } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-restart');

async function produceNumbered(bootstrap: string, topic: string, from: number, count: number): Promise<void> {
  const kafka = new Kafka({ clientId: 'restart-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  for (let i = from; i < from + count; i += 50) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: Math.min(50, from + count - i) }, (_, j) => ({
        key: `k${(i + j) % 7}`,
        value: `n${i + j}`,
        partition: 0,
      })),
    });
  }
  await producer.disconnect();
}

/** Every value of partition 0 in order, with kcat (an independent client). */
async function consumeAll(bootstrap: string, topic: string): Promise<string[]> {
  const r = await runCommand(
    'kcat',
    ['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'],
    { timeoutMs: 30_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`after ${signal} the broker restarts from its data dir and serves every acknowledged record in order`, async () => {
    const data = join(dir, signal);
    let b = await startBrokerProc(fx, data);
    const kafka = new Kafka({ clientId: 'restart-admin', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'durable',
          numPartitions: 2,
          configEntries: [
            { name: 'retention.ms', value: '86400000' },
            { name: 'segment.bytes', value: '16384' },
          ],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    await produceNumbered(b.bootstrap, 'durable', 0, 1000);

    if (signal === 'SIGKILL') b.proc.kill('SIGKILL');
    else b.proc.kill('SIGTERM');
    const exit = await b.proc.exited;
    if (signal === 'SIGTERM') assert.equal(exit.code, 0, `clean exit on SIGTERM\n${b.proc.output().slice(-2000)}`);

    b = await startBrokerProc(fx, data, { port: b.port, metricsPort: b.metricsPort });
    const values = await consumeAll(b.bootstrap, 'durable');
    assert.deepEqual(
      values,
      Array.from({ length: 1000 }, (_, i) => `n${i}`),
    );

    // The topic and its configs came back; new appends continue after the old offsets.
    const admin2 = new Kafka({
      clientId: 'restart-admin2',
      brokers: [b.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin2.connect();
    const md = await admin2.fetchTopicMetadata({ topics: ['durable'] });
    assert.equal(md.topics[0].partitions.length, 2);
    const offsets = await admin2.fetchTopicOffsets('durable');
    assert.equal(offsets.find((o) => o.partition === 0)?.high, '1000');
    await admin2.disconnect();
    await produceNumbered(b.bootstrap, 'durable', 1000, 10);
    assert.equal((await consumeAll(b.bootstrap, 'durable')).length, 1010);
    await b.proc.stop();
  });
}
