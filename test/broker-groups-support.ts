// Shared bits of the consumer-group integration tests: start a one-broker reference cluster on
// free ports with its own data directory, and a quiet kafkajs client for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import type { ProcessFixture, RunningProcess } from './support/processes.js';
import { freePort } from './support/ports.js';

export interface BrokerHandle {
  port: number;
  metricsPort: number;
  dataDir: string;
  bootstrap: string;
  proc: RunningProcess;
}

// Removed when the test file ends. Registered here at top level: an `after` called inside a
// `before` hook would run as soon as that hook finishes.
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  dirs.push(dir);
  return dir;
}

/** Starts `kafka-sre broker` (or restarts it on the same ports and data dir when `prev` is given). */
export async function startBroker(
  fx: ProcessFixture,
  dataDir: string,
  prev?: { port: number; metricsPort: number },
): Promise<BrokerHandle> {
  const port = prev?.port ?? (await freePort());
  const metricsPort = prev?.metricsPort ?? (await freePort());
  const proc = await fx.startCli(
    ['broker', '--brokers', '1', '--data-dir', dataDir, '--port', String(port), '--metrics-port', String(metricsPort)],
    {
      readyPort: port,
      readyTimeoutMs: 30_000,
      name: 'broker',
    },
  );
  return { port, metricsPort, dataDir, bootstrap: `127.0.0.1:${port}`, proc };
}

export function kafkaClient(bootstrap: string, clientId = 'groups-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

export async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(kafka: Kafka, topic: string, values: string[], partition?: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((value) => ({ value, ...(partition === undefined ? {} : { partition }) })),
    });
  } finally {
    await producer.disconnect();
  }
}

export async function fetchGroupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(res[0].partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}
