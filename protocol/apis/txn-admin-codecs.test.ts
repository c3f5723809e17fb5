// Codecs of the transaction admin APIs (KIP-664): DescribeProducers (61), DescribeTransactions (65)
// and ListTransactions (66, v0 and v1 with KIP-994's duration filter). No client of the project's
// test set sends them, so the oracle is bytes laid out by hand from Kafka's JSON schemas: each
// request and response decodes to what it means and encodes back to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiCodec } from '../api.js';
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { describeProducersCodec } from './61-describe-producers.js';
import { describeTransactionsCodec } from './65-describe-transactions.js';
import { listTransactionsCodec } from './66-list-transactions.js';

function bytes(fn: (w: ProtocolWriter) => void): Buffer {
  const w = new ProtocolWriter();
  fn(w);
  return Buffer.from(w.toBuffer());
}

/** Both directions of both messages against the schema's bytes, every byte consumed. */
function matchesSchema<Q, S>(codec: ApiCodec<Q, S>, v: number, reqBytes: Buffer, req: Q, resBytes: Buffer, res: S) {
  const rr = new ProtocolReader(reqBytes);
  assert.deepEqual(codec.decodeRequest(rr, v), req, `${codec.name} v${v} request`);
  assert.equal(rr.remaining, 0, `${codec.name} v${v} request consumed`);
  assert.deepEqual(
    bytes((w) => codec.encodeRequest!(w, v, req)),
    reqBytes,
    `${codec.name} v${v} request bytes`,
  );
  assert.deepEqual(
    bytes((w) => codec.encodeResponse(w, v, res)),
    resBytes,
    `${codec.name} v${v} response bytes`,
  );
  const sr = new ProtocolReader(resBytes);
  assert.deepEqual(codec.decodeResponse!(sr, v), res, `${codec.name} v${v} response`);
  assert.equal(sr.remaining, 0, `${codec.name} v${v} response consumed`);
}

test('DescribeProducers v0 matches the schema byte by byte', () => {
  const req = { topics: [{ name: 'out', partitionIndexes: [0, 2] }] };
  const reqBytes = bytes((w) => w.uvarint(2).compactString('out').uvarint(3).int32(0).int32(2).uvarint(0).uvarint(0));
  const res = {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'out',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            errorMessage: null,
            activeProducers: [
              {
                producerId: 4000,
                producerEpoch: 3,
                lastSequence: 9,
                lastTimestamp: 1_700_000_000_000,
                coordinatorEpoch: 2,
                currentTxnStartOffset: 17,
              },
            ],
          },
          { partitionIndex: 2, errorCode: 6, errorMessage: 'not the leader', activeProducers: [] },
        ],
      },
    ],
  };
  const resBytes = bytes(
    (w) =>
      w
        .int32(0)
        .uvarint(2)
        .compactString('out')
        .uvarint(3)
        .int32(0)
        .int16(0)
        .uvarint(0) // null error message
        .uvarint(2)
        .int64(4000)
        .int32(3)
        .int32(9)
        .int64(1_700_000_000_000)
        .int32(2)
        .int64(17)
        .uvarint(0) // producer tags
        .uvarint(0) // partition tags
        .int32(2)
        .int16(6)
        .compactString('not the leader')
        .uvarint(1) // no producers
        .uvarint(0)
        .uvarint(0) // topic tags
        .uvarint(0), // response tags
  );
  matchesSchema(describeProducersCodec, 0, reqBytes, req, resBytes, res);
});

test('DescribeTransactions v0 matches the schema byte by byte', () => {
  const req = { transactionalIds: ['tx-a', 'tx-b'] };
  const reqBytes = bytes((w) => w.uvarint(3).compactString('tx-a').compactString('tx-b').uvarint(0));
  const res = {
    throttleTimeMs: 0,
    transactionStates: [
      {
        errorCode: 0,
        transactionalId: 'tx-a',
        transactionState: 'Ongoing',
        transactionTimeoutMs: 60_000,
        transactionStartTimeMs: 1_700_000_000_000,
        producerId: 4000,
        producerEpoch: 3,
        topics: [{ topic: 'out', partitions: [0, 2] }],
      },
      {
        errorCode: 105,
        transactionalId: 'tx-b',
        transactionState: '',
        transactionTimeoutMs: 0,
        transactionStartTimeMs: -1,
        producerId: -1,
        producerEpoch: -1,
        topics: [],
      },
    ],
  };
  const resBytes = bytes((w) =>
    w
      .int32(0)
      .uvarint(3)
      .int16(0)
      .compactString('tx-a')
      .compactString('Ongoing')
      .int32(60_000)
      .int64(1_700_000_000_000)
      .int64(4000)
      .int32(3)
      .uvarint(2)
      .compactString('out')
      .uvarint(3)
      .int32(0)
      .int32(2)
      .uvarint(0) // topic tags
      .uvarint(0) // state tags
      .int16(105)
      .compactString('tx-b')
      .compactString('')
      .int32(0)
      .int64(-1)
      .int64(-1)
      .int32(-1)
      .uvarint(1)
      .uvarint(0)
      .uvarint(0),
  );
  matchesSchema(describeTransactionsCodec, 0, reqBytes, req, resBytes, res);
});

test('ListTransactions v0 and v1 (duration filter) match the schema byte by byte', () => {
  const res = {
    throttleTimeMs: 0,
    errorCode: 0,
    unknownStateFilters: ['Bogus'],
    transactionStates: [{ transactionalId: 'tx-a', producerId: 4000, transactionState: 'Ongoing' }],
  };
  const resBytes = bytes((w) =>
    w
      .int32(0)
      .int16(0)
      .uvarint(2)
      .compactString('Bogus')
      .uvarint(2)
      .compactString('tx-a')
      .int64(4000)
      .compactString('Ongoing')
      .uvarint(0)
      .uvarint(0),
  );
  const v0 = { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [4000], durationFilterMs: -1 };
  const v0Bytes = bytes((w) =>
    w.uvarint(3).compactString('Ongoing').compactString('Bogus').uvarint(2).int64(4000).uvarint(0),
  );
  matchesSchema(listTransactionsCodec, 0, v0Bytes, v0, resBytes, res);
  const v1 = { stateFilters: [], producerIdFilters: [], durationFilterMs: 60_000 };
  const v1Bytes = bytes((w) => w.uvarint(1).uvarint(1).int64(60_000).uvarint(0));
  matchesSchema(listTransactionsCodec, 1, v1Bytes, v1, resBytes, res);
  // A v0 request cannot say "older than": refused rather than silently listing everything.
  assert.throws(() => listTransactionsCodec.encodeRequest!(new ProtocolWriter(), 0, v1), /duration filter/);
});
