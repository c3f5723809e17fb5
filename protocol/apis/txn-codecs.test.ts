// Codecs of the transaction APIs: AddPartitionsToTxn (24), AddOffsetsToTxn (25), EndTxn (26) and
// TxnOffsetCommit (28) against kafkajs 2.2.4 as the oracle for the versions it sends (v0-1): its
// request bytes decode to what it meant and our client encoding reproduces them; our responses
// decode in kafkajs. v2 (and WriteTxnMarkers (27), which no client sends) are checked against bytes
// laid out by hand from Kafka's JSON schemas and round-trip through both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { ApiCodec } from '../api.js';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { addPartitionsToTxnCodec } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxnCodec } from './25-add-offsets-to-txn.js';
import { endTxnCodec } from './26-end-txn.js';
import { writeTxnMarkersCodec } from './27-write-txn-markers.js';
import { txnOffsetCommitCodec } from './28-txn-offset-commit.js';

const require = createRequire(import.meta.url);
type KjsRequest = { encode: () => Promise<{ buffer: Buffer }> };
type KjsResponse = { decode: (b: Buffer) => Promise<Record<string, unknown>> };
const kjsReq = (api: string, v: number) =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/request.js`) as (args: unknown) => KjsRequest;
const kjsRes = (api: string, v: number) =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/response.js`) as KjsResponse;

async function kjsBytes(api: string, v: number, args: unknown): Promise<Buffer> {
  return Buffer.from((await kjsReq(api, v)(args).encode()).buffer);
}
function bytes(fn: (w: ProtocolWriter) => void): Buffer {
  const w = new ProtocolWriter();
  fn(w);
  return Buffer.from(w.toBuffer());
}
function decodeReq<Q, S>(codec: ApiCodec<Q, S>, v: number, b: Buffer): Q {
  const r = new ProtocolReader(b);
  const out = codec.decodeRequest(r, v);
  assert.equal(r.remaining, 0, `${codec.name} v${v}: request fully consumed`);
  return out;
}
/** Request bytes decode to `req` and encode back to the same bytes; the response round-trips. */
function roundTrip<Q, S>(codec: ApiCodec<Q, S>, v: number, reqBytes: Buffer, req: Q, res: S): Buffer {
  assert.deepEqual(decodeReq(codec, v, reqBytes), req, `${codec.name} v${v} request`);
  assert.deepEqual(
    bytes((w) => codec.encodeRequest!(w, v, req)),
    reqBytes,
    `${codec.name} v${v} request bytes`,
  );
  const out = bytes((w) => codec.encodeResponse(w, v, res));
  const back = new ProtocolReader(out);
  assert.deepEqual(codec.decodeResponse!(back, v), res, `${codec.name} v${v} response`);
  assert.equal(back.remaining, 0, `${codec.name} v${v} response consumed`);
  return out;
}

test('AddPartitionsToTxn v0-2: kafkajs requests decode, our answers decode in kafkajs', async () => {
  const req = {
    transactionalId: 'tx-1',
    producerId: 4000,
    producerEpoch: 3,
    topics: [{ name: 'out', partitions: [0, 2] }],
  };
  const res = {
    throttleTimeMs: 0,
    results: [
      {
        name: 'out',
        results: [
          { partitionIndex: 0, errorCode: 0 },
          { partitionIndex: 2, errorCode: 51 },
        ],
      },
    ],
  };
  for (const v of [0, 1]) {
    const b = await kjsBytes('addPartitionsToTxn', v, {
      ...req,
      topics: [{ topic: 'out', partitions: [0, 2] }],
    });
    const out = roundTrip(addPartitionsToTxnCodec, v, b, req, res);
    const k = await kjsRes('addPartitionsToTxn', v).decode(out);
    assert.deepEqual(k.errors, [
      {
        topic: 'out',
        partitionErrors: [
          { partition: 0, errorCode: 0 },
          { partition: 2, errorCode: 51 },
        ],
      },
    ]);
  }
  const v2 = bytes((w) => w.string('tx-1').int64(4000).int16(3).int32(1).string('out').int32(2).int32(0).int32(2));
  roundTrip(addPartitionsToTxnCodec, 2, v2, req, res);
});

test('AddPartitionsToTxn v3 (flexible) and v4 (between brokers, verify_only) against schema bytes', () => {
  const req = {
    transactionalId: 'tx-1',
    producerId: 4000,
    producerEpoch: 3,
    topics: [{ name: 'out', partitions: [0, 2] }],
  };
  const res = {
    throttleTimeMs: 0,
    results: [{ name: 'out', results: [{ partitionIndex: 2, errorCode: 48 }] }],
  };
  // v3: compact strings and arrays (length + 1), an empty tag buffer after each struct.
  const v3 = bytes((w) =>
    w
      .compactString('tx-1')
      .int64(4000)
      .int16(3)
      .uvarint(2)
      .compactString('out')
      .uvarint(3)
      .int32(0)
      .int32(2)
      .uvarint(0)
      .uvarint(0),
  );
  roundTrip(addPartitionsToTxnCodec, 3, v3, req, res);
  const v4req = {
    transactionalId: '',
    producerId: -1,
    producerEpoch: -1,
    topics: [],
    transactions: [{ ...req, verifyOnly: true }],
  };
  const v4 = bytes((w) =>
    w
      .uvarint(2)
      .compactString('tx-1')
      .int64(4000)
      .int16(3)
      .bool(true)
      .uvarint(2)
      .compactString('out')
      .uvarint(3)
      .int32(0)
      .int32(2)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0),
  );
  const v4res = {
    throttleTimeMs: 0,
    results: [],
    errorCode: 0,
    resultsByTransaction: [{ transactionalId: 'tx-1', topicResults: res.results }],
  };
  roundTrip(addPartitionsToTxnCodec, 4, v4, v4req, v4res);
  const out = bytes((w) => addPartitionsToTxnCodec.encodeResponse(w, 4, v4res));
  const expected = bytes((w) =>
    w
      .int32(0)
      .int16(0)
      .uvarint(2)
      .compactString('tx-1')
      .uvarint(2)
      .compactString('out')
      .uvarint(2)
      .int32(2)
      .int16(48)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0)
      .uvarint(0),
  );
  assert.deepEqual(out, expected);
});

test('AddOffsetsToTxn and EndTxn v0-2: kafkajs requests decode, answers decode in kafkajs', async () => {
  const add = { transactionalId: 'tx-1', producerId: 4000, producerEpoch: 3, groupId: 'g' };
  const end = { transactionalId: 'tx-1', producerId: 4000, producerEpoch: 3, committed: true };
  const res = { throttleTimeMs: 0, errorCode: 90 };
  for (const v of [0, 1]) {
    const out = roundTrip(addOffsetsToTxnCodec, v, await kjsBytes('addOffsetsToTxn', v, add), add, res);
    assert.equal((await kjsRes('addOffsetsToTxn', v).decode(out)).errorCode, 90);
    const endBytes = await kjsBytes('endTxn', v, { ...end, transactionResult: true });
    const out2 = roundTrip(endTxnCodec, v, endBytes, end, res);
    assert.equal((await kjsRes('endTxn', v).decode(out2)).errorCode, 90);
  }
  roundTrip(
    addOffsetsToTxnCodec,
    2,
    bytes((w) => w.string('tx-1').int64(4000).int16(3).string('g')),
    add,
    res,
  );
  const abort = { ...end, committed: false };
  roundTrip(
    endTxnCodec,
    2,
    bytes((w) => w.string('tx-1').int64(4000).int16(3).int8(0)),
    abort,
    res,
  );
});

test('TxnOffsetCommit v0-2: kafkajs requests decode; the leader epoch appears in v2', async () => {
  const partition = { partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'm' };
  const req = {
    transactionalId: 'tx-1',
    groupId: 'g',
    producerId: 4000,
    producerEpoch: 3,
    topics: [{ name: 'in', partitions: [partition] }],
  };
  const res = { throttleTimeMs: 0, topics: [{ name: 'in', partitions: [{ partitionIndex: 1, errorCode: 0 }] }] };
  for (const v of [0, 1]) {
    const b = await kjsBytes('txnOffsetCommit', v, {
      ...req,
      topics: [{ topic: 'in', partitions: [{ partition: 1, offset: '42', metadata: 'm' }] }],
    });
    const out = roundTrip(txnOffsetCommitCodec, v, b, req, res);
    const k = await kjsRes('txnOffsetCommit', v).decode(out);
    assert.deepEqual(k.topics, [{ topic: 'in', partitions: [{ partition: 1, errorCode: 0 }] }]);
  }
  const v2 = { ...req, topics: [{ name: 'in', partitions: [{ ...partition, committedLeaderEpoch: 7 }] }] };
  const b2 = bytes((w) =>
    w
      .string('tx-1')
      .string('g')
      .int64(4000)
      .int16(3)
      .int32(1)
      .string('in')
      .int32(1)
      .int32(1)
      .int64(42)
      .int32(7)
      .nullableString('m'),
  );
  roundTrip(txnOffsetCommitCodec, 2, b2, v2, res);
});

test('WriteTxnMarkers v0 and v1 (flexible) match the schema byte by byte', () => {
  const req = {
    markers: [
      {
        producerId: 4000,
        producerEpoch: 3,
        transactionResult: true,
        topics: [{ name: 'out', partitionIndexes: [0, 2] }],
        coordinatorEpoch: 5,
      },
    ],
  };
  const res = {
    markers: [
      {
        producerId: 4000,
        topics: [
          {
            name: 'out',
            partitions: [
              { partitionIndex: 0, errorCode: 0 },
              { partitionIndex: 2, errorCode: 6 },
            ],
          },
        ],
      },
    ],
  };
  const v0 = bytes((w) =>
    w.int32(1).int64(4000).int16(3).int8(1).int32(1).string('out').int32(2).int32(0).int32(2).int32(5),
  );
  roundTrip(writeTxnMarkersCodec, 0, v0, req, res);
  const v1 = bytes(
    (w) =>
      w
        .uvarint(2)
        .int64(4000)
        .int16(3)
        .int8(1)
        .uvarint(2)
        .compactString('out')
        .uvarint(3)
        .int32(0)
        .int32(2)
        .uvarint(0) // topic tags
        .int32(5)
        .uvarint(0) // marker tags
        .uvarint(0), // request tags
  );
  const out = roundTrip(writeTxnMarkersCodec, 1, v1, req, res);
  assert.deepEqual(
    out,
    bytes((w) =>
      w
        .uvarint(2)
        .int64(4000)
        .uvarint(2)
        .compactString('out')
        .uvarint(3)
        .int32(0)
        .int16(0)
        .uvarint(0)
        .int32(2)
        .int16(6)
        .uvarint(0)
        .uvarint(0)
        .uvarint(0)
        .uvarint(0),
    ),
  );
});
