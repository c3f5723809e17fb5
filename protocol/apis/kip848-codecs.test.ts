// Codecs of the Kafka 4 consumer-group versions: Metadata v7-12 (topic ids, request by id),
// OffsetCommit v8-9, OffsetFetch v6-9 (groups array, member id + epoch), ListGroups v3-5,
// DescribeGroups v3-6, ConsumerGroupHeartbeat v0-1 and ConsumerGroupDescribe v0-1. Requests are
// checked against bytes built by hand from Kafka's JSON schemas (the layout librdkafka 2.15
// writes); responses round-trip through both directions byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiCodec } from '../api.js';
import { ErrorCode } from '../error-codes.js';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { metadataCodec } from './03-metadata.js';
import { offsetCommitCodec } from './08-offset-commit.js';
import { offsetFetchCodec } from './09-offset-fetch.js';
import { describeGroupsCodec } from './15-describe-groups.js';
import { listGroupsCodec } from './16-list-groups.js';
import { consumerGroupHeartbeatCodec } from './68-consumer-group-heartbeat.js';
import { consumerGroupDescribeCodec } from './69-consumer-group-describe.js';
import {
  decodeConsumerGroupKey,
  decodeCurrentAssignmentValue,
  decodeMemberMetadataValue,
  encodeConsumerGroupKey,
  encodeCurrentAssignmentValue,
  encodeMemberMetadataValue,
} from '../consumer-offsets/consumer-group-records.js';
import {
  decodeConsumerAssignment,
  decodeConsumerSubscription,
  encodeConsumerAssignment,
  encodeConsumerSubscription,
} from '../consumer-protocol.js';

const TOPIC_ID = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
const idBytes = Buffer.from(TOPIC_ID.replace(/-/g, ''), 'hex');

function bytes(fn: (w: ProtocolWriter) => void): Buffer {
  const w = new ProtocolWriter();
  fn(w);
  return Buffer.from(w.toBuffer());
}

/** Request: decode(bytes) = req and encode(req) = bytes. Response: encode -> decode -> encode is stable. */
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
  const decoded = codec.decodeResponse!(back, v);
  assert.equal(back.remaining, 0, `${codec.name} v${v} response consumed`);
  assert.deepEqual(decoded, res, `${codec.name} v${v} response`);
}

test('Metadata v12: topics by name and by id, topic ids and leader epochs in the answer', () => {
  const req = bytes((w) =>
    w
      .uvarint(3)
      .uuid(null)
      .compactString('orders')
      .uvarint(0)
      .uuid(idBytes)
      .compactNullableString(null)
      .uvarint(0)
      .bool(true)
      .bool(false)
      .uvarint(0),
  );
  const res = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
    clusterId: 'c',
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: TOPIC_ID,
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 1,
            leaderEpoch: 3,
            replicaNodes: [1],
            isrNodes: [1],
            offlineReplicas: [],
          },
        ],
        topicAuthorizedOperations: -2147483648,
      },
    ],
  };
  roundTrip(
    metadataCodec,
    12,
    req,
    { topics: ['orders'], allowAutoTopicCreation: true, topicIds: [TOPIC_ID], includeTopicAuthorizedOperations: false },
    res,
  );
  // v9-10 carry include_cluster_authorized_operations and answer cluster_authorized_operations.
  const v10 = metadataCodec.decodeResponse!(
    new ProtocolReader(bytes((w) => metadataCodec.encodeResponse(w, 10, res))),
    10,
  );
  assert.equal(v10.clusterAuthorizedOperations, -2147483648);
  assert.equal(v10.topics[0].topicId, TOPIC_ID);
  // An unknown id is answered with a null name.
  const unknown = bytes((w) =>
    metadataCodec.encodeResponse(w, 12, { ...res, topics: [{ ...res.topics[0], name: '', partitions: [] }] }),
  );
  assert.equal(metadataCodec.decodeResponse!(new ProtocolReader(unknown), 12).topics[0].name, '');
});

test('OffsetCommit v9 (flexible) carries the member epoch in generation_id', () => {
  const req = bytes((w) =>
    w
      .compactString('g')
      .int32(7)
      .compactString('m')
      .compactNullableString(null)
      .uvarint(2)
      .compactString('orders')
      .uvarint(2)
      .int32(0)
      .int64(42)
      .int32(-1)
      .compactNullableString('')
      .uvarint(0)
      .uvarint(0)
      .uvarint(0),
  );
  roundTrip(
    offsetCommitCodec,
    9,
    req,
    {
      groupId: 'g',
      generationId: 7,
      memberId: 'm',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 'orders',
          partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: '' }],
        },
      ],
    },
    { throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 113 }] }] },
  );
});

test('OffsetFetch v9: groups with member id and epoch; v7 require_stable', () => {
  const req = bytes((w) =>
    w
      .uvarint(2)
      .compactString('g')
      .compactNullableString('m')
      .int32(5)
      .uvarint(2)
      .compactString('orders')
      .uvarint(2)
      .int32(1)
      .uvarint(0)
      .uvarint(0)
      .bool(true)
      .uvarint(0),
  );
  const partition = { partitionIndex: 1, committedOffset: 9, committedLeaderEpoch: -1, metadata: '', errorCode: 0 };
  roundTrip(
    offsetFetchCodec,
    9,
    req,
    {
      groupId: '',
      topics: null,
      requireStable: true,
      groups: [{ groupId: 'g', memberId: 'm', memberEpoch: 5, topics: [{ name: 'orders', partitionIndexes: [1] }] }],
    },
    {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [partition] }],
      errorCode: 0,
      groups: [{ groupId: 'g', topics: [{ name: 'orders', partitions: [partition] }], errorCode: 0 }],
    },
  );
  const v7 = bytes((w) =>
    w
      .compactString('g')
      .compactNullableArray(null, () => undefined)
      .bool(false)
      .uvarint(0),
  );
  roundTrip(
    offsetFetchCodec,
    7,
    v7,
    { groupId: 'g', topics: null, requireStable: false },
    { throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [partition] }], errorCode: 0 },
  );
});

test('ListGroups v5 filters by state and type; DescribeGroups v5 has instance ids and authorized ops', () => {
  const lg = bytes((w) => w.uvarint(2).compactString('Stable').uvarint(2).compactString('consumer').uvarint(0));
  roundTrip(
    listGroupsCodec,
    5,
    lg,
    { statesFilter: ['Stable'], typesFilter: ['consumer'] },
    {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }],
    },
  );
  const dg = bytes((w) => w.uvarint(2).compactString('g').bool(false).uvarint(0));
  roundTrip(
    describeGroupsCodec,
    5,
    dg,
    { groups: ['g'], includeAuthorizedOperations: false },
    {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          groupState: 'Dead',
          protocolType: '',
          protocolData: '',
          members: [
            {
              memberId: 'm',
              groupInstanceId: 'i',
              clientId: 'c',
              clientHost: '/h',
              memberMetadata: Buffer.alloc(0),
              memberAssignment: Buffer.alloc(0),
            },
          ],
          authorizedOperations: -2147483648,
        },
      ],
    },
  );
});

test('DescribeGroups v6 (KIP-1043): an error message follows the error code of each group', () => {
  const dg = bytes((w) => w.uvarint(2).compactString('g').bool(false).uvarint(0));
  const res = {
    throttleTimeMs: 0,
    groups: [
      {
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND as number,
        errorMessage: 'Group g is not a classic group.',
        groupId: 'g',
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: -2147483648,
      },
    ],
  };
  roundTrip(describeGroupsCodec, 6, dg, { groups: ['g'], includeAuthorizedOperations: false }, res);
  // The layout Kafka 4 writes: throttle, groups [error_code, error_message (compact nullable), group_id, ...].
  assert.deepEqual(
    bytes((w) => describeGroupsCodec.encodeResponse(w, 6, res)),
    bytes((w) =>
      w
        .int32(0)
        .uvarint(2)
        .int16(69)
        .compactNullableString('Group g is not a classic group.')
        .compactString('g')
        .compactString('Dead')
        .compactString('')
        .compactString('')
        .uvarint(1)
        .int32(-2147483648)
        .uvarint(0)
        .uvarint(0),
    ),
  );
  // Before v6 there is no message on the wire: an encoded one is dropped.
  const v5 = describeGroupsCodec.decodeResponse!(
    new ProtocolReader(bytes((w) => describeGroupsCodec.encodeResponse(w, 5, res))),
    5,
  );
  assert.equal(v5.groups[0].errorMessage, undefined);
});

test('ConsumerGroupHeartbeat v1 request as librdkafka writes it; the answer with and without an assignment', () => {
  const req = bytes((w) =>
    w
      .compactString('g')
      .compactString('member-1')
      .int32(0)
      .compactNullableString(null)
      .compactNullableString(null)
      .int32(300000)
      .uvarint(2)
      .compactString('orders')
      .compactNullableString('ord.*')
      .compactNullableString(null)
      .uvarint(1)
      .uvarint(0),
  );
  const assigned = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    memberId: 'member-1',
    memberEpoch: 3,
    heartbeatIntervalMs: 5000,
    assignment: [{ topicId: TOPIC_ID, partitions: [0, 2] }],
  };
  roundTrip(
    consumerGroupHeartbeatCodec,
    1,
    req,
    {
      groupId: 'g',
      memberId: 'member-1',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 300000,
      subscribedTopicNames: ['orders'],
      subscribedTopicRegex: 'ord.*',
      serverAssignor: null,
      topicPartitions: [],
    },
    assigned,
  );
  // The assignment is a nullable struct: int8 1 + topics + tags, or int8 -1.
  const out = bytes((w) => consumerGroupHeartbeatCodec.encodeResponse(w, 1, assigned));
  const expected = bytes((w) =>
    w
      .int32(0)
      .int16(0)
      .compactNullableString(null)
      .compactNullableString('member-1')
      .int32(3)
      .int32(5000)
      .int8(1)
      .uvarint(2)
      .uuid(idBytes)
      .uvarint(3)
      .int32(0)
      .int32(2)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0),
  );
  assert.deepEqual(out, expected);
  const none = bytes((w) => consumerGroupHeartbeatCodec.encodeResponse(w, 1, { ...assigned, assignment: null }));
  assert.equal(consumerGroupHeartbeatCodec.decodeResponse!(new ProtocolReader(none), 1).assignment, null);
});

test('ConsumerGroupDescribe v1 round trip', () => {
  const req = bytes((w) => w.uvarint(2).compactString('g').bool(false).uvarint(0));
  const a = [{ topicId: TOPIC_ID, topicName: 'orders', partitions: [1] }];
  roundTrip(
    consumerGroupDescribeCodec,
    1,
    req,
    { groupIds: ['g'], includeAuthorizedOperations: false },
    {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          errorMessage: null,
          groupId: 'g',
          groupState: 'Stable',
          groupEpoch: 4,
          assignmentEpoch: 4,
          assignorName: 'uniform',
          members: [
            {
              memberId: 'm',
              instanceId: null,
              rackId: null,
              memberEpoch: 4,
              clientId: 'c',
              clientHost: '/127.0.0.1',
              subscribedTopicNames: ['orders'],
              subscribedTopicRegex: null,
              assignment: a,
              targetAssignment: a,
              memberType: 1,
            },
          ],
          authorizedOperations: -2147483648,
        },
      ],
    },
  );
});

test('consumer group records of __consumer_offsets round-trip (keys 3-8, values v0)', () => {
  const key = encodeConsumerGroupKey(8, 'g', 'm');
  assert.deepEqual(decodeConsumerGroupKey(key), { type: 8, group: 'g', memberId: 'm' });
  assert.equal(key.readInt16BE(0), 8);
  assert.deepEqual(decodeConsumerGroupKey(encodeConsumerGroupKey(3, 'g')), { type: 3, group: 'g', memberId: '' });
  const cur = {
    memberEpoch: 5,
    previousMemberEpoch: 4,
    state: 1,
    assigned: [{ topicId: TOPIC_ID, partitions: [0] }],
    pendingRevocation: [{ topicId: TOPIC_ID, partitions: [1] }],
  };
  assert.deepEqual(decodeCurrentAssignmentValue(encodeCurrentAssignmentValue(cur)), cur);
  const meta = {
    instanceId: 'i',
    rackId: null,
    clientId: 'c',
    clientHost: '/h',
    subscribedTopicNames: ['a', 'b'],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: 300000,
    serverAssignor: 'range',
    classicMemberMetadata: null,
  };
  assert.deepEqual(decodeMemberMetadataValue(encodeMemberMetadataValue(meta)), meta);
  // A classic-protocol member's metadata rides in tagged field 0 (Kafka's ClassicMemberMetadata).
  const classic = {
    ...meta,
    classicMemberMetadata: {
      sessionTimeoutMs: 10_000,
      supportedProtocols: [
        { name: 'range', metadata: Buffer.from([0, 1, 2]) },
        { name: 'roundrobin', metadata: Buffer.alloc(0) },
      ],
    },
  };
  const bytes = encodeMemberMetadataValue(classic);
  assert.deepEqual(decodeMemberMetadataValue(bytes), classic);
  // Without it the value ends with an empty tag buffer; with it, one tag (0).
  assert.equal(encodeMemberMetadataValue(meta).at(-1), 0);
  assert.ok(bytes.length > encodeMemberMetadataValue(meta).length);
});

test('consumer embedded protocol: subscription v0-3 and assignment round-trip', () => {
  for (const version of [0, 1, 2, 3]) {
    const s = {
      version,
      topics: ['orders', 'audit'],
      userData: null,
      ownedPartitions: version >= 1 ? [{ topic: 'orders', partitions: [1, 3] }] : [],
      generationId: version >= 2 ? 7 : -1,
      rackId: version >= 3 ? 'r1' : null,
    };
    assert.deepEqual(decodeConsumerSubscription(encodeConsumerSubscription(s)), s);
  }
  const a = encodeConsumerAssignment([{ topic: 'orders', partitions: [0, 2] }]);
  assert.deepEqual(decodeConsumerAssignment(a), {
    version: 3,
    assignedPartitions: [{ topic: 'orders', partitions: [0, 2] }],
    userData: null,
  });
  assert.deepEqual(decodeConsumerAssignment(Buffer.alloc(0)).assignedPartitions, [], 'no assignment yet');
  assert.throws(() => decodeConsumerSubscription(Buffer.from([0, 1, 0])), /truncated/);
});
