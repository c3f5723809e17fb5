// An independent writer of the format: kafka-python's DefaultRecordBatchBuilder writes a segment file
// (system /usr/bin/python3 with python3-kafka); our log code must open it and serve the right records.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LogManager } from './index.js';
import { readAll, tempDir } from './test-helpers.js';

const PY = `
import struct, sys
from kafka.record.default_records import DefaultRecordBatchBuilder
out = sys.argv[1]
offset = 0
with open(out, 'wb') as f:
    for b in range(6):
        codec = 1 if b % 2 else 0   # gzip / none (kafka-python's other codecs need optional modules)
        builder = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=0,
                                            producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
        for i in range(5):
            n = b * 5 + i
            builder.append(i, timestamp=1700000000000 + n, key=('key-%d' % n).encode(),
                           value=('value-%d' % n).encode(), headers=[('h', b'hv')])
        data = bytearray(builder.build())
        struct.pack_into('>q', data, 0, offset)   # baseOffset sits outside the CRC
        f.write(data)
        offset += 5
`;

it('reads a segment written by kafka-python with the right offsets, keys, values and timestamps', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'py-0'));
  const r = spawnSync('/usr/bin/python3', ['-c', PY, join(dir, 'py-0', '00000000000000000000.log')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `kafka-python (python3-kafka) must be installed: ${r.stderr}`);
  const logs = LogManager.open({ dir });
  const log = logs.get('py', 0)!;
  assert.ok(log, 'partition dir discovered');
  assert.equal(logs.recoveredFromCrash, true, 'no clean-shutdown marker: the segment was CRC-checked');
  assert.equal(log.recoveries[0].truncatedBytes, 0);
  assert.equal(log.logEndOffset(), 30);
  const recs = readAll(log);
  assert.deepEqual(
    recs.map((x) => x.offset),
    Array.from({ length: 30 }, (_, i) => i),
  );
  assert.deepEqual(
    recs.map((x) => x.key),
    Array.from({ length: 30 }, (_, i) => `key-${i}`),
  );
  assert.deepEqual(
    recs.map((x) => x.value),
    Array.from({ length: 30 }, (_, i) => `value-${i}`),
  );
  assert.deepEqual(log.offsetForTimestamp(1700000000000 + 17), { offset: 17, timestamp: 1700000000000 + 17 });
  assert.equal(log.append(Buffer.from(readBatchOf(log, 0))).firstOffset, 30, 'appending a copy continues the offsets');
  logs.close();
});

function readBatchOf(log: { read(o: number, m: number): { records: Buffer[] } }, offset: number): Buffer {
  const buf = Buffer.concat(log.read(offset, 1).records);
  return Buffer.from(buf.subarray(0, buf.readInt32BE(8) + 12));
}
