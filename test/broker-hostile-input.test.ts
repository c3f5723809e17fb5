// test-budget: 120s
// Hostile input on one SASL_PLAINTEXT broker (a real process), while a well-behaved kafkajs
// producer keeps producing: a client pipelining 1 MiB produce frames behind a parked long-poll
// Fetch is muted (the broker stops reading it), a 100 MiB frame before authentication closes the
// connection at its size prefix, and decompression bombs of every codec sent to a compacted topic
// are refused with CORRUPT_MESSAGE. Broker RSS (from /proc) grows by less than 256 MiB throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { produceCodec } from '../protocol/apis/00-produce.js';
import { fetchCodec } from '../protocol/apis/01-fetch.js';
import { createTopicsCodec } from '../protocol/apis/19-create-topics.js';
import { saslHandshakeCodec } from '../protocol/apis/17-sasl-handshake.js';
import { saslAuthenticateCodec } from '../protocol/apis/36-sasl-authenticate.js';
import { encodeRequestFrame } from '../protocol/frame.js';
import { buildRecordBatch } from '../protocol/record-batch/index.js';
import { processFixture } from './support/processes.js';
import { batchOf, claimBombs, realBombs } from './support/bombs.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-hostile');
let broker: BrokerProc;
const PW = 'h0stile-Adm1n-pw';
const MiB = 1024 * 1024;

test.before(async () => {
  process.env.HOSTILE_TEST_ADMIN_PW = PW;
  const cfg = join(dir, 'kafka-sre.yaml');
  // A 1 MiB decompression bound, so every real bomb below (the smallest expands to 1.3 MiB) is past it.
  writeFileSync(
    cfg,
    [
      'broker:',
      '  maxDecompressedBatchBytes: 1048576',
      '  queuedMaxRequestBytes: 33554432',
      '  security:',
      '    listener: SASL_PLAINTEXT',
      '    mechanisms: [PLAIN]',
      '    users: { admin: { passwordEnv: HOSTILE_TEST_ADMIN_PW } }',
      '',
    ].join('\n'),
  );
  broker = await startBrokerProc(fx, join(dir, 'data'), undefined, ['--config', cfg]);
});

function rssBytes(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${broker.proc.pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** Highest broker RSS seen while `work` runs (sampled every 50 ms). */
async function peakRssDuring<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssBytes();
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes())), 50);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, rssBytes()) };
  } finally {
    clearInterval(timer);
  }
}

async function authenticated(): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  const hs = await c.request(saslHandshakeCodec, 1, { mechanism: 'PLAIN' });
  assert.equal(hs.errorCode, 0);
  const auth = await c.request(saslAuthenticateCodec, 1, { authBytes: Buffer.from(`\0admin\0${PW}`) });
  assert.equal(auth.errorCode, 0);
  return c;
}

async function createTopic(c: RawClient, name: string, configs: { name: string; value: string }[] = []) {
  const res = await c.request(createTopicsCodec, 4, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.ok([0, 36].includes(res.topics[0].errorCode), `create ${name}: ${res.topics[0].errorCode}`);
}

/** A kafkajs producer sending one small record at a time until stopped; returns its latencies. */
function wellBehaved(): { stop: () => Promise<number[]> } {
  const kafka = new Kafka({
    clientId: 'well-behaved',
    brokers: [broker.bootstrap],
    sasl: { mechanism: 'plain', username: 'admin', password: PW },
    logLevel: logLevel.NOTHING,
  });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  const latencies: number[] = [];
  let running = true;
  let failure: Error | null = null;
  const loop = (async () => {
    await producer.connect();
    // Warm up (metadata, connection) outside the measurement.
    await producer.send({ topic: 'steady', acks: 1, messages: [{ value: 'warm' }] });
    while (running) {
      const t0 = performance.now();
      await producer.send({ topic: 'steady', acks: 1, messages: [{ value: 'x'.repeat(100) }] });
      latencies.push(performance.now() - t0);
      await sleep(20);
    }
    await producer.disconnect();
  })().catch((e: Error) => {
    running = false;
    failure = e;
  });
  return {
    stop: async () => {
      running = false;
      await loop;
      if (failure) throw failure;
      return latencies;
    },
  };
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

test('pipelined 1 MiB produce frames behind a parked fetch and a 100 MiB pre-auth frame: bounded RSS, steady neighbour', async () => {
  const setup = await authenticated();
  await createTopic(setup, 'steady');
  await createTopic(setup, 'parked');
  setup.close();
  const producer = wellBehaved();
  await sleep(1500);
  const base = rssBytes();

  const { result, peak } = await peakRssDuring(async () => {
    // Offender 1: parks a Fetch (60 s max wait, 1 MiB min bytes on an empty topic), then pipelines
    // up to 10,000 produce frames of 1 MiB each, as fast as its socket takes them, for 4 s.
    const off = await authenticated();
    const parked = off
      .request(fetchCodec, 11, {
        replicaId: -1,
        maxWaitMs: 60_000,
        minBytes: MiB,
        maxBytes: 50 * MiB,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'parked',
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: MiB },
            ],
          },
        ],
        forgottenTopics: [],
        rackId: '',
      })
      .catch(() => null);
    await sleep(300);
    const frame = encodeRequestFrame(
      { apiKey: 0, apiVersion: 7, correlationId: 99, clientId: 'offender' },
      false,
      (w) =>
        produceCodec.encodeRequest!(w, 7, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 1000,
          topics: [
            {
              name: 'parked',
              partitions: [{ index: 0, records: buildRecordBatch([{ value: Buffer.alloc(MiB - 1024, 1) }]) }],
            },
          ],
        }),
    );
    let sent = 0;
    const deadline = Date.now() + 4000;
    while (sent < 10_000 && Date.now() < deadline) {
      sent++;
      if (off.socket.write(frame)) continue;
      const drained = await Promise.race([
        once(off.socket, 'drain').then(() => true),
        sleep(Math.max(1, deadline - Date.now())).then(() => false),
      ]);
      if (!drained) break;
    }
    off.close();
    await parked;

    // Offender 2: a 100 MiB frame before authenticating, streamed until the broker hangs up.
    const preAuth = connect({ port: broker.port, host: '127.0.0.1' });
    await once(preAuth, 'connect');
    const closed = new Promise<boolean>((resolve) => preAuth.once('close', () => resolve(true)));
    preAuth.on('error', () => {});
    const head = Buffer.alloc(4);
    head.writeInt32BE(100 * MiB);
    preAuth.write(head);
    let preAuthBytes = 0;
    const chunk = Buffer.alloc(MiB, 7);
    const until = Date.now() + 3000;
    while (Date.now() < until && !preAuth.destroyed) {
      if (preAuth.write(chunk)) preAuthBytes += MiB;
      // (events.once rejects on 'error': the broker resetting the connection is the expected end)
      else await Promise.race([once(preAuth, 'drain').catch(() => undefined), closed, sleep(100)]);
    }
    const closedInTime = await Promise.race([closed, sleep(2000).then(() => false)]);
    preAuth.destroy();
    return { sent, preAuthBytes, closedInTime };
  });
  await sleep(500);
  const latencies = await producer.stop();

  const growth = (peak - base) / MiB;
  console.log(
    `pipelined frames taken by the socket: ${result.sent}; pre-auth bytes written: ${result.preAuthBytes / MiB} MiB; ` +
      `broker RSS ${Math.round(base / MiB)} -> peak ${Math.round(peak / MiB)} MiB; ` +
      `neighbour produce p99 ${p99(latencies).toFixed(1)} ms over ${latencies.length} sends`,
  );
  // Unmuted, the broker would read frames until the 32 MiB request pool is full (32+ frames, and
  // the pool full starves the neighbour); muted, only socket buffers take a few.
  assert.ok(result.sent < 24, `the offender was muted after ${result.sent} frames`);
  assert.ok(result.closedInTime, 'the 100 MiB pre-auth frame closed the connection');
  assert.ok(growth < 256, `broker RSS grew by ${growth.toFixed(0)} MiB`);
  assert.ok(latencies.length > 20, 'the neighbour kept producing');
  assert.ok(p99(latencies) < 200, `neighbour produce p99 ${p99(latencies).toFixed(1)} ms`);
});

test('decompression bombs of every codec to a compacted topic: CORRUPT_MESSAGE, bounded RSS', async () => {
  const c = await authenticated();
  await createTopic(c, 'compacted', [{ name: 'cleanup.policy', value: 'compact' }]);
  const base = rssBytes();
  const bombs = [
    ...realBombs().map((b) => ({ ...b, kind: 'real' })),
    ...claimBombs().map((b) => ({ ...b, kind: 'claims' })),
  ];
  const { result, peak } = await peakRssDuring(async () => {
    const codes: string[] = [];
    for (const b of bombs) {
      const res = await c.request(produceCodec, 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topics: [{ name: 'compacted', partitions: [{ index: 0, records: batchOf(b.codec, b.data) }] }],
      });
      const code = res.topics[0].partitions[0].errorCode;
      codes.push(`${b.kind} ${b.name} (${b.data.length} B, ${b.expands} B): ${code}`);
      assert.ok([2, 87].includes(code), `${b.kind} ${b.name} bomb answered ${code}`);
    }
    return codes;
  });
  c.close();
  console.log(result.join('\n'));
  const growth = (peak - base) / MiB;
  console.log(`broker RSS ${Math.round(base / MiB)} -> peak ${Math.round(peak / MiB)} MiB`);
  assert.ok(growth < 256, `broker RSS grew by ${growth.toFixed(0)} MiB`);
  // And a real keyed record on the same topic still goes in.
  const ok = await authenticated();
  const res = await ok.request(produceCodec, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topics: [{ name: 'compacted', partitions: [{ index: 0, records: buildRecordBatch([{ key: 'k', value: 'v' }]) }] }],
  });
  ok.close();
  assert.equal(res.topics[0].partitions[0].errorCode, 0);
});
