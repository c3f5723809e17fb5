// Log append/read throughput of broker/log (no network): 100-byte records in ~16 KiB and ~1 MiB batches,
// leader-mode appends (CRC check + in-place offset patch + one write), then sequential reads.
// Prints one JSON document; never asserts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogManager } from '../broker/index.js';
import { buildRecordBatch, CompressionCodec } from '../protocol/record-batch/index.js';

const RECORD = 100;
const TOTAL_BYTES = Number(process.env.BENCH_LOG_BYTES ?? 256 * 1024 * 1024);

function makeBatch(targetBytes: number, codec = CompressionCodec.None): { buf: Buffer; records: number } {
  const n = Math.max(1, Math.floor(targetBytes / (RECORD + 8)));
  const value = Buffer.alloc(RECORD, 0x61);
  const buf = buildRecordBatch(
    Array.from({ length: n }, () => ({ value })),
    { compression: codec },
  );
  return { buf, records: n };
}

function runCase(name: string, batchBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-bench-log-'));
  try {
    const logs = LogManager.open({
      dir,
      defaults: { segmentBytes: 128 * 1024 * 1024, maxMessageBytes: 2 * 1024 * 1024 },
    });
    const log = logs.getOrCreate('bench', 0);
    const { buf, records } = makeBatch(batchBytes);
    const batches = Math.max(1, Math.floor(TOTAL_BYTES / buf.length));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) log.appendAsLeader(buf, 0);
    const appendSec = Number(process.hrtime.bigint() - t0) / 1e9;
    const bytes = batches * buf.length;

    const t1 = process.hrtime.bigint();
    let read = 0;
    let offset = 0;
    const leo = log.logEndOffset();
    while (offset < leo) {
      const r = log.read(offset, 1024 * 1024);
      if (r.bytes === 0) break;
      read += r.bytes;
      const last = r.records[r.records.length - 1];
      // next offset = last batch's base + lastOffsetDelta + 1 (walk headers of the returned view)
      let pos = 0;
      let next = offset;
      while (pos < last.length) {
        const size = last.readInt32BE(pos + 8) + 12;
        next = last.readInt32BE(pos) * 2 ** 32 + last.readUInt32BE(pos + 4) + last.readInt32BE(pos + 23) + 1;
        pos += size;
      }
      offset = next;
    }
    const readSec = Number(process.hrtime.bigint() - t1) / 1e9;
    logs.close();
    return {
      case: name,
      batchBytes: buf.length,
      recordsPerBatch: records,
      batches,
      appendMBps: +(bytes / appendSec / 1e6).toFixed(1),
      appendBatchesPerSec: Math.round(batches / appendSec),
      appendRecordsPerSec: Math.round((batches * records) / appendSec),
      readMBps: +(read / readSec / 1e6).toFixed(1),
      segments: Math.ceil(bytes / (128 * 1024 * 1024)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [runCase('16KiB-batches', 16 * 1024), runCase('1MiB-batches', 1024 * 1024)];
console.log(
  JSON.stringify(
    { bench: 'log-append', recordBytes: RECORD, totalBytesPerCase: TOTAL_BYTES, node: process.version, results },
    null,
    2,
  ),
);
