// Offline reader of Kafka-format log segments (what DumpLogSegments does): `.log` record batches
// with CRC validity, compression, producer ids and records; `.index` / `.timeindex` entries and
// their sanity check against the segment they index. Batch decoding is protocol/record-batch's;
// this module only walks files and checks what it finds.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  batchCrcValid,
  batchSizeAt,
  codecName,
  decodeBatch,
  isControl,
  isLogAppendTime,
  isTransactional,
  lastOffsetOf,
  readBatchHeader,
  type BatchHeader,
} from '../protocol/record-batch/index.js';

export interface DumpedRecord {
  offset: number;
  timestamp: number;
  keySize: number;
  valueSize: number;
  headerKeys: string[];
  key?: string | null;
  value?: string | null;
}

export interface DumpedBatch {
  position: number;
  baseOffset: number;
  lastOffset: number;
  count: number;
  size: number;
  magic: number;
  crc: number;
  crcValid: boolean;
  compression: string;
  timestampType: 'CreateTime' | 'LogAppendTime';
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  partitionLeaderEpoch: number;
  transactional: boolean;
  control: boolean;
  records?: DumpedRecord[];
  /** Why the records could not be decoded (corrupt bytes, unknown codec). */
  error?: string;
}

export interface IndexEntryDump {
  /** Absolute offset (base offset + relative). */
  offset: number;
  position?: number;
  timestamp?: number;
}

export interface SegmentDump {
  file: string;
  kind: 'log' | 'index' | 'timeindex';
  baseOffset: number;
  batches?: DumpedBatch[];
  entries?: IndexEntryDump[];
  /** Bytes at the end of a .log that do not form a whole batch. */
  trailingBytes?: number;
  /** Problems: CRC failures, corrupt batches, index entries that do not match the log. */
  problems: string[];
}

export interface DumpOptions {
  printData?: boolean;
  indexSanityCheck?: boolean;
}

const SEGMENT_NAME = /^(\d{20})\.(log|index|timeindex)$/;

/** Bytes as text when they are printable UTF-8, else as hex (0x...). */
export function showBytes(b: Buffer | null): string | null {
  if (b === null) return null;
  const s = b.toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(s, 'utf8').equals(b) && !/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/.test(s)) return s;
  return '0x' + b.toString('hex');
}

function batchOf(buf: Buffer, h: BatchHeader, printRecords: boolean): DumpedBatch {
  const crcValid = batchCrcValid(buf, h.position, h.size);
  const out: DumpedBatch = {
    position: h.position,
    baseOffset: h.baseOffset,
    lastOffset: lastOffsetOf(h),
    count: h.recordCount,
    size: h.size,
    magic: h.magic,
    crc: h.crc,
    crcValid,
    compression: codecName(h.attributes & 0x07),
    timestampType: isLogAppendTime(h.attributes) ? 'LogAppendTime' : 'CreateTime',
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    transactional: isTransactional(h.attributes),
    control: isControl(h.attributes),
  };
  if (!printRecords) return out;
  try {
    const b = decodeBatch(buf, h.position, { verifyCrc: false });
    out.records = b.records.map((r) => ({
      offset: r.offset,
      timestamp: r.timestamp,
      keySize: r.key ? r.key.length : -1,
      valueSize: r.value ? r.value.length : -1,
      headerKeys: r.headers.map((x) => x.key),
      key: showBytes(r.key),
      value: showBytes(r.value),
    }));
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

/** Every batch of a `.log` file; `withRecords` also decodes (and decompresses) the records. */
export function dumpLog(file: string, buf: Buffer, baseOffset: number, withRecords: boolean): SegmentDump {
  const batches: DumpedBatch[] = [];
  const problems: string[] = [];
  let pos = 0;
  let trailingBytes = 0;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < 0) {
      trailingBytes = buf.length - pos;
      problems.push(`${trailingBytes} trailing byte(s) at position ${pos} do not form a whole batch (torn write)`);
      break;
    }
    let h: BatchHeader;
    try {
      h = readBatchHeader(buf, pos);
    } catch (e) {
      problems.push((e as Error).message);
      break;
    }
    const b = batchOf(buf, h, true);
    if (!b.crcValid)
      problems.push(
        `batch at position ${pos} (offsets ${b.baseOffset}-${b.lastOffset}) fails its CRC-32C check (stored ${h.crc})`,
      );
    if (b.error) problems.push(`batch at position ${pos}: ${b.error}`);
    if (!withRecords) {
      // Decoded anyway to find corrupt records; only shown with --print-data or in JSON.
      for (const r of b.records ?? []) {
        delete r.key;
        delete r.value;
      }
    }
    batches.push(b);
    pos += size;
  }
  return { file, kind: 'log', baseOffset, batches, trailingBytes, problems };
}

/** Kafka preallocates index files with zeros: a zero entry after the first ends the index. */
function readOffsetIndex(buf: Buffer, baseOffset: number): IndexEntryDump[] {
  const out: IndexEntryDump[] = [];
  for (let at = 0; at + 8 <= buf.length; at += 8) {
    const rel = buf.readInt32BE(at);
    const position = buf.readInt32BE(at + 4);
    if (at > 0 && rel === 0 && position === 0) break;
    out.push({ offset: baseOffset + rel, position });
  }
  return out;
}

function readTimeIndex(buf: Buffer, baseOffset: number): IndexEntryDump[] {
  const out: IndexEntryDump[] = [];
  for (let at = 0; at + 12 <= buf.length; at += 12) {
    const ts = Number(buf.readBigInt64BE(at));
    const rel = buf.readInt32BE(at + 8);
    if (at > 0 && ts === 0 && rel === 0) break;
    out.push({ offset: baseOffset + rel, timestamp: ts });
  }
  return out;
}

/** The .log next to an index file, or undefined when it is missing. */
function siblingLog(file: string, baseOffset: number): { path: string; buf: Buffer } | undefined {
  const path = join(dirname(file), `${String(baseOffset).padStart(20, '0')}.log`);
  return existsSync(path) ? { path, buf: readFileSync(path) } : undefined;
}

/** Offset index: ascending, every entry points at a batch whose last offset is the entry's offset. */
export function checkOffsetIndex(entries: readonly IndexEntryDump[], log: SegmentDump): string[] {
  const problems: string[] = [];
  const byPosition = new Map((log.batches ?? []).map((b) => [b.position, b]));
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    if (prev && (e.offset <= prev.offset || (e.position ?? 0) <= (prev.position ?? 0)))
      problems.push(
        `index entry ${i} (offset ${e.offset}, position ${e.position}) is not above entry ${i - 1} (offset ${prev.offset}, position ${prev.position})`,
      );
    const b = byPosition.get(e.position ?? -1);
    if (!b)
      problems.push(`index entry ${i}: position ${e.position} is not the start of a batch in ${basename(log.file)}`);
    else if (b.lastOffset !== e.offset)
      problems.push(`index entry ${i}: index offset ${e.offset}, log offset ${b.lastOffset} at position ${e.position}`);
  });
  return problems;
}

/** Time index: timestamps and offsets ascending, each entry's record exists and carries that timestamp. */
export function checkTimeIndex(entries: readonly IndexEntryDump[], log: SegmentDump): string[] {
  const problems: string[] = [];
  const tsByOffset = new Map<number, number>();
  for (const b of log.batches ?? [])
    for (const r of b.records ?? [])
      tsByOffset.set(r.offset, b.timestampType === 'LogAppendTime' ? b.maxTimestamp : r.timestamp);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    if (prev && ((e.timestamp ?? 0) <= (prev.timestamp ?? 0) || e.offset < prev.offset))
      problems.push(
        `time index entry ${i} (timestamp ${e.timestamp}, offset ${e.offset}) is not above entry ${i - 1} (timestamp ${prev.timestamp}, offset ${prev.offset})`,
      );
    const ts = tsByOffset.get(e.offset);
    if (ts === undefined) problems.push(`time index entry ${i}: offset ${e.offset} is not in ${basename(log.file)}`);
    else if (ts !== e.timestamp)
      problems.push(`time index entry ${i}: index timestamp ${e.timestamp}, record at offset ${e.offset} has ${ts}`);
  });
  return problems;
}

/** Dumps one segment file (kind from its extension); throws a plain Error for unreadable input. */
export function dumpSegmentFile(file: string, opts: DumpOptions = {}): SegmentDump {
  const m = SEGMENT_NAME.exec(basename(file));
  if (!m) throw new Error(`${file}: not a Kafka segment file (expected <20-digit base offset>.log|.index|.timeindex)`);
  const baseOffset = Number(m[1]);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (m[2] === 'log') return dumpLog(file, buf, baseOffset, opts.printData === true);
  const kind = m[2] as 'index' | 'timeindex';
  const entrySize = kind === 'index' ? 8 : 12;
  const entries = kind === 'index' ? readOffsetIndex(buf, baseOffset) : readTimeIndex(buf, baseOffset);
  const problems: string[] = [];
  if (buf.length % entrySize !== 0)
    problems.push(`file size ${buf.length} is not a multiple of the ${entrySize}-byte entry size`);
  if (opts.indexSanityCheck) {
    const log = siblingLog(file, baseOffset);
    if (!log) problems.push(`no ${String(baseOffset).padStart(20, '0')}.log next to the index: cannot check it`);
    else {
      const dumped = dumpLog(log.path, log.buf, baseOffset, false);
      problems.push(...(kind === 'index' ? checkOffsetIndex(entries, dumped) : checkTimeIndex(entries, dumped)));
    }
  }
  return { file, kind, baseOffset, entries, problems };
}

/** DumpLogSegments-style text, one line per batch/record/entry. */
export function renderSegmentDump(d: SegmentDump, opts: DumpOptions): string {
  const out: string[] = [`Dumping ${d.file}`, `Starting offset: ${d.baseOffset}`];
  for (const b of d.batches ?? []) {
    const ts = `${b.timestampType}: ${b.maxTimestamp}`;
    const lastSeq = b.baseSequence < 0 ? -1 : b.baseSequence + b.lastOffset - b.baseOffset;
    out.push(
      `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.count} baseSequence: ${b.baseSequence} lastSequence: ${lastSeq} producerId: ${b.producerId} producerEpoch: ${b.producerEpoch} partitionLeaderEpoch: ${b.partitionLeaderEpoch} isTransactional: ${b.transactional} isControl: ${b.control} position: ${b.position} ${ts} size: ${b.size} magic: ${b.magic} compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.crcValid}`,
    );
    if (opts.printData)
      for (const r of b.records ?? [])
        out.push(
          `| offset: ${r.offset} ${b.timestampType}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize} headerKeys: [${r.headerKeys.join(',')}] key: ${r.key ?? 'null'} payload: ${r.value ?? 'null'}`,
        );
    if (b.error) out.push(`| could not decode records: ${b.error}`);
  }
  for (const e of d.entries ?? [])
    out.push(
      d.kind === 'index'
        ? `offset: ${e.offset} position: ${e.position}`
        : `timestamp: ${e.timestamp} offset: ${e.offset}`,
    );
  if (d.kind === 'log') {
    const records = (d.batches ?? []).reduce((n, b) => n + b.count, 0);
    out.push(`Batches: ${d.batches?.length ?? 0}, records: ${records}`);
  }
  if (opts.indexSanityCheck && d.kind !== 'log' && d.problems.length === 0)
    out.push(`${basename(d.file)} passed the sanity check.`);
  for (const p of d.problems) out.push(`PROBLEM: ${p}`);
  return out.join('\n') + '\n';
}
