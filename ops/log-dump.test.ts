// log dump on segments written by an independent writer: kafka-python's DefaultRecordBatchBuilder
// (/usr/bin/python3), with Kafka's index formats, plus a corrupted byte that must fail the CRC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpSegmentFile, renderSegmentDump } from './log-dump.js';

// Three batches at offsets 100-102 (plain), 103-104 (gzip, idempotent producer 7), 105 (plain),
// indexed after every batch like a broker with index.interval.bytes=1.
const PY = String.raw`
import struct, sys
from kafka.record.default_records import DefaultRecordBatchBuilder
d = sys.argv[1]
base = 100
specs = [(0, -1, -1, -1, [(b'k0', b'v0'), (b'k1', b'v1'), (None, b'v2')]),
         (1, 7, 0, 0, [(b'k3', b'hello' * 40), (b'k4', b'world' * 40)]),
         (0, -1, -1, -1, [(b'k5', bytes(range(4)))])]
log = b''; idx = b''; tidx = b''
off = base; ts = 1700000000000
for codec, pid, epoch, seq, recs in specs:
    b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=False, producer_id=pid, producer_epoch=epoch, base_sequence=seq, batch_size=1 << 20)
    for i, (k, v) in enumerate(recs):
        b.append(i, timestamp=ts, key=k, value=v, headers=[('h', b'x')] if k == b'k3' else [])
        ts += 10
    data = bytearray(b.build())
    data[0:8] = struct.pack('>q', off)  # base offset is outside the CRC
    pos = len(log)
    last = off + len(recs) - 1
    idx += struct.pack('>ii', last - base, pos)
    tidx += struct.pack('>qi', ts - 10, last - base)
    log += bytes(data)
    off += len(recs)
name = '%020d' % base
open(d + '/' + name + '.log', 'wb').write(log)
open(d + '/' + name + '.index', 'wb').write(idx + bytes(8 * 4))  # preallocated zeros, as Kafka leaves them
open(d + '/' + name + '.timeindex', 'wb').write(tidx)
`;

function writeSegments(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ops-logdump-'));
  execFileSync('/usr/bin/python3', ['-c', PY, dir]);
  return dir;
}

test('a kafka-python segment decodes: offsets, codecs, producer ids, keys and values', () => {
  const dir = writeSegments();
  try {
    const d = dumpSegmentFile(join(dir, '00000000000000000100.log'), { printData: true });
    assert.deepEqual(d.problems, []);
    const b = d.batches!;
    assert.deepEqual(
      b.map((x) => [x.baseOffset, x.lastOffset, x.count, x.compression, x.crcValid]),
      [
        [100, 102, 3, 'none', true],
        [103, 104, 2, 'gzip', true],
        [105, 105, 1, 'none', true],
      ],
    );
    assert.equal(b[1].producerId, 7);
    assert.equal(b[1].baseSequence, 0);
    const records = b.flatMap((x) => x.records!);
    assert.deepEqual(
      records.map((r) => r.offset),
      [100, 101, 102, 103, 104, 105],
    );
    assert.deepEqual(
      records.map((r) => r.key),
      ['k0', 'k1', null, 'k3', 'k4', 'k5'],
    );
    assert.equal(records[3].value, 'hello'.repeat(40));
    assert.deepEqual(records[3].headerKeys, ['h']);
    assert.equal(records[5].value, '0x00010203');
    assert.equal(records[0].timestamp, 1700000000000);
    const text = renderSegmentDump(d, { printData: true });
    assert.match(
      text,
      /baseOffset: 103 lastOffset: 104 count: 2 .*producerId: 7 .*compresscodec: gzip .*isvalid: true/,
    );
    assert.match(
      text,
      /\| offset: 104 CreateTime: \d+ keySize: 2 valueSize: 200 headerKeys: \[\] key: k4 payload: (world){40}$/m,
    );
    assert.match(text, /Batches: 3, records: 6/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('index and time index pass the sanity check; a wrong entry fails it', () => {
  const dir = writeSegments();
  try {
    const idx = dumpSegmentFile(join(dir, '00000000000000000100.index'), { indexSanityCheck: true });
    assert.deepEqual(idx.problems, []);
    assert.deepEqual(
      idx.entries!.map((e) => e.offset),
      [102, 104, 105],
    );
    assert.match(renderSegmentDump(idx, { indexSanityCheck: true }), /passed the sanity check/);
    const tidx = dumpSegmentFile(join(dir, '00000000000000000100.timeindex'), { indexSanityCheck: true });
    assert.deepEqual(tidx.problems, []);
    // Point the second offset-index entry at a position inside a batch.
    const path = join(dir, '00000000000000000100.index');
    const buf = readFileSync(path);
    buf.writeInt32BE(buf.readInt32BE(12) + 1, 12);
    writeFileSync(path, buf);
    const bad = dumpSegmentFile(path, { indexSanityCheck: true });
    assert.equal(bad.problems.length, 1, bad.problems.join('\n'));
    assert.match(bad.problems.join('\n'), /is not the start of a batch/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupted byte is flagged as a CRC failure, the other batches stay valid', () => {
  const dir = writeSegments();
  try {
    const path = join(dir, '00000000000000000100.log');
    const buf = readFileSync(path);
    const second = dumpSegmentFile(path).batches![1].position;
    buf[second + 70] ^= 0xff; // inside the gzip payload of batch 2
    writeFileSync(path, buf);
    const d = dumpSegmentFile(path);
    assert.deepEqual(
      d.batches!.map((b) => b.crcValid),
      [true, false, true],
    );
    assert.match(d.problems[0], /position \d+ \(offsets 103-104\) fails its CRC-32C check/);
    assert.match(renderSegmentDump(d, {}), /isvalid: false/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn tail and a non-segment name are reported clearly', () => {
  const dir = writeSegments();
  try {
    const path = join(dir, '00000000000000000100.log');
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0])]));
    const d = dumpSegmentFile(path);
    assert.equal(d.batches!.length, 3);
    assert.equal(d.trailingBytes, 10);
    writeFileSync(join(dir, 'x.txt'), 'no');
    assert.throws(() => dumpSegmentFile(join(dir, 'x.txt')), /not a Kafka segment file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
