// test-budget: 90s
// Kafka through the fault proxy: the reference broker advertises the proxy's address
// (127.0.0.2:P, still loopback) and listens on 127.0.0.1:P; kafkajs and kcat reach it only
// through the proxy. A latency toxic shows up in produce latency; disabling the proxy makes the
// broker's partitions unavailable until it is enabled again.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Toxiproxy, type Latency } from 'toxiproxy-node-client';
import type { RunningProxyServer } from '../chaos/proxy/server.js';
import { processFixture, runCommand } from './support/processes.js';
import { freePort } from './support/ports.js';
import { proxyServer } from './proxy-fixtures.js';

const procs = processFixture();
const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-proxy-kafka-'));
const topic = 'through-proxy';
let server: RunningProxyServer;
let toxiproxy: Toxiproxy;
let bootstrap: string;
let producer: Producer;

async function timedSend(value: string): Promise<number> {
  const start = performance.now();
  await producer.send({ topic, acks: 1, messages: [{ value }] });
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function kcat(args: string[], input?: string) {
  return runCommand('kcat', ['-b', bootstrap, ...args], { input, timeoutMs: 30_000 });
}

before(async () => {
  const port = await freePort();
  bootstrap = `127.0.0.2:${port}`;
  await procs.startCli(
    [
      'broker',
      '--brokers',
      '1',
      '--data-dir',
      join(dir, 'data'),
      '--port',
      String(port),
      '--metrics-port',
      '0',
      '--log-level',
      'warn',
    ],
    {
      env: { ...process.env, KAFKA_SRE_BROKER_ADVERTISED_HOST: '127.0.0.2' },
      readyWhen: /listening on/,
    },
  );
  server = await proxyServer({ populate: [{ name: 'broker0', listen: bootstrap, upstream: `127.0.0.1:${port}` }] });
  toxiproxy = new Toxiproxy(server.url);
  const kafka = new Kafka({
    clientId: 'proxy-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

after(async () => {
  await producer?.disconnect().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('Kafka through the fault proxy', () => {
  it('kafkajs produces through the proxy and a latency toxic shows in produce latency', async () => {
    const base: number[] = [];
    for (let i = 0; i < 5; i++) base.push(await timedSend(`base-${i}`));
    const proxy = await toxiproxy.get('broker0');
    const toxic = await proxy.addToxic<Latency>({
      name: 'slow_broker',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 300, jitter: 0 },
    });
    const slow: number[] = [];
    for (let i = 0; i < 3; i++) slow.push(await timedSend(`slow-${i}`));
    await toxic.remove();
    assert.ok(median(slow) >= 299, `produce with a 300 ms latency toxic: ${slow.map(Math.round).join(', ')} ms`);
    assert.ok(
      median(slow) - median(base) >= 250,
      `baseline ${base.map(Math.round).join(', ')} ms vs ${slow.map(Math.round).join(', ')} ms`,
    );
  });

  it('kcat produces and consumes through the proxy', async () => {
    const produced = await kcat(['-P', '-t', topic], 'from-kcat-1\nfrom-kcat-2\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const lines = consumed.stdout.trim().split('\n');
    assert.ok(lines.includes('base-0') && lines.includes('slow-2'), 'sees what kafkajs produced');
    assert.ok(lines.includes('from-kcat-1') && lines.includes('from-kcat-2'), 'sees its own records');
  });

  it("disabling the broker's proxy makes its partitions unavailable until it is enabled again", async () => {
    const proxy = await toxiproxy.get('broker0');
    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await assert.rejects(timedSend('while-down'), 'kafkajs cannot produce');
    const meta = await kcat(['-L', '-t', topic, '-m', '2']);
    assert.notEqual(meta.code, 0, 'kcat cannot fetch metadata');
    await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    await timedSend('after-enable');
    const again = await kcat(['-C', '-t', topic, '-o', '-1', '-e', '-q']);
    assert.equal(again.stdout.trim(), 'after-enable');
  });
});
