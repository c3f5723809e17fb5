// test-budget: 150s
// Robustness: thousands of random and mutated frames (bit flips, truncations, bad sizes, unknown
// keys and versions, bad CRCs, oversized frames) on many connections. The broker may answer with
// an error or close the connection, but it never crashes, never stores a corrupt batch, and a
// real client (kafkajs) still produces and consumes afterwards. The second test covers every API
// key and version the broker's registry serves (test/support/fuzz.ts), on a PLAINTEXT and a SASL
// listener, with a fixed seed, while a well-behaved client keeps producing; `node scripts/fuzz.mjs`
// runs the same fuzzer longer with random seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { ApiCodec } from '../protocol/api.js';
import { produceCodec } from '../protocol/apis/00-produce.js';
import { fetchCodec } from '../protocol/apis/01-fetch.js';
import { listOffsetsCodec } from '../protocol/apis/02-list-offsets.js';
import { metadataCodec } from '../protocol/apis/03-metadata.js';
import { apiVersionsCodec } from '../protocol/apis/18-api-versions.js';
import { createTopicsCodec } from '../protocol/apis/19-create-topics.js';
import { describeConfigsCodec } from '../protocol/apis/32-describe-configs.js';
import { findCoordinatorCodec } from '../protocol/apis/10-find-coordinator.js';
import { encodeRequestFrame } from '../protocol/frame.js';
import { buildRecordBatch, CompressionCodec, decodeBatches } from '../protocol/record-batch/index.js';
import { processFixture } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blast, fuzz, servedVersions } from './support/fuzz.js';

const fx = processFixture();
const dir = tempDir('broker-fuzz');
const saslDir = tempDir('broker-fuzz-sasl');
let broker: BrokerProc;

// Deterministic PRNG so a failure can be replayed (seed printed on failure).
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
let state = SEED;
const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const int = (n: number) => Math.floor(rand() * n);

function frame<Req, Res>(codec: ApiCodec<Req, Res>, version: number, req: Req): Buffer {
  return encodeRequestFrame(
    { apiKey: codec.apiKey, apiVersion: version, correlationId: int(1e6), clientId: 'fuzz' },
    version >= codec.flexibleFrom,
    (w) => codec.encodeRequest!(w, version, req),
  );
}

function seeds(): Buffer[] {
  const batch = buildRecordBatch([{ key: 'k', value: 'v'.repeat(int(200)) }, { value: 'w' }], {
    compression: [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Lz4][int(3)],
  });
  return [
    frame(apiVersionsCodec, int(4), { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    frame(metadataCodec, int(7), { topics: ['fuzz-target'], allowAutoTopicCreation: true }),
    frame(produceCodec, 3 + int(5), {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topics: [{ name: 'fuzz-target', partitions: [{ index: 0, records: batch }] }],
    }),
    frame(fetchCodec, 4 + int(8), {
      replicaId: -1,
      maxWaitMs: 10,
      minBytes: 1,
      maxBytes: 100000,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'fuzz-target',
          partitions: [
            { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 100000 },
          ],
        },
      ],
      forgottenTopics: [],
      rackId: '',
    }),
    frame(listOffsetsCodec, int(4), {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'fuzz-target', partitions: [{ partitionIndex: 0, timestamp: -1, maxNumOffsets: 1 }] }],
    }),
    frame(createTopicsCodec, int(5), {
      topics: [
        {
          name: `fz${int(50)}`,
          numPartitions: 1 + int(3),
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    }),
    frame(describeConfigsCodec, int(3), {
      resources: [{ resourceType: 2, resourceName: 'fuzz-target', configurationKeys: null }],
      includeSynonyms: true,
    }),
    frame(findCoordinatorCodec, int(3), { key: 'g', keyType: 0 }),
  ];
}

function mutate(f: Buffer): Buffer {
  const b = Buffer.from(f);
  switch (int(8)) {
    case 0: // flip bytes in the body (header intact: reaches the decoders and the log)
      for (let i = 0, n = 1 + int(4); i < n; i++) if (b.length > 14) b[14 + int(b.length - 14)] ^= 1 << int(8);
      return b;
    case 1: // truncate, size prefix adjusted: a short body
      return fixSize(b.subarray(0, 4 + int(b.length - 4)));
    case 2: // random api key
      b.writeInt16BE(int(100) - 10, 4);
      return b;
    case 3: // random version
      b.writeInt16BE(int(40) - 5, 6);
      return b;
    case 4: // lying size prefix (larger than socket.request.max.bytes or negative)
      b.writeInt32BE([-1, 0x7fffffff, 200 * 1024 * 1024, 3][int(4)], 0);
      return b;
    case 5: // pure garbage
      return Buffer.from(Array.from({ length: int(64) }, () => int(256)));
    case 6: // corrupt a byte inside a record batch (bad CRC) of a produce
      if (b.readInt16BE(4) === 0 && b.length > 100) b[b.length - 1 - int(30)] ^= 0xff;
      return b;
    default: // intact
      return b;
  }
}

function fixSize(b: Buffer): Buffer {
  const out = Buffer.from(b);
  if (out.length >= 4) out.writeInt32BE(out.length - 4, 0);
  return out;
}

test.before(async () => {
  broker = await startBrokerProc(fx, dir);
});
test.after(() => {
  if (process.env.BROKER_TEST_DEBUG) process.stderr.write(broker.proc.output());
});

test('thousands of random and mutated frames never crash the broker; kafkajs still works after', async () => {
  const kafka = new Kafka({
    clientId: 'fuzz-check',
    brokers: [broker.bootstrap],
    logLevel: process.env.BROKER_TEST_DEBUG ? logLevel.INFO : logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 'fuzz-check',
    acks: -1,
    messages: Array.from({ length: 20 }, (_, i) => ({ value: `before-${i}` })),
  });

  let sent = 0;
  try {
    // Few frames per connection (a bad one closes it and drops the rest), many connections.
    for (let round = 0; round < 125; round++) {
      const conns: Buffer[][] = [];
      for (let c = 0; c < 6; c++) conns.push(Array.from({ length: 4 }, () => mutate(seeds()[int(8)])));
      sent += conns.reduce((n, f) => n + f.length, 0);
      await Promise.all(conns.map((frames) => blast(broker.port, frames)));
    }
  } catch (e) {
    throw new Error(`fuzz seed ${SEED}: ${(e as Error).message}`);
  }
  assert.ok(sent >= 3000, `sent ${sent} frames`);
  assert.equal(
    broker.proc.child.exitCode,
    null,
    `broker still running (seed ${SEED})\n${broker.proc.output().slice(-3000)}`,
  );
  assert.match(broker.proc.output(), /closing connection/, 'bad frames are logged');

  await producer.send({
    topic: 'fuzz-check',
    acks: -1,
    messages: Array.from({ length: 20 }, (_, i) => ({ value: `after-${i}` })),
  });
  await producer.disconnect();

  // Every batch the fuzzed partition holds decodes with a valid CRC: nothing corrupt was stored.
  const raw = await RawClient.connect(broker.port);
  let offset = 0;
  let batches = 0;
  for (;;) {
    const res = await raw.request(fetchCodec, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 50_000_000,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'fuzz-target',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: offset,
              logStartOffset: -1,
              partitionMaxBytes: 10_000_000,
            },
          ],
        },
      ],
      forgottenTopics: [],
      rackId: '',
    });
    const p = res.topics[0].partitions[0];
    assert.equal(p.errorCode, 0);
    const buf = p.records as Buffer | null;
    if (!buf || buf.length === 0) break;
    const decoded = decodeBatches(buf);
    batches += decoded.length;
    offset = decoded[decoded.length - 1].header.baseOffset + decoded[decoded.length - 1].header.lastOffsetDelta + 1;
    if (offset >= p.highWatermark) break;
  }
  raw.close();
  assert.ok(batches > 3, `the fuzzed partition took ${batches} valid batches`);

  // A real client still produces and consumes, in order.
  const consumer = kafka.consumer({ groupId: 'fuzz-check', maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'fuzz-check', fromBeginning: true });
  const doneReading = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
        if (seen.includes('after-19')) resolve();
      },
    });
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    doneReading,
    new Promise(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`consumer saw only ${seen.length} records (seed ${SEED})`)),
          30_000,
        )),
    ),
  ]).finally(() => clearTimeout(timer));
  await consumer.disconnect();
  for (let i = 0; i < 20; i++) {
    assert.ok(seen.includes(`before-${i}`), `before-${i}`);
    assert.ok(seen.includes(`after-${i}`), `after-${i}`);
  }
  assert.ok(seen.indexOf('before-19') < seen.indexOf('after-0'), 'order kept');
});

const FIXED_SEED = 19_000;
const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

test('every API key and version the broker serves, PLAINTEXT and SASL listeners, fixed seed: no crash, bounded RSS, a client keeps producing', async () => {
  process.env.FUZZ_SASL_PW = 'fuzz-Adm1n-pw';
  const cfg = join(saslDir, 'kafka-sre.yaml');
  writeFileSync(
    cfg,
    'broker:\n  security:\n    listener: SASL_PLAINTEXT\n    mechanisms: [PLAIN]\n    users: { admin: { passwordEnv: FUZZ_SASL_PW } }\n',
  );
  const sasl = await startBrokerProc(fx, join(saslDir, 'data'), undefined, ['--config', cfg]);
  const versions = servedVersions();
  const keys = new Set(versions.map((v) => v.apiKey));
  assert.ok(
    keys.size >= 30 && versions.length >= 100,
    `${keys.size} APIs, ${versions.length} versions from the registry`,
  );

  const kafka = new Kafka({ clientId: 'fuzz-neighbour', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  let produced = 0;
  let running = true;
  const neighbour = (async () => {
    while (running) {
      await producer.send({ topic: 'fuzz-neighbour', acks: -1, messages: [{ value: `n-${produced}` }] });
      produced++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const pids = [broker.proc.pid, sasl.proc.pid];
  const base = pids.map(rss);
  const peak = [...base];
  const sampler = setInterval(() => pids.forEach((p, i) => (peak[i] = Math.max(peak[i], rss(p)))), 100);
  let sent = 0;
  try {
    sent = await fuzz(
      [{ port: broker.port }, { port: sasl.port, login: { user: 'admin', password: 'fuzz-Adm1n-pw' } }],
      FIXED_SEED,
      6,
    );
  } finally {
    clearInterval(sampler);
    running = false;
    await neighbour;
    await producer.disconnect();
  }
  console.log(
    `fuzz seed ${FIXED_SEED}: ${sent} frames over ${keys.size} APIs / ${versions.length} versions; ` +
      `RSS growth ${peak.map((p, i) => Math.round((p - base[i]) / 2 ** 20)).join(' / ')} MiB; neighbour produced ${produced}`,
  );
  for (const [i, p] of [broker, sasl].entries()) {
    assert.equal(p.proc.child.exitCode, null, `broker ${i} still running (seed ${FIXED_SEED})`);
    assert.ok(peak[i] - base[i] < 256 * 2 ** 20, `broker ${i} RSS grew by ${(peak[i] - base[i]) / 2 ** 20} MiB`);
  }
  assert.ok(produced > 10, `the neighbour produced ${produced} records meanwhile`);
  // The SASL broker still serves a logged-in client.
  const after = new Kafka({
    brokers: [sasl.bootstrap],
    sasl: { mechanism: 'plain', username: 'admin', password: 'fuzz-Adm1n-pw' },
    logLevel: logLevel.NOTHING,
  }).producer();
  await after.connect();
  const r = await after.send({ topic: 'after-fuzz', acks: -1, messages: [{ value: 'ok' }] });
  assert.equal(r[0].errorCode, 0);
  await after.disconnect();
});
