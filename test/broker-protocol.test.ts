// test-budget: 120s
// Protocol behaviours clients depend on, checked with a raw client built on protocol/ codecs:
// ApiVersions v3 -> UNSUPPORTED_VERSION in a v0 body with the connection kept; unknown keys,
// oversized and truncated frames close the connection; pipelined responses keep request order;
// acks=0 gets no response; bad CRCs get CORRUPT_MESSAGE; Fetch long-polls (max_wait_ms, min_bytes),
// starts at the batch holding the offset and returns a whole batch above max_bytes;
// OFFSET_OUT_OF_RANGE past the log end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { produceCodec } from '../protocol/apis/00-produce.js';
import { fetchCodec, type FetchRequest } from '../protocol/apis/01-fetch.js';
import { metadataCodec } from '../protocol/apis/03-metadata.js';
import { apiVersionsCodec } from '../protocol/apis/18-api-versions.js';
import { createTopicsCodec } from '../protocol/apis/19-create-topics.js';
import { encodeRequestFrame } from '../protocol/frame.js';
import { ProtocolReader } from '../protocol/primitives/reader.js';
import { buildRecordBatch, decodeBatches } from '../protocol/record-batch/index.js';
import { processFixture } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-protocol');
let broker: BrokerProc;

test.before(async () => {
  broker = await startBrokerProc(fx, dir);
  const c = await RawClient.connect(broker.port);
  const res = await c.request(createTopicsCodec, 3, {
    topics: [{ name: 'raw', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, 0);
  c.close();
});

const produce = (c: RawClient, records: Buffer, acks = 1) =>
  c.request(produceCodec, 7, {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topics: [{ name: 'raw', partitions: [{ index: 0, records }] }],
  });

const fetchReq = (offset: number, o: Partial<FetchRequest> = {}, partitionMaxBytes = 1_000_000): FetchRequest => ({
  replicaId: -1,
  maxWaitMs: 0,
  minBytes: 0,
  maxBytes: 10_000_000,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [
    {
      topic: 'raw',
      partitions: [
        { partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes },
      ],
    },
  ],
  forgottenTopics: [],
  rackId: '',
  ...o,
});

test('ApiVersions v3 gets UNSUPPORTED_VERSION in a v0 body listing the ranges, and the connection stays open', async () => {
  const c = await RawClient.connect(broker.port);
  const frame = encodeRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'x' }, true, (w) =>
    apiVersionsCodec.encodeRequest!(w, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
  );
  const resp = await c.sendRaw(frame);
  const r = new ProtocolReader(resp);
  assert.equal(r.int32(), 7);
  const body = apiVersionsCodec.decodeResponse!(r, 0);
  assert.equal(body.errorCode, 35);
  const ranges = new Map(body.apiKeys.map((k) => [k.apiKey, `${k.minVersion}-${k.maxVersion}`]));
  assert.equal(ranges.get(0), '3-7');
  assert.equal(ranges.get(1), '4-11');
  assert.equal(ranges.get(18), '0-2');
  const v2 = await c.request(apiVersionsCodec, 2, { clientSoftwareName: null, clientSoftwareVersion: null });
  assert.equal(v2.errorCode, 0);
  c.close();
});

test('unknown API keys, oversized, negative and truncated frames close the connection; the broker lives on', async () => {
  const unknown = await RawClient.connect(broker.port);
  unknown.socket.write(
    encodeRequestFrame({ apiKey: 999, apiVersion: 0, correlationId: 1, clientId: null }, false, () => {}),
  );
  assert.equal(await unknown.waitClosed(), true, 'unknown key');
  const big = await RawClient.connect(broker.port);
  big.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
  assert.equal(await big.waitClosed(), true, 'oversized');
  const neg = await RawClient.connect(broker.port);
  neg.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
  assert.equal(await neg.waitClosed(), true, 'negative');
  const trunc = await RawClient.connect(broker.port);
  const f = encodeRequestFrame({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'x' }, false, (w) => w.int32(5));
  trunc.socket.write(f); // array of 5 topics with no bytes behind the count
  assert.equal(await trunc.waitClosed(), true, 'truncated body');
  const alive = await RawClient.connect(broker.port);
  assert.equal(
    (await alive.request(metadataCodec, 1, { topics: null, allowAutoTopicCreation: false })).brokers.length,
    1,
  );
  alive.close();
  assert.match(broker.proc.output(), /closing connection: unknown API key 999/);
});

test('pipelined requests are answered in order; acks=0 produces get no response', async () => {
  const c = await RawClient.connect(broker.port);
  const batch = buildRecordBatch([{ value: 'zero' }]);
  const frames: Buffer[] = [];
  const corr: number[] = [];
  for (let i = 0; i < 20; i++) {
    const id = 1000 + i;
    if (i % 4 === 0) {
      frames.push(
        encodeRequestFrame({ apiKey: 0, apiVersion: 7, correlationId: id, clientId: 'p' }, false, (w) =>
          produceCodec.encodeRequest!(w, 7, {
            transactionalId: null,
            acks: 0,
            timeoutMs: 100,
            topics: [{ name: 'raw', partitions: [{ index: 0, records: Buffer.from(batch) }] }],
          }),
        ),
      );
    } else {
      corr.push(id);
      frames.push(
        encodeRequestFrame(
          { apiKey: i % 2 ? 3 : 1, apiVersion: i % 2 ? 5 : 11, correlationId: id, clientId: 'p' },
          false,
          (w) =>
            i % 2
              ? metadataCodec.encodeRequest!(w, 5, { topics: ['raw'], allowAutoTopicCreation: false })
              : fetchCodec.encodeRequest!(w, 11, fetchReq(0, { maxWaitMs: 50, minBytes: 1 })),
        ),
      );
    }
  }
  const responses = corr.map(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        (c as unknown as { waiting: ((f: Buffer | Error) => void)[] }).waiting.push((f) =>
          f instanceof Error ? reject(f) : resolve(f),
        ),
      ),
  );
  c.socket.write(Buffer.concat(frames));
  const got = (await Promise.all(responses)).map((b) => b.readInt32BE(0));
  assert.deepEqual(got, corr);
  c.close();
});

test('a batch with a bad CRC is refused with CORRUPT_MESSAGE and never stored', async () => {
  const c = await RawClient.connect(broker.port);
  const before = (await c.request(fetchCodec, 11, fetchReq(0))).topics[0].partitions[0].highWatermark;
  const bad = buildRecordBatch([{ value: 'corrupt me' }]);
  bad[bad.length - 2] ^= 0xff;
  const res = await produce(c, bad);
  assert.equal(res.topics[0].partitions[0].errorCode, 2);
  const after = (await c.request(fetchCodec, 11, fetchReq(0))).topics[0].partitions[0].highWatermark;
  assert.equal(after, before);
  c.close();
});

test('a client Produce to an internal topic gets INVALID_TOPIC_EXCEPTION; the broker keeps serving', async () => {
  const c = await RawClient.connect(broker.port);
  // A forged offset commit (or share-partition state) must never reach the coordinators' topics.
  const res = await c.request(produceCodec, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topics: [{ name: '__consumer_offsets', partitions: [{ index: 0, records: buildRecordBatch([{ value: 'x' }]) }] }],
  });
  assert.equal(res.topics[0].partitions[0].errorCode, 17);
  assert.equal(res.topics[0].partitions[0].baseOffset, -1);
  const ok = await produce(c, buildRecordBatch([{ value: 'still served' }]));
  assert.equal(ok.topics[0].partitions[0].errorCode, 0);
  c.close();
});

test('Fetch long-polls: waits max_wait_ms for min_bytes, answers early when data arrives', async () => {
  const c = await RawClient.connect(broker.port);
  const hw = (await c.request(fetchCodec, 11, fetchReq(0))).topics[0].partitions[0].highWatermark;
  let t0 = Date.now();
  const empty = await c.request(fetchCodec, 11, fetchReq(hw, { maxWaitMs: 400, minBytes: 1 }));
  const waited = Date.now() - t0;
  assert.ok(waited >= 350, `waited ${waited} ms`);
  assert.equal((empty.topics[0].partitions[0].records as Buffer).length, 0);
  const p = await RawClient.connect(broker.port);
  t0 = Date.now();
  const pending = c.request(fetchCodec, 11, fetchReq(hw, { maxWaitMs: 5000, minBytes: 1 }));
  setTimeout(() => void produce(p, buildRecordBatch([{ value: 'wake up' }])), 150);
  const woke = await pending;
  assert.ok(Date.now() - t0 < 2000, 'answered when the data arrived');
  const recs = decodeBatches(woke.topics[0].partitions[0].records as Buffer).flatMap((b) => b.records);
  assert.equal(recs[0].value?.toString(), 'wake up');
  c.close();
  p.close();
});

test('Fetch starts at the batch holding the offset, returns a whole batch above max_bytes, and OFFSET_OUT_OF_RANGE past the end', async () => {
  const c = await RawClient.connect(broker.port);
  const big = buildRecordBatch(Array.from({ length: 50 }, (_, i) => ({ value: `big-${i}-${'y'.repeat(100)}` })));
  const r = await produce(c, big);
  const base = r.topics[0].partitions[0].baseOffset;
  const res = await c.request(fetchCodec, 11, fetchReq(base + 10, { maxBytes: 100 }, 100));
  const part = res.topics[0].partitions[0];
  const batches = decodeBatches(part.records as Buffer);
  assert.equal(batches.length, 1, 'one whole batch although larger than max_bytes');
  assert.equal(batches[0].header.baseOffset, base, 'starts at the batch containing the offset');
  assert.equal(batches[0].records.length, 50);
  assert.equal(part.lastStableOffset, part.highWatermark);
  const out = await c.request(fetchCodec, 11, fetchReq(part.highWatermark + 5));
  assert.equal(out.topics[0].partitions[0].errorCode, 1);
  c.close();
});

test('acks=-1 below min.insync.replicas gets NOT_ENOUGH_REPLICAS; acks=1 still appends', async () => {
  const c = await RawClient.connect(broker.port);
  const res = await c.request(createTopicsCodec, 3, {
    topics: [
      {
        name: 'minisr',
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [{ name: 'min.insync.replicas', value: '2' }],
      },
    ],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, 0);
  const send = (acks: number) =>
    c.request(produceCodec, 7, {
      transactionalId: null,
      acks,
      timeoutMs: 1000,
      topics: [{ name: 'minisr', partitions: [{ index: 0, records: buildRecordBatch([{ value: 'x' }]) }] }],
    });
  assert.equal((await send(-1)).topics[0].partitions[0].errorCode, 19);
  assert.equal((await send(1)).topics[0].partitions[0].errorCode, 0);
  c.close();
});

test('idempotent produce: an exact retry is acknowledged with the original offset and not stored twice; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
  const c = await RawClient.connect(broker.port);
  const { initProducerIdCodec } = await import('../protocol/apis/22-init-producer-id.js');
  const pid = await c.request(initProducerIdCodec, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
  assert.equal(pid.errorCode, 0);
  const batch = (seq: number, n: number) =>
    buildRecordBatch(
      Array.from({ length: n }, (_, i) => ({ value: `s${seq + i}` })),
      { producerId: pid.producerId, producerEpoch: pid.producerEpoch, baseSequence: seq },
    );
  const first = await produce(c, batch(0, 3));
  assert.equal(first.topics[0].partitions[0].errorCode, 0);
  const retry = await produce(c, batch(0, 3));
  assert.equal(retry.topics[0].partitions[0].errorCode, 0);
  assert.equal(retry.topics[0].partitions[0].baseOffset, first.topics[0].partitions[0].baseOffset);
  const gap = await produce(c, batch(10, 1));
  assert.equal(gap.topics[0].partitions[0].errorCode, 45);
  const next = await produce(c, batch(3, 2));
  assert.equal(next.topics[0].partitions[0].errorCode, 0);
  const all = decodeBatches(
    (await c.request(fetchCodec, 11, fetchReq(first.topics[0].partitions[0].baseOffset))).topics[0].partitions[0]
      .records as Buffer,
  ).flatMap((b) => b.records);
  assert.deepEqual(
    all.map((r) => r.value?.toString()).filter((v) => v?.startsWith('s')),
    ['s0', 's1', 's2', 's3', 's4'],
  );
  c.close();
});

test('DescribeLogDirs (v1 and flexible v4 with total/usable bytes), DescribeCluster v0 and ElectLeaders v2 are served', async () => {
  const c = await RawClient.connect(broker.port);
  const { describeLogDirsCodec } = await import('../protocol/apis/35-describe-log-dirs.js');
  const { describeClusterCodec } = await import('../protocol/apis/60-describe-cluster.js');
  const { electLeadersCodec } = await import('../protocol/apis/43-elect-leaders.js');
  for (const v of [1, 4]) {
    const res = await c.request(describeLogDirsCodec, v, { topics: [{ topic: 'raw', partitions: [0] }] });
    assert.equal(res.results.length, 1);
    const dir = res.results[0];
    assert.equal(dir.errorCode, 0);
    assert.deepEqual(
      dir.topics.map((t) => t.name),
      ['raw'],
    );
    assert.ok(dir.topics[0].partitions[0].partitionSize > 0);
    if (v === 4) assert.ok(dir.totalBytes > 0 && dir.usableBytes > 0 && dir.usableBytes <= dir.totalBytes);
  }
  const all = await c.request(describeLogDirsCodec, 2, { topics: null });
  assert.ok(all.results[0].topics.some((t) => t.name === '__consumer_offsets'));
  const cluster = await c.request(describeClusterCodec, 0, { includeClusterAuthorizedOperations: false });
  assert.equal(cluster.controllerId, 0);
  assert.deepEqual(
    cluster.brokers.map((b) => [b.brokerId, b.port]),
    [[0, broker.port]],
  );
  assert.equal(cluster.clusterId.length, 22);
  const elect = await c.request(electLeadersCodec, 2, {
    electionType: 0,
    topicPartitions: [{ topic: 'raw', partitions: [0, 9] }],
    timeoutMs: 1000,
  });
  assert.deepEqual(
    elect.results[0].partitions.map((p) => p.errorCode),
    [84, 3],
  );
  c.close();
});
