// Shared helpers for the log tests (not part of the public API).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import {
  buildRecordBatch,
  decodeBatches,
  type BuildBatchOptions,
  type RecordInput,
} from '../../protocol/record-batch/index.js';
import type { PartitionLog } from './segmented-partition-log.js';

/** A fresh temp dir removed when the test file ends. */
export function tempDir(prefix = 'kafka-sre-log-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

export function batch(
  values: readonly string[],
  opts: BuildBatchOptions & { keys?: ReadonlyArray<string | null>; timestamp?: number } = {},
): Buffer {
  const recs: RecordInput[] = values.map((v, i) => ({
    key: opts.keys ? opts.keys[i] : `k${i}`,
    value: v,
    timestamp: opts.timestamp,
  }));
  return buildRecordBatch(recs, opts);
}

/** Every record of the log from `from` on, reading batch by batch across segments. */
export function readAll(
  log: PartitionLog,
  from = log.logStartOffset(),
): Array<{ offset: number; key: string | null; value: string | null }> {
  const out: Array<{ offset: number; key: string | null; value: string | null }> = [];
  let at = from;
  while (at < log.logEndOffset()) {
    const r = log.read(at, 1 << 20);
    if (r.bytes === 0) break;
    for (const b of decodeBatches(Buffer.concat(r.records))) {
      for (const rec of b.records)
        if (rec.offset >= at)
          out.push({ offset: rec.offset, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null });
      at = Math.max(at, b.header.baseOffset + b.header.lastOffsetDelta + 1);
    }
  }
  return out;
}
