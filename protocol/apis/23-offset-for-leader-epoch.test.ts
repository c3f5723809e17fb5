// test-budget: 5s
// OffsetForLeaderEpoch (23) v0-3 against bytes built by hand from Kafka's schema (kafkajs has no
// codec for it to serve as an oracle), both directions, so the broker's handler and the replica
// fetcher's client side speak the same wire format as Kafka.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import {
  offsetForLeaderEpochCodec as codec,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from './23-offset-for-leader-epoch.js';

const bytes = (build: (w: ProtocolWriter) => void) => {
  const w = new ProtocolWriter();
  build(w);
  return Buffer.from(w.toBuffer());
};

test('requests: v3 carries replica_id, v2+ current_leader_epoch; decode(encode) is the identity', () => {
  const req: OffsetForLeaderEpochRequest = {
    replicaId: 2,
    topics: [{ topic: 'orders', partitions: [{ partition: 1, currentLeaderEpoch: 7, leaderEpoch: 5 }] }],
  };
  const expected: Record<number, Buffer> = {
    0: bytes((w) => w.int32(1).string('orders').int32(1).int32(1).int32(5)),
    1: bytes((w) => w.int32(1).string('orders').int32(1).int32(1).int32(5)),
    2: bytes((w) => w.int32(1).string('orders').int32(1).int32(1).int32(7).int32(5)),
    3: bytes((w) => w.int32(2).int32(1).string('orders').int32(1).int32(1).int32(7).int32(5)),
  };
  for (let v = 0; v <= 3; v++) {
    const enc = bytes((w) => codec.encodeRequest!(w, v, req));
    assert.ok(enc.equals(expected[v]), `v${v} request bytes`);
    const r = new ProtocolReader(enc);
    const back = codec.decodeRequest(r, v);
    assert.equal(r.remaining, 0);
    assert.deepEqual(back, {
      replicaId: v >= 3 ? 2 : -2,
      topics: [
        { topic: 'orders', partitions: [{ partition: 1, currentLeaderEpoch: v >= 2 ? 7 : -1, leaderEpoch: 5 }] },
      ],
    });
  }
});

test('responses: v2+ throttle_time_ms, v1+ leader_epoch; decode(encode) is the identity', () => {
  const res: OffsetForLeaderEpochResponse = {
    throttleTimeMs: 0,
    topics: [
      {
        topic: 'orders',
        partitions: [
          { errorCode: 0, partition: 1, leaderEpoch: 4, endOffset: 1234 },
          { errorCode: 74, partition: 2, leaderEpoch: -1, endOffset: -1 },
        ],
      },
    ],
  };
  const expected: Record<number, Buffer> = {
    0: bytes((w) => w.int32(1).string('orders').int32(2).int16(0).int32(1).int64(1234).int16(74).int32(2).int64(-1)),
    1: bytes((w) =>
      w
        .int32(1)
        .string('orders')
        .int32(2)
        .int16(0)
        .int32(1)
        .int32(4)
        .int64(1234)
        .int16(74)
        .int32(2)
        .int32(-1)
        .int64(-1),
    ),
    3: bytes((w) =>
      w
        .int32(0)
        .int32(1)
        .string('orders')
        .int32(2)
        .int16(0)
        .int32(1)
        .int32(4)
        .int64(1234)
        .int16(74)
        .int32(2)
        .int32(-1)
        .int64(-1),
    ),
  };
  for (let v = 0; v <= 3; v++) {
    const enc = bytes((w) => codec.encodeResponse(w, v, res));
    assert.ok(enc.equals(expected[v === 2 ? 3 : v]), `v${v} response bytes`);
    const r = new ProtocolReader(enc);
    const back = codec.decodeResponse!(r, v);
    assert.equal(r.remaining, 0);
    const want =
      v >= 1
        ? res
        : {
            ...res,
            topics: res.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, leaderEpoch: -1 })) })),
          };
    assert.deepEqual(back, want);
  }
});
