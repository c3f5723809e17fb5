// RecordBatch v2: round trips for every codec, kafkajs' own encoder/decoder as an oracle, header fast path,
// CRC and malformed-input handling.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { compressSync as snappyRaw } from 'snappy';
import {
  batchCrcValid,
  buildRecordBatch,
  CompressionCodec,
  compress,
  CorruptRecordError,
  decodeBatch,
  decodeBatches,
  decompress,
  readBatchHeader,
  scanBatches,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from './index.js';

const require = createRequire(import.meta.url);
interface KafkajsRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers: Record<string, Buffer>;
}
type KafkajsEncoder = { buffer: Buffer };
const kjsBatch = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (o: object) => Promise<KafkajsEncoder>;
};
const kjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;
const kjsDecode = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  d: unknown,
) => Promise<{ records: KafkajsRecord[]; firstOffset: string }>;
const KjsDecoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
const kjsTypes = (require('kafkajs') as { CompressionTypes: Record<string, number> }).CompressionTypes;

const codecs = [
  CompressionCodec.None,
  CompressionCodec.Gzip,
  CompressionCodec.Snappy,
  CompressionCodec.Lz4,
  CompressionCodec.Zstd,
];
const names = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function sampleRecords(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 4 === 3 ? null : `key-${i}`,
    value: i % 5 === 4 ? null : `value-${i}-${'x'.repeat(i % 50)}`,
    headers:
      i % 2 === 0
        ? [
            { key: 'h', value: `hv${i}` },
            { key: 'n', value: null },
          ]
        : undefined,
    timestamp: 1_700_000_000_000 + i * 7,
  }));
}

describe('record batch codecs', () => {
  for (const codec of codecs) {
    it(`round-trips a ${names[codec]} batch through build and decode`, () => {
      const recs = sampleRecords(200);
      const buf = buildRecordBatch(recs, {
        compression: codec,
        baseOffset: 1000,
        producerId: 42,
        producerEpoch: 3,
        baseSequence: 17,
        partitionLeaderEpoch: 5,
      });
      assert.ok(batchCrcValid(buf, 0, buf.length));
      const b = decodeBatch(buf);
      assert.equal(b.codec, codec);
      assert.equal(b.header.recordCount, 200);
      assert.equal(b.header.lastOffsetDelta, 199);
      assert.equal(b.header.producerId, 42);
      assert.equal(b.header.producerEpoch, 3);
      assert.equal(b.header.baseSequence, 17);
      assert.equal(b.header.partitionLeaderEpoch, 5);
      assert.equal(b.header.maxTimestamp, 1_700_000_000_000 + 199 * 7);
      b.records.forEach((r, i) => {
        assert.equal(r.offset, 1000 + i);
        assert.equal(r.timestamp, recs[i].timestamp);
        assert.equal(r.key?.toString() ?? null, recs[i].key);
        assert.equal(r.value?.toString() ?? null, recs[i].value);
        assert.deepEqual(
          r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
          (recs[i].headers ?? []).map((h) => [h.key, h.value]),
        );
      });
    });
  }

  it('compresses snappy with xerial framing and reads both xerial and raw snappy', () => {
    const data = Buffer.from('abc'.repeat(40000));
    const framed = compress(CompressionCodec.Snappy, data);
    assert.equal(framed[0], 0x82);
    assert.equal(framed.subarray(1, 7).toString(), 'SNAPPY');
    assert.deepEqual(decompress(CompressionCodec.Snappy, framed), data);
    assert.deepEqual(decompress(CompressionCodec.Snappy, snappyRaw(data)), data);
  });

  it('turns garbage compressed data into CorruptRecordError', () => {
    for (const codec of codecs.slice(1))
      assert.throws(() => decompress(codec, Buffer.from('not compressed at all')), CorruptRecordError);
  });
});

describe('kafkajs as an oracle', () => {
  for (const [codec, kjs] of [
    [CompressionCodec.None, kjsTypes.None],
    [CompressionCodec.Gzip, kjsTypes.GZIP],
  ] as const) {
    it(`decodes a ${names[codec]} batch written by kafkajs' encoder`, async () => {
      const ts = 1_700_000_000_000;
      const records = Array.from({ length: 10 }, (_, i) =>
        kjsRecord({
          offsetDelta: i,
          timestampDelta: i,
          key: Buffer.from(`k${i}`),
          value: Buffer.from(`v${i}`),
          headers: { a: Buffer.from(`h${i}`) },
        }),
      );
      const enc = await kjsBatch.RecordBatch({
        compression: kjs,
        firstTimestamp: ts,
        maxTimestamp: ts + 9,
        lastOffsetDelta: 9,
        records,
      });
      const buf = enc.buffer;
      assert.ok(batchCrcValid(buf, 0, buf.length), 'kafkajs CRC matches ours');
      const b = decodeBatch(buf);
      assert.equal(b.records.length, 10);
      b.records.forEach((r, i) => {
        assert.equal(r.key?.toString(), `k${i}`);
        assert.equal(r.value?.toString(), `v${i}`);
        assert.equal(r.timestamp, ts + i);
        assert.equal(r.headers[0].value?.toString(), `h${i}`);
      });
    });

    it(`kafkajs decodes a ${names[codec]} batch we built`, async () => {
      const buf = buildRecordBatch(sampleRecords(30), { compression: codec, baseOffset: 77 });
      const out = await kjsDecode(new KjsDecoder(buf));
      assert.equal(out.records.length, 30);
      assert.equal(out.records[3].offset, '80');
      assert.equal(out.records[3].key, null);
      assert.equal(out.records[2].value?.toString(), 'value-2-xx');
      assert.equal(out.records[0].headers.h.toString(), 'hv0');
    });
  }
});

describe('header fast path', () => {
  it('reads headers and patches offset/epoch outside the CRC without breaking it', () => {
    const buf = Buffer.concat([
      buildRecordBatch(sampleRecords(3)),
      buildRecordBatch(sampleRecords(2), { compression: CompressionCodec.Lz4 }),
    ]);
    const hs = scanBatches(buf);
    assert.equal(hs.length, 2);
    setBaseOffset(buf, hs[1].position, 2 ** 40);
    setPartitionLeaderEpoch(buf, hs[1].position, 9);
    const h = readBatchHeader(buf, hs[1].position);
    assert.equal(h.baseOffset, 2 ** 40);
    assert.equal(h.partitionLeaderEpoch, 9);
    assert.ok(batchCrcValid(buf, h.position, h.size));
    assert.equal(decodeBatches(buf)[1].records[1].offset, 2 ** 40 + 1);
  });

  it('LogAppendTime rewrites the CRC and every record reports the append time', () => {
    const buf = buildRecordBatch(sampleRecords(4), { compression: CompressionCodec.Zstd });
    setLogAppendTime(buf, 0, buf.length, 1_800_000_000_000);
    const b = decodeBatch(buf);
    assert.ok(b.logAppendTime);
    assert.deepEqual(
      b.records.map((r) => r.timestamp),
      [1, 2, 3, 4].map(() => 1_800_000_000_000),
    );
  });

  it('rejects a flipped byte, a torn batch and a wrong magic with CorruptRecordError', () => {
    const buf = buildRecordBatch(sampleRecords(5));
    const flipped = Buffer.from(buf);
    flipped[buf.length - 3] ^= 0xff;
    assert.throws(() => scanBatches(flipped), /CRC/);
    assert.throws(() => scanBatches(buf.subarray(0, buf.length - 1)), CorruptRecordError);
    const magic = Buffer.from(buf);
    magic[16] = 1;
    assert.throws(() => readBatchHeader(magic), /magic/);
    const len = Buffer.from(buf);
    len.writeInt32BE(3, 8);
    assert.throws(() => readBatchHeader(len), CorruptRecordError);
  });

  it('rejects records whose declared count does not match the bytes', () => {
    const buf = buildRecordBatch(sampleRecords(5));
    buf.writeInt32BE(6, 57);
    assert.throws(() => decodeBatch(buf, 0, { verifyCrc: false }), CorruptRecordError);
  });
});
