// Codecs of the KIP-932 share-group APIs: ShareGroupHeartbeat v1, ShareGroupDescribe v1,
// ShareFetch v1, ShareAcknowledge v1 and DescribeShareGroupOffsets v0-1. Requests are checked
// against bytes laid out by hand from Kafka's JSON schemas in the order librdkafka 2.15 writes
// them; responses round-trip through both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiCodec } from '../api.js';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { shareGroupHeartbeatCodec } from './76-share-group-heartbeat.js';
import { shareGroupDescribeCodec } from './77-share-group-describe.js';
import { shareFetchCodec } from './78-share-fetch.js';
import { shareAcknowledgeCodec } from './79-share-acknowledge.js';
import { describeShareGroupOffsetsCodec } from './90-describe-share-group-offsets.js';

const TOPIC_ID = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
const idBytes = Buffer.from(TOPIC_ID.replace(/-/g, ''), 'hex');

function bytes(fn: (w: ProtocolWriter) => void): Buffer {
  const w = new ProtocolWriter();
  fn(w);
  return Buffer.from(w.toBuffer());
}

function roundTrip<Q, S>(codec: ApiCodec<Q, S>, v: number, reqBytes: Buffer, req: Q, res: S): void {
  const r = new ProtocolReader(reqBytes);
  assert.deepEqual(codec.decodeRequest(r, v), req, `${codec.name} v${v} request`);
  assert.equal(r.remaining, 0, `${codec.name} v${v} request consumed`);
  assert.deepEqual(
    bytes((w) => codec.encodeRequest!(w, v, req)),
    reqBytes,
    `${codec.name} v${v} request bytes`,
  );
  const out = bytes((w) => codec.encodeResponse(w, v, res));
  const back = new ProtocolReader(out);
  assert.deepEqual(codec.decodeResponse!(back, v), res, `${codec.name} v${v} response`);
  assert.equal(back.remaining, 0, `${codec.name} v${v} response consumed`);
}

test('ShareGroupHeartbeat v1: join with a subscription, answer with an assignment', () => {
  const req = bytes((w) =>
    w
      .compactString('sg')
      .compactString('m-1')
      .int32(0)
      .uvarint(0) // rack id null
      .uvarint(2)
      .compactString('orders')
      .uvarint(0),
  );
  assert.equal(shareGroupHeartbeatCodec.minVersion, 1);
  roundTrip(
    shareGroupHeartbeatCodec,
    1,
    req,
    { groupId: 'sg', memberId: 'm-1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['orders'] },
    {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      memberId: 'm-1',
      memberEpoch: 3,
      heartbeatIntervalMs: 5000,
      assignment: [{ topicId: TOPIC_ID, partitions: [0, 1] }],
    },
  );
  // The assignment is a nullable struct: int8 -1 when absent.
  const none = bytes((w) =>
    shareGroupHeartbeatCodec.encodeResponse(w, 1, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      memberId: null,
      memberEpoch: 3,
      heartbeatIntervalMs: 5000,
      assignment: null,
    }),
  );
  assert.equal(none.readInt8(none.length - 2), -1);
});

test('ShareGroupDescribe v1: groups with members, subscriptions and named assignments', () => {
  const req = bytes((w) => w.uvarint(2).compactString('sg').bool(false).uvarint(0));
  roundTrip(
    shareGroupDescribeCodec,
    1,
    req,
    { groupIds: ['sg'], includeAuthorizedOperations: false },
    {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          errorMessage: null,
          groupId: 'sg',
          groupState: 'Stable',
          groupEpoch: 2,
          assignmentEpoch: 2,
          assignorName: 'simple',
          members: [
            {
              memberId: 'm-1',
              rackId: null,
              memberEpoch: 2,
              clientId: 'c',
              clientHost: '/127.0.0.1',
              subscribedTopicNames: ['orders'],
              assignment: [{ topicId: TOPIC_ID, topicName: 'orders', partitions: [0] }],
            },
          ],
          authorizedOperations: -2147483648,
        },
      ],
    },
  );
});

test('ShareFetch v1: session epoch, fetch limits, piggybacked acknowledgements, forgotten partitions', () => {
  const req = bytes((w) =>
    w
      .compactString('sg')
      .compactString('m-1')
      .int32(2) // share session epoch
      .int32(500)
      .int32(1)
      .int32(52428800)
      .int32(500) // max records
      .int32(500) // batch size
      .uvarint(2) // topics
      .uuid(idBytes)
      .uvarint(2) // partitions
      .int32(0)
      .uvarint(2) // acknowledgement batches
      .int64(10)
      .int64(12)
      .uvarint(2)
      .int8(1)
      .uvarint(0)
      .uvarint(0) // partition tags
      .uvarint(0) // topic tags
      .uvarint(2) // forgotten topics
      .uuid(idBytes)
      .uvarint(2)
      .int32(1)
      .uvarint(0)
      .uvarint(0),
  );
  roundTrip(
    shareFetchCodec,
    1,
    req,
    {
      groupId: 'sg',
      memberId: 'm-1',
      shareSessionEpoch: 2,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      maxRecords: 500,
      batchSize: 500,
      topics: [
        {
          topicId: TOPIC_ID,
          partitions: [
            { partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 10, lastOffset: 12, acknowledgeTypes: [1] }] },
          ],
        },
      ],
      forgottenTopicsData: [{ topicId: TOPIC_ID, partitions: [1] }],
    },
    {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      acquisitionLockTimeoutMs: 30000,
      responses: [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              errorMessage: null,
              acknowledgeErrorCode: 0,
              acknowledgeErrorMessage: null,
              currentLeader: { leaderId: 1, leaderEpoch: 4 },
              records: Buffer.from([1, 2, 3]),
              acquiredRecords: [{ firstOffset: 13, lastOffset: 20, deliveryCount: 1 }],
            },
          ],
        },
      ],
      nodeEndpoints: [{ nodeId: 2, host: '127.0.0.1', port: 9093, rack: null }],
    },
  );
  // Record sets given as several buffers are written back to back as one compact byte field.
  const split = bytes((w) =>
    shareFetchCodec.encodeResponse(w, 1, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      acquisitionLockTimeoutMs: 30000,
      responses: [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              errorMessage: null,
              acknowledgeErrorCode: 0,
              acknowledgeErrorMessage: null,
              currentLeader: { leaderId: 1, leaderEpoch: 4 },
              records: [Buffer.from([1]), Buffer.from([2, 3])],
              acquiredRecords: [],
            },
          ],
        },
      ],
      nodeEndpoints: [],
    }),
  );
  const back = shareFetchCodec.decodeResponse!(new ProtocolReader(split), 1);
  assert.deepEqual(back.responses[0].partitions[0].records, Buffer.from([1, 2, 3]));
});

test('ShareAcknowledge v1: acknowledgement batches per partition, per-partition errors with the leader', () => {
  const req = bytes((w) =>
    w
      .compactString('sg')
      .compactString('m-1')
      .int32(-1)
      .uvarint(2)
      .uuid(idBytes)
      .uvarint(2)
      .int32(0)
      .uvarint(3)
      .int64(5)
      .int64(5)
      .uvarint(2)
      .int8(2)
      .uvarint(0)
      .int64(6)
      .int64(7)
      .uvarint(2)
      .int8(3)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0),
  );
  roundTrip(
    shareAcknowledgeCodec,
    1,
    req,
    {
      groupId: 'sg',
      memberId: 'm-1',
      shareSessionEpoch: -1,
      topics: [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partitionIndex: 0,
              acknowledgementBatches: [
                { firstOffset: 5, lastOffset: 5, acknowledgeTypes: [2] },
                { firstOffset: 6, lastOffset: 7, acknowledgeTypes: [3] },
              ],
            },
          ],
        },
      ],
    },
    {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      responses: [
        {
          topicId: TOPIC_ID,
          partitions: [
            { partitionIndex: 0, errorCode: 121, errorMessage: 'x', currentLeader: { leaderId: 1, leaderEpoch: 2 } },
          ],
        },
      ],
      nodeEndpoints: [],
    },
  );
});

test('DescribeShareGroupOffsets v0-1: start offsets per partition, the lag only from v1', () => {
  const req = bytes((w) =>
    w
      .uvarint(2)
      .compactString('sg')
      .uvarint(2)
      .compactString('orders')
      .uvarint(2)
      .int32(0)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0),
  );
  const res = {
    throttleTimeMs: 0,
    groups: [
      {
        groupId: 'sg',
        topics: [
          {
            topicName: 'orders',
            topicId: TOPIC_ID,
            partitions: [
              { partitionIndex: 0, startOffset: 42, leaderEpoch: 3, lag: 7, errorCode: 0, errorMessage: null },
            ],
          },
        ],
        errorCode: 0,
        errorMessage: null,
      },
    ],
  };
  roundTrip(
    describeShareGroupOffsetsCodec,
    1,
    req,
    { groups: [{ groupId: 'sg', topics: [{ topicName: 'orders', partitions: [0] }] }] },
    res,
  );
  const v0 = bytes((w) => describeShareGroupOffsetsCodec.encodeResponse(w, 0, res));
  const back = describeShareGroupOffsetsCodec.decodeResponse!(new ProtocolReader(v0), 0);
  assert.equal(back.groups[0].topics[0].partitions[0].lag, -1);
  assert.equal(back.groups[0].topics[0].partitions[0].startOffset, 42);
  // Null topics: every share partition of the group.
  const all = bytes((w) => w.uvarint(2).compactString('sg').uvarint(0).uvarint(0).uvarint(0));
  assert.deepEqual(describeShareGroupOffsetsCodec.decodeRequest(new ProtocolReader(all), 0), {
    groups: [{ groupId: 'sg', topics: null }],
  });
});
