// Byte tests of the broker-side codecs with kafkajs 2.2.4 as the oracle, version by version:
// kafkajs-encoded requests decode to what kafkajs meant, our encoded responses decode in kafkajs
// to what we meant, and our client-side encodeRequest reproduces kafkajs' request bytes.
// Codecs kafkajs lacks (DescribeLogDirs v2+, DescribeCluster, ElectLeaders) round-trip through
// encode/decode and are checked against bytes built by hand from Kafka's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { ApiCodec } from '../api.js';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { buildRecordBatch, decodeBatches } from '../record-batch/index.js';
import { produceCodec } from './00-produce.js';
import { fetchCodec } from './01-fetch.js';
import { listOffsetsCodec } from './02-list-offsets.js';
import { metadataCodec } from './03-metadata.js';
import { apiVersionsCodec } from './18-api-versions.js';
import { createTopicsCodec } from './19-create-topics.js';
import { describeConfigsCodec } from './32-describe-configs.js';
import { describeLogDirsCodec } from './35-describe-log-dirs.js';
import { electLeadersCodec } from './43-elect-leaders.js';
import { describeClusterCodec } from './60-describe-cluster.js';
import { codecs } from './index.js';

const require = createRequire(import.meta.url);
type KjsRequest = { encode: () => Promise<{ buffer: Buffer }> };
type KjsResponse = { decode: (b: Buffer) => Promise<unknown>; parse: (d: unknown) => Promise<Record<string, unknown>> };
const kjsReq = (api: string, v: number) =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/request.js`) as (args: unknown) => KjsRequest;
const kjsRes = (api: string, v: number) =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/response.js`) as KjsResponse;
const Long = require('kafkajs/src/utils/long.js') as { fromInt(n: number): unknown };

async function kjsBytes(api: string, v: number, args: unknown): Promise<Buffer> {
  return Buffer.from((await kjsReq(api, v)(args).encode()).buffer);
}
function ours<Req, Res>(codec: ApiCodec<Req, Res>, v: number, res: Res): Buffer {
  const w = new ProtocolWriter();
  codec.encodeResponse(w, v, res);
  return Buffer.from(w.toBuffer());
}
function ourRequest<Req, Res>(codec: ApiCodec<Req, Res>, v: number, req: Req): Buffer {
  const w = new ProtocolWriter();
  codec.encodeRequest!(w, v, req);
  return Buffer.from(w.toBuffer());
}
const decodeReq = <Req, Res>(codec: ApiCodec<Req, Res>, v: number, b: Buffer) => {
  const r = new ProtocolReader(b);
  const out = codec.decodeRequest(r, v);
  assert.equal(r.remaining, 0, `${codec.name} v${v}: request fully consumed`);
  return out;
};

test('every codec has a distinct key and a sane version range', () => {
  const keys = new Set<number>();
  for (const c of codecs) {
    assert.ok(!keys.has(c.apiKey), `key ${c.apiKey} once`);
    keys.add(c.apiKey);
    assert.ok(c.minVersion <= c.maxVersion, c.name);
  }
});

test('ApiVersions v0-2: kafkajs decodes our ranges; v3 round-trips with compact arrays', async () => {
  const apiKeys = [
    { apiKey: 0, minVersion: 3, maxVersion: 7 },
    { apiKey: 18, minVersion: 0, maxVersion: 2 },
  ];
  for (const v of [0, 1, 2]) {
    const res = kjsRes('apiVersions', v);
    const parsed = await res.parse(
      await res.decode(ours(apiVersionsCodec, v, { errorCode: 0, apiKeys, throttleTimeMs: 0 })),
    );
    assert.deepEqual(parsed.apiVersions, apiKeys, `v${v}`);
    assert.deepEqual(decodeReq(apiVersionsCodec, v, await kjsBytes('apiVersions', v, {})), {
      clientSoftwareName: null,
      clientSoftwareVersion: null,
    });
  }
  const v3 = ours(apiVersionsCodec, 3, { errorCode: 0, apiKeys, throttleTimeMs: 5 });
  assert.deepEqual(apiVersionsCodec.decodeResponse!(new ProtocolReader(v3), 3), {
    errorCode: 0,
    apiKeys,
    throttleTimeMs: 5,
  });
  // An UNSUPPORTED_VERSION answer is a v0 body: the v3 decoder must still read the ranges.
  const v0body = ours(apiVersionsCodec, 0, { errorCode: 35, apiKeys, throttleTimeMs: 0 });
  assert.deepEqual(apiVersionsCodec.decodeResponse!(new ProtocolReader(v0body), 0).apiKeys, apiKeys);
});

test('Metadata v0-6: requests decode (v0 empty list = all), responses decode in kafkajs', async () => {
  for (let v = 0; v <= 6; v++) {
    const args = { topics: ['a', 'b'], allowAutoTopicCreation: false };
    const bytes = await kjsBytes('metadata', v, args);
    assert.deepEqual(decodeReq(metadataCodec, v, bytes), {
      topics: ['a', 'b'],
      allowAutoTopicCreation: v >= 4 ? false : true,
    });
    assert.deepEqual(
      ourRequest(metadataCodec, v, { topics: ['a', 'b'], allowAutoTopicCreation: false }),
      bytes,
      `v${v} request bytes`,
    );
    if (v === 0) assert.equal(decodeReq(metadataCodec, 0, await kjsBytes('metadata', 0, { topics: [] })).topics, null);
    const res = {
      throttleTimeMs: 0,
      clusterId: 'c1',
      controllerId: 0,
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }],
      topics: [
        {
          errorCode: 0,
          name: 'a',
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] },
          ],
        },
      ],
    };
    const kres = kjsRes('metadata', v);
    const parsed = await kres.parse(await kres.decode(ours(metadataCodec, v, res)));
    const topics = parsed.topicMetadata as { topic: string; partitionMetadata: { leader: number; isr: number[] }[] }[];
    assert.equal(topics[0].topic, 'a');
    assert.equal(topics[0].partitionMetadata[0].leader, 0);
    assert.deepEqual(topics[0].partitionMetadata[0].isr, [0]);
    assert.deepEqual(
      metadataCodec.decodeResponse!(new ProtocolReader(ours(metadataCodec, v, res)), v).topics[0].partitions[0]
        .isrNodes,
      [0],
    );
  }
});

test('Produce v3-7: kafkajs requests carry a record batch the broker can read; responses decode', async () => {
  for (let v = 3; v <= 7; v++) {
    const bytes = await kjsBytes('produce', v, {
      acks: -1,
      timeout: 1000,
      producerId: Long.fromInt(7),
      producerEpoch: 0,
      topicData: [
        {
          topic: 't',
          partitions: [
            { partition: 2, firstSequence: 0, messages: [{ key: 'k', value: 'hello', headers: { h: 'x' } }] },
          ],
        },
      ],
    });
    const req = decodeReq(produceCodec, v, bytes);
    assert.equal(req.acks, -1);
    assert.equal(req.topics[0].partitions[0].index, 2);
    const batches = decodeBatches(req.topics[0].partitions[0].records!);
    assert.equal(batches[0].records[0].value?.toString(), 'hello');
    assert.equal(batches[0].header.producerId, 7);
    const res = {
      throttleTimeMs: 0,
      topics: [
        { name: 't', partitions: [{ index: 2, errorCode: 0, baseOffset: 41, logAppendTimeMs: -1, logStartOffset: 3 }] },
      ],
    };
    const kres = kjsRes('produce', v);
    const parsed = await kres.parse(await kres.decode(ours(produceCodec, v, res)));
    const p = (parsed.topics as { partitions: { baseOffset: string; errorCode: number }[] }[])[0].partitions[0];
    assert.equal(p.baseOffset, '41');
    assert.equal(p.errorCode, 0);
  }
});

test('Fetch v4-11: kafkajs requests decode; kafkajs reads the records in our responses', async () => {
  const batch = buildRecordBatch([{ value: 'one' }, { value: 'two' }], { baseOffset: 10 });
  for (let v = 4; v <= 11; v++) {
    const bytes = await kjsBytes('fetch', v, {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1000,
      isolationLevel: 1,
      topics: [
        {
          topic: 't',
          partitions: [{ partition: 0, fetchOffset: '11', maxBytes: 999, currentLeaderEpoch: 2, logStartOffset: 0 }],
        },
      ],
    });
    const req = decodeReq(fetchCodec, v, bytes);
    assert.equal(req.maxWaitMs, 500);
    assert.equal(req.topics[0].partitions[0].fetchOffset, 11);
    assert.equal(req.topics[0].partitions[0].partitionMaxBytes, 999);
    assert.deepEqual(ourRequest(fetchCodec, v, req), bytes, `v${v} request bytes`);
    const res = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      topics: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 12,
              lastStableOffset: 12,
              logStartOffset: 0,
              abortedTransactions: [],
              preferredReadReplica: -1,
              records: [batch],
            },
          ],
        },
      ],
    };
    const kres = kjsRes('fetch', v);
    const parsed = await kres.parse(await kres.decode(ours(fetchCodec, v, res)));
    const part = (
      parsed.responses as { partitions: { highWatermark: string; messages: { offset: string; value: Buffer }[] }[] }[]
    )[0].partitions[0];
    assert.equal(part.highWatermark, '12');
    assert.deepEqual(
      part.messages.map((m) => [m.offset, m.value.toString()]),
      [
        ['10', 'one'],
        ['11', 'two'],
      ],
    );
  }
});

test('ListOffsets v0-3: requests decode and answers decode in kafkajs', async () => {
  for (let v = 0; v <= 3; v++) {
    const bytes = await kjsBytes('listOffsets', v, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 1, timestamp: -2 }] }],
    });
    const req = decodeReq(listOffsetsCodec, v, bytes);
    assert.equal(req.topics[0].partitions[0].timestamp, -2);
    assert.deepEqual(ourRequest(listOffsetsCodec, v, req), bytes);
    const res = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 1, errorCode: 0, oldStyleOffsets: [5], timestamp: -1, offset: 5 }],
        },
      ],
    };
    const kres = kjsRes('listOffsets', v);
    const parsed = await kres.parse(await kres.decode(ours(listOffsetsCodec, v, res)));
    const p = (parsed.responses as { partitions: { offset?: string; offsets?: string[] }[] }[])[0].partitions[0];
    assert.equal(p.offset ?? p.offsets?.[0], '5');
  }
});

test('CreateTopics v0-3 and DescribeConfigs v0-2: kafkajs requests decode, responses decode', async () => {
  for (let v = 0; v <= 3; v++) {
    const bytes = await kjsBytes('createTopics', v, {
      topics: [
        {
          topic: 'x',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
      timeout: 100,
      validateOnly: true,
    });
    const req = decodeReq(createTopicsCodec, v, bytes);
    assert.deepEqual(req.topics[0].configs, [{ name: 'retention.ms', value: '1000' }]);
    assert.equal(req.validateOnly, v >= 1);
    const kres = kjsRes('createTopics', v);
    const parsed = await kres
      .parse(
        await kres.decode(
          ours(createTopicsCodec, v, { throttleTimeMs: 0, topics: [{ name: 'x', errorCode: 0, errorMessage: null }] }),
        ),
      )
      .catch((e: unknown) => e);
    assert.ok(!(parsed instanceof Error), String(parsed));
  }
  for (let v = 0; v <= 2; v++) {
    const bytes = await kjsBytes('describeConfigs', v, {
      resources: [{ type: 2, name: 'x', configNames: ['retention.ms'] }],
      includeSynonyms: true,
    });
    const req = decodeReq(describeConfigsCodec, v, bytes);
    assert.deepEqual(req.resources[0].configurationKeys, ['retention.ms']);
    const res = {
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'x',
          configs: [
            {
              name: 'retention.ms',
              value: '1000',
              readOnly: false,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              synonyms: [],
            },
          ],
        },
      ],
    };
    const kres = kjsRes('describeConfigs', v);
    const parsed = await kres.parse(await kres.decode(ours(describeConfigsCodec, v, res)));
    const entry = (parsed.resources as { configEntries: { configName: string; configValue: string }[] }[])[0]
      .configEntries[0];
    assert.deepEqual([entry.configName, entry.configValue], ['retention.ms', '1000']);
  }
});

test('DescribeLogDirs v0-4 (flexible from v2, total/usable bytes in v4) round-trips; v4 bytes match the schema', () => {
  const res = {
    throttleTimeMs: 0,
    errorCode: 0,
    results: [
      {
        errorCode: 0,
        logDir: '/d',
        topics: [
          { name: 't', partitions: [{ partitionIndex: 0, partitionSize: 123, offsetLag: 0, isFutureKey: false }] },
        ],
        totalBytes: 1000,
        usableBytes: 400,
      },
    ],
  };
  for (let v = 0; v <= 4; v++) {
    const back = describeLogDirsCodec.decodeResponse!(new ProtocolReader(ours(describeLogDirsCodec, v, res)), v);
    assert.equal(back.results[0].topics[0].partitions[0].partitionSize, 123);
    assert.equal(back.results[0].totalBytes, v >= 4 ? 1000 : -1);
    const req = { topics: [{ topic: 't', partitions: [0, 1] }] };
    assert.deepEqual(decodeReq(describeLogDirsCodec, v, ourRequest(describeLogDirsCodec, v, req)), req);
    assert.deepEqual(decodeReq(describeLogDirsCodec, v, ourRequest(describeLogDirsCodec, v, { topics: null })), {
      topics: null,
    });
  }
  // v4 by hand: throttle, error, compact array(1+1), error, compact string "/d", topics(1+1),
  // "t", partitions(1+1), p0 size 123 lag 0 false tags, topic tags, total, usable, dir tags, tags.
  const w = new ProtocolWriter();
  w.int32(0)
    .int16(0)
    .uvarint(2)
    .int16(0)
    .uvarint(3)
    .raw(Buffer.from('/d'))
    .uvarint(2)
    .uvarint(2)
    .raw(Buffer.from('t'))
    .uvarint(2)
    .int32(0)
    .int64(123)
    .int64(0)
    .int8(0)
    .uvarint(0)
    .uvarint(0)
    .int64(1000)
    .int64(400)
    .uvarint(0)
    .uvarint(0);
  assert.deepEqual(ours(describeLogDirsCodec, 4, res), Buffer.from(w.toBuffer()));
});

test('DescribeCluster v0 and ElectLeaders v0-2 round-trip', () => {
  const dc = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    clusterId: 'abc',
    controllerId: 1,
    brokers: [{ brokerId: 1, host: 'h', port: 9, rack: null }],
    clusterAuthorizedOperations: -2147483648,
  };
  assert.deepEqual(describeClusterCodec.decodeResponse!(new ProtocolReader(ours(describeClusterCodec, 0, dc)), 0), dc);
  assert.deepEqual(
    decodeReq(
      describeClusterCodec,
      0,
      ourRequest(describeClusterCodec, 0, { includeClusterAuthorizedOperations: false }),
    ),
    { includeClusterAuthorizedOperations: false },
  );
  for (let v = 0; v <= 2; v++) {
    const req = { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 2] }], timeoutMs: 5000 };
    assert.deepEqual(decodeReq(electLeadersCodec, v, ourRequest(electLeadersCodec, v, req)), req);
    const res = {
      throttleTimeMs: 0,
      errorCode: v >= 1 ? 0 : 0,
      results: [{ topic: 't', partitions: [{ partitionId: 0, errorCode: 84, errorMessage: 'not needed' }] }],
    };
    assert.deepEqual(electLeadersCodec.decodeResponse!(new ProtocolReader(ours(electLeadersCodec, v, res)), v), res);
  }
});
