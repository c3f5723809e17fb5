// Byte tests of the group codecs with kafkajs 2.2.4's own request encoders and response decoders as
// the oracle, version by version: kafkajs-encoded requests decode to the expected typed request and
// our encodeRequest reproduces kafkajs' bytes exactly; our encoded responses decode in kafkajs to the
// expected values, and round-trip through our decodeResponse. Versions kafkajs lacks (OffsetCommit
// 6-7, OffsetFetch 5) are checked against hand-built bytes from Kafka's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { ApiCodec } from '../api.js';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { offsetCommitCodec } from './08-offset-commit.js';
import { offsetFetchCodec } from './09-offset-fetch.js';
import { findCoordinatorCodec } from './10-find-coordinator.js';
import { joinGroupCodec } from './11-join-group.js';
import { heartbeatCodec } from './12-heartbeat.js';
import { leaveGroupCodec } from './13-leave-group.js';
import { syncGroupCodec } from './14-sync-group.js';
import { describeGroupsCodec } from './15-describe-groups.js';
import { listGroupsCodec } from './16-list-groups.js';
import { deleteGroupsCodec } from './42-delete-groups.js';

const require = createRequire(import.meta.url);
type KjsRequest = { apiVersion: number; encode: () => Promise<{ buffer: Buffer }> };
type KjsResponse = { decode: (b: Buffer) => Promise<Record<string, unknown>> };
function kjsRequest(api: string, v: number): (args: unknown) => KjsRequest {
  return require(`kafkajs/src/protocol/requests/${api}/v${v}/request.js`) as (args: unknown) => KjsRequest;
}
function kjsResponse(api: string, v: number): KjsResponse {
  return require(`kafkajs/src/protocol/requests/${api}/v${v}/response.js`) as KjsResponse;
}

function encode<Q, S>(fn: (w: ProtocolWriter, v: number, x: Q | S) => void, v: number, x: Q | S): Buffer {
  const w = new ProtocolWriter();
  fn(w, v, x);
  return Buffer.from(w.toBuffer());
}

interface Case<Q, S> {
  name: string;
  codec: ApiCodec<Q, S>;
  api: string;
  versions: number[];
  kjsArgs: unknown;
  request: (v: number) => Q;
  response: S;
  /** What kafkajs must see in our encoded response, per version. */
  kjsSees: (v: number) => Record<string, unknown>;
}

async function check<Q, S>(c: Case<Q, S>): Promise<void> {
  for (const v of c.versions) {
    const kreq = kjsRequest(c.api, v)(c.kjsArgs);
    assert.equal(kreq.apiVersion, v);
    const bytes = (await kreq.encode()).buffer;
    const r = new ProtocolReader(bytes);
    assert.deepEqual(c.codec.decodeRequest(r, v), c.request(v), `${c.api} v${v} request decode`);
    assert.equal(r.remaining, 0, `${c.api} v${v} request fully consumed`);
    const ours = encode((w, vv, x) => c.codec.encodeRequest!(w, vv, x as Q), v, c.request(v));
    assert.deepEqual(ours, bytes, `${c.api} v${v} request bytes equal kafkajs'`);

    const resBytes = encode((w, vv, x) => c.codec.encodeResponse(w, vv, x as S), v, c.response);
    const seen = await kjsResponse(c.api, v).decode(resBytes);
    for (const [k, want] of Object.entries(c.kjsSees(v)))
      assert.deepEqual(seen[k], want, `${c.api} v${v} kafkajs sees ${k}`);
    const back = new ProtocolReader(resBytes);
    const decoded = c.codec.decodeResponse!(back, v);
    assert.equal(back.remaining, 0, `${c.api} v${v} response fully consumed`);
    assert.deepEqual(
      encode((w, vv, x) => c.codec.encodeResponse(w, vv, x as S), v, decoded),
      resBytes,
      `${c.api} v${v} response round trip`,
    );
  }
}

const meta = Buffer.from([0, 1, 0, 0, 0, 1, 0, 3, 102, 111, 111]);

test('OffsetCommit v2-5 match kafkajs in both directions', async () => {
  await check({
    name: 'offset commit',
    codec: offsetCommitCodec,
    api: 'offsetCommit',
    versions: [2, 3, 4, 5],
    kjsArgs: {
      groupId: 'g',
      groupGenerationId: 3,
      memberId: 'm-1',
      retentionTime: -1,
      topics: [
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: '42' },
            { partition: 1, offset: '7', metadata: 'md' },
          ],
        },
      ],
    },
    request: (v) => ({
      groupId: 'g',
      generationId: 3,
      memberId: 'm-1',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: null },
            { partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: 'md' },
          ],
        },
      ],
      ...(v >= 5 ? {} : {}),
    }),
    response: {
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: 22 },
          ],
        },
      ],
    },
    kjsSees: () => ({
      responses: [
        {
          topic: 't',
          partitions: [
            { partition: 0, errorCode: 0 },
            { partition: 1, errorCode: 22 },
          ],
        },
      ],
    }),
  });
});

test('OffsetCommit v6 and v7 carry the leader epoch and group instance id', () => {
  const req = {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: 'inst',
    retentionTimeMs: -1,
    topics: [
      {
        name: 't',
        partitions: [{ partitionIndex: 2, committedOffset: 9, committedLeaderEpoch: 4, committedMetadata: '' }],
      },
    ],
  };
  const v7 = encode((w, v, x) => offsetCommitCodec.encodeRequest!(w, v, x as typeof req), 7, req);
  const hand = new ProtocolWriter()
    .string('g')
    .int32(-1)
    .string('')
    .nullableString('inst')
    .int32(1)
    .string('t')
    .int32(1)
    .int32(2)
    .int64(9)
    .int32(4)
    .string('')
    .toBuffer();
  assert.deepEqual(v7, Buffer.from(hand));
  assert.deepEqual(offsetCommitCodec.decodeRequest(new ProtocolReader(v7), 7), req);
  const v6 = encode((w, v, x) => offsetCommitCodec.encodeRequest!(w, v, x as typeof req), 6, req);
  assert.deepEqual(offsetCommitCodec.decodeRequest(new ProtocolReader(v6), 6), { ...req, groupInstanceId: null });
});

test('OffsetFetch v1-4 match kafkajs, v5 adds the leader epoch', async () => {
  const response = {
    throttleTimeMs: 0,
    errorCode: 0,
    topics: [
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ],
  };
  await check({
    name: 'offset fetch',
    codec: offsetFetchCodec,
    api: 'offsetFetch',
    versions: [1, 2, 3, 4],
    kjsArgs: { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 1 }] }] },
    request: () => ({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] }),
    response,
    kjsSees: () => ({
      responses: [
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: '42', metadata: '', errorCode: 0 },
            { partition: 1, offset: '-1', metadata: '', errorCode: 0 },
          ],
        },
      ],
    }),
  });
  const nullTopics = new ProtocolWriter().string('g').int32(-1).toBuffer();
  assert.deepEqual(offsetFetchCodec.decodeRequest(new ProtocolReader(nullTopics), 2), { groupId: 'g', topics: null });
  const v5 = encode((w, v, x) => offsetFetchCodec.encodeResponse(w, v, x as typeof response), 5, response);
  const hand = new ProtocolWriter()
    .int32(0)
    .int32(1)
    .string('t')
    .int32(2)
    .int32(0)
    .int64(42)
    .int32(-1)
    .string('')
    .int16(0)
    .int32(1)
    .int64(-1)
    .int32(-1)
    .string('')
    .int16(0)
    .int16(0)
    .toBuffer();
  assert.deepEqual(v5, Buffer.from(hand));
  assert.deepEqual(offsetFetchCodec.decodeResponse!(new ProtocolReader(v5), 5), response);
});

test('FindCoordinator v0-2 match kafkajs', async () => {
  await check({
    name: 'find coordinator',
    codec: findCoordinatorCodec,
    api: 'findCoordinator',
    versions: [0, 1, 2],
    kjsArgs: { groupId: 'g', coordinatorKey: 'g', coordinatorType: 0 },
    request: () => ({ key: 'g', keyType: 0 }),
    response: { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 0, host: '127.0.0.1', port: 9092 },
    kjsSees: () => ({ errorCode: 0, coordinator: { nodeId: 0, host: '127.0.0.1', port: 9092 } }),
  });
});

test('JoinGroup v0-5 match kafkajs', async () => {
  await check({
    name: 'join group',
    codec: joinGroupCodec,
    api: 'joinGroup',
    versions: [0, 1, 2, 3, 4, 5],
    kjsArgs: {
      groupId: 'g',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: meta }],
    },
    request: (v) => ({
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: v >= 1 ? 60000 : 30000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: meta }],
    }),
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 2,
      protocolName: 'RoundRobinAssigner',
      leader: 'm-1',
      memberId: 'm-1',
      members: [{ memberId: 'm-1', groupInstanceId: null, metadata: meta }],
    },
    kjsSees: () => ({
      errorCode: 0,
      generationId: 2,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'm-1',
      memberId: 'm-1',
    }),
  });
});

test('Heartbeat v0-3 match kafkajs', async () => {
  await check({
    name: 'heartbeat',
    codec: heartbeatCodec,
    api: 'heartbeat',
    versions: [0, 1, 2, 3],
    kjsArgs: { groupId: 'g', groupGenerationId: 5, memberId: 'm-1', groupInstanceId: null },
    request: () => ({ groupId: 'g', generationId: 5, memberId: 'm-1', groupInstanceId: null }),
    response: { throttleTimeMs: 0, errorCode: 0 },
    kjsSees: () => ({ errorCode: 0 }),
  });
});

test('LeaveGroup v0-2 single form and v3 batch form match kafkajs', async () => {
  await check({
    name: 'leave group',
    codec: leaveGroupCodec,
    api: 'leaveGroup',
    versions: [0, 1, 2],
    kjsArgs: { groupId: 'g', memberId: 'm-1' },
    request: () => ({ groupId: 'g', members: [{ memberId: 'm-1', groupInstanceId: null }] }),
    response: { throttleTimeMs: 0, errorCode: 0, members: [] },
    kjsSees: () => ({ errorCode: 0 }),
  });
  await check({
    name: 'leave group batch',
    codec: leaveGroupCodec,
    api: 'leaveGroup',
    versions: [3],
    kjsArgs: { groupId: 'g', members: [{ memberId: 'm-1' }, { memberId: 'm-2', groupInstanceId: 'i2' }] },
    request: () => ({
      groupId: 'g',
      members: [
        { memberId: 'm-1', groupInstanceId: null },
        { memberId: 'm-2', groupInstanceId: 'i2' },
      ],
    }),
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: 'm-1', groupInstanceId: null, errorCode: 0 },
        { memberId: 'm-2', groupInstanceId: 'i2', errorCode: 25 },
      ],
    },
    kjsSees: () => ({
      errorCode: 0,
      members: [
        { memberId: 'm-1', groupInstanceId: null, errorCode: 0 },
        { memberId: 'm-2', groupInstanceId: 'i2', errorCode: 25 },
      ],
    }),
  });
});

test('SyncGroup v0-3 match kafkajs', async () => {
  await check({
    name: 'sync group',
    codec: syncGroupCodec,
    api: 'syncGroup',
    versions: [0, 1, 2, 3],
    kjsArgs: {
      groupId: 'g',
      generationId: 2,
      memberId: 'm-1',
      groupAssignment: [{ memberId: 'm-1', memberAssignment: meta }],
    },
    request: () => ({
      groupId: 'g',
      generationId: 2,
      memberId: 'm-1',
      groupInstanceId: null,
      assignments: [{ memberId: 'm-1', assignment: meta }],
    }),
    response: { throttleTimeMs: 0, errorCode: 0, assignment: meta },
    kjsSees: () => ({ errorCode: 0, memberAssignment: meta }),
  });
});

test('DescribeGroups v0-2 match kafkajs', async () => {
  await check({
    name: 'describe groups',
    codec: describeGroupsCodec,
    api: 'describeGroups',
    versions: [0, 1, 2],
    kjsArgs: { groupIds: ['g', 'h'] },
    request: () => ({ groups: ['g', 'h'] }),
    response: {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'roundrobin',
          members: [
            { memberId: 'm-1', clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: meta, memberAssignment: meta },
          ],
        },
      ],
    },
    kjsSees: () => ({
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'roundrobin',
          members: [
            { memberId: 'm-1', clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: meta, memberAssignment: meta },
          ],
        },
      ],
    }),
  });
});

test('ListGroups v0-2 match kafkajs', async () => {
  await check({
    name: 'list groups',
    codec: listGroupsCodec,
    api: 'listGroups',
    versions: [0, 1, 2],
    kjsArgs: undefined,
    request: () => ({}),
    response: { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }] },
    kjsSees: () => ({ errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }] }),
  });
});

test('DeleteGroups v0-1 match kafkajs', async () => {
  await check({
    name: 'delete groups',
    codec: deleteGroupsCodec,
    api: 'deleteGroups',
    versions: [0, 1],
    kjsArgs: ['g', 'h'],
    request: () => ({ groupsNames: ['g', 'h'] }),
    response: { throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 0 }] },
    kjsSees: () => ({ results: [{ groupId: 'g', errorCode: 0 }] }),
  });
});

test('a truncated JoinGroup request fails with a decode error, not a crash', () => {
  const bytes = new ProtocolWriter().string('g').int32(1000).toBuffer();
  assert.throws(() => joinGroupCodec.decodeRequest(new ProtocolReader(bytes), 1), /truncated/);
});
