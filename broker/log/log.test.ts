// Partition log: Kafka layout, append/read, restart, retention, compaction, time index, truncation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionCodec, decodeBatches, readBatchHeader } from '../../protocol/record-batch/index.js';
import {
  LogManager,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  CorruptRecordError,
  InvalidRecordError,
} from './index.js';
import { batch, readAll, tempDir } from './test-helpers.js';

describe('partition log basics', () => {
  it('assigns offsets in place, writes Kafka-layout segments with sparse indexes and reads whole batches', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { segmentBytes: 4096, indexIntervalBytes: 1024 } });
    const log = logs.getOrCreate('orders', 0);
    let expected = 0;
    for (let i = 0; i < 60; i++) {
      const b = batch(['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(100)], { compression: i % 5 });
      const r = log.append(b);
      assert.equal(r.firstOffset, expected);
      assert.equal(r.lastOffset, expected + 2);
      assert.equal(readBatchHeader(b).baseOffset, expected, 'baseOffset patched in the caller buffer');
      expected += 3;
    }
    assert.equal(log.logEndOffset(), 180);
    assert.ok(log.numSegments() > 2);
    const pdir = join(dir, 'orders-0');
    const files = readdirSync(pdir);
    assert.ok(files.includes('00000000000000000000.log'));
    assert.ok(files.includes('00000000000000000000.index'));
    assert.ok(files.includes('00000000000000000000.timeindex'));
    logs.close();
    // Index entries are (relative offset, position) pointing at batch starts in the .log.
    const idx = readFileSync(join(pdir, '00000000000000000000.index'));
    const seg = readFileSync(join(pdir, '00000000000000000000.log'));
    assert.ok(idx.length >= 8 && idx.length % 8 === 0);
    for (let at = 0; at < idx.length; at += 8) {
      const h = readBatchHeader(seg, idx.readInt32BE(at + 4));
      assert.equal(h.baseOffset + h.lastOffsetDelta, idx.readInt32BE(at));
    }
    assert.equal(statSync(join(pdir, '00000000000000000000.timeindex')).size % 12, 0);

    const again = LogManager.open({ dir, defaults: { segmentBytes: 4096, indexIntervalBytes: 1024 } });
    assert.equal(again.recoveredFromCrash, false);
    const l2 = again.get('orders', 0)!;
    assert.equal(l2.logEndOffset(), 180);
    const all = readAll(l2);
    assert.deepEqual(
      all.map((r) => r.offset),
      Array.from({ length: 180 }, (_, i) => i),
    );
    // Read from the middle of a batch starts at that batch; maxBytes tiny still returns one whole batch.
    const r = l2.read(100, 1);
    const bs = decodeBatches(Buffer.concat(r.records));
    assert.equal(bs.length, 1);
    assert.equal(bs[0].header.baseOffset, 99);
    // maxOffset (high watermark) excludes batches reaching it.
    assert.equal(l2.read(99, 1 << 20, 101).bytes, 0);
    assert.equal(decodeBatches(Buffer.concat(l2.read(96, 1 << 20, 102).records)).at(-1)!.header.baseOffset, 99);
    assert.equal(l2.read(180, 100).bytes, 0);
    assert.throws(() => l2.read(181, 100), OffsetOutOfRangeError);
    assert.equal(l2.append(batch(['next'])).firstOffset, 180, 'offsets continue after restart');
    again.close();
  });

  it('rejects corrupt batches, batches over max.message.bytes and keyless records on compacted topics', () => {
    const logs = LogManager.open({ dir: tempDir() });
    const log = logs.getOrCreate('t', 0, { 'max.message.bytes': '500' });
    const bad = batch(['x']);
    bad[bad.length - 1] ^= 1;
    assert.throws(() => log.append(bad), CorruptRecordError);
    assert.throws(() => log.append(batch(['y'.repeat(600)])), RecordTooLargeError);
    const c = logs.getOrCreate('c', 0, { cleanupPolicy: 'compact' });
    assert.throws(() => c.append(batch(['v'], { keys: [null] })), InvalidRecordError);
    assert.equal(log.logEndOffset(), 0);
    logs.close();
  });

  it('follower appends keep the leader offsets and truncateTo cuts at batch boundaries', () => {
    const logs = LogManager.open({ dir: tempDir(), defaults: { segmentBytes: 1000 } });
    const log = logs.getOrCreate('f', 0);
    for (let i = 0; i < 20; i++)
      log.appendAsFollower(batch(['a'.repeat(80), 'b'], { baseOffset: i * 2, partitionLeaderEpoch: i < 10 ? 1 : 2 }));
    assert.equal(log.logEndOffset(), 40);
    assert.deepEqual(log.endOffsetForEpoch(1), { leaderEpoch: 1, endOffset: 20 });
    assert.deepEqual(log.endOffsetForEpoch(2), { leaderEpoch: 2, endOffset: 40 });
    assert.throws(() => log.appendAsFollower(batch(['z'], { baseOffset: 5 })), CorruptRecordError);
    assert.equal(log.truncateTo(25), 24, 'mid-batch truncation drops the whole batch');
    assert.equal(log.latestEpoch(), 2);
    assert.equal(log.truncateTo(19), 18);
    assert.equal(log.latestEpoch(), 1);
    assert.deepEqual(
      readAll(log).map((r) => r.offset),
      Array.from({ length: 18 }, (_, i) => i),
    );
    const r = log.appendAsLeader(batch(['new']), 3);
    assert.equal(r.firstOffset, 18);
    assert.deepEqual(log.endOffsetForEpoch(1), { leaderEpoch: 1, endOffset: 18 });
    assert.equal(readBatchHeader(Buffer.concat(log.read(18, 100).records)).partitionLeaderEpoch, 3);
    logs.close();
    const again = LogManager.open({ dir: logs.dir });
    const l2 = again.get('f', 0)!;
    assert.deepEqual(
      l2.endOffsetForEpoch(3),
      { leaderEpoch: 3, endOffset: 19 },
      'leader-epoch-checkpoint survives restart',
    );
    assert.deepEqual(l2.endOffsetForEpoch(2), { leaderEpoch: 1, endOffset: 18 });
    assert.equal(l2.truncateTo(0), 0);
    assert.equal(l2.logEndOffset(), 0);
    assert.equal(l2.latestEpoch(), -1);
    again.close();
  });

  it('finds offsets by timestamp through the time index', () => {
    const logs = LogManager.open({ dir: tempDir(), defaults: { segmentBytes: 2000, indexIntervalBytes: 100 } });
    const log = logs.getOrCreate('ts', 0);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 50; i++)
      log.append(
        batch(['v'.repeat(40), 'w'], {
          timestamp: t0 + i * 1000,
          compression: i % 2 ? CompressionCodec.Gzip : CompressionCodec.None,
        }),
      );
    assert.ok(log.numSegments() > 1);
    assert.deepEqual(log.offsetForTimestamp(t0), { offset: 0, timestamp: t0 });
    assert.deepEqual(log.offsetForTimestamp(t0 + 20_500), { offset: 42, timestamp: t0 + 21_000 });
    assert.deepEqual(log.offsetForTimestamp(t0 + 49_000), { offset: 98, timestamp: t0 + 49_000 });
    assert.equal(log.offsetForTimestamp(t0 + 50_000), null);
    logs.close();
  });

  it('uses LogAppendTime when the topic asks for it', () => {
    const logs = LogManager.open({ dir: tempDir() });
    const log = logs.getOrCreate('lat', 0, { 'message.timestamp.type': 'LogAppendTime' });
    const r = log.append(batch(['a', 'b'], { timestamp: 5 }), { now: 1_750_000_000_000 });
    assert.equal(r.logAppendTime, 1_750_000_000_000);
    const b = decodeBatches(Buffer.concat(log.read(0, 1000).records))[0];
    assert.deepEqual(
      b.records.map((x) => x.timestamp),
      [1_750_000_000_000, 1_750_000_000_000],
    );
    logs.close();
  });
});

describe('retention', () => {
  it('deletes whole segments by retention.bytes and retention.ms and advances the log start offset', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { segmentBytes: 1000 } });
    const log = logs.getOrCreate('r', 0, { 'retention.bytes': '3000' });
    const now = Date.now();
    for (let i = 0; i < 40; i++) log.append(batch(['x'.repeat(150)], { timestamp: now - 100_000 + i }));
    const before = log.numSegments();
    assert.ok(before >= 6);
    const rep = logs.runMaintenance(now);
    assert.ok(rep.segmentsDeleted > 0);
    assert.ok(log.sizeBytes() <= 3000 + 1000);
    assert.ok(log.logStartOffset() > 0);
    assert.equal(log.logStartOffset(), log.segmentInfo()[0].baseOffset);
    assert.throws(() => log.read(0, 100), OffsetOutOfRangeError);
    assert.equal(readAll(log)[0].offset, log.logStartOffset());
    logs.setTopicConfig('r', { 'retention.ms': '50000', 'retention.bytes': '-1' });
    logs.runMaintenance(now);
    assert.equal(log.logStartOffset(), 40, 'every segment expired: the active one was rolled and deleted');
    assert.equal(log.logEndOffset(), 40);
    assert.equal(log.append(batch(['after'])).firstOffset, 40);
    logs.close();
    const again = LogManager.open({ dir });
    assert.equal(again.get('r', 0)!.logStartOffset(), 40);
    again.close();
  });

  it('deleteRecordsBefore moves the log start offset and it survives restart', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { segmentBytes: 600 } });
    const log = logs.getOrCreate('d', 0);
    for (let i = 0; i < 30; i++) log.append(batch(['y'.repeat(60)]));
    assert.equal(log.deleteRecordsBefore(17), 17);
    assert.ok(log.segmentInfo()[0].baseOffset <= 17);
    assert.equal(readAll(log)[0].offset, 17);
    assert.throws(() => log.deleteRecordsBefore(31), OffsetOutOfRangeError);
    logs.close();
    const again = LogManager.open({ dir });
    assert.equal(again.get('d', 0)!.logStartOffset(), 17);
    again.close();
  });
});

describe('compaction', () => {
  it('keeps the latest value per key across compressed segments, keeps offsets, drops old tombstones', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { segmentBytes: 700 } });
    const log = logs.getOrCreate('c', 0, { 'cleanup.policy': 'compact', 'delete.retention.ms': '1000' });
    const old = Date.now() - 60_000;
    const latest = new Map<string, { offset: number; value: string | null }>();
    for (let i = 0; i < 60; i++) {
      // One long-lived key per few records plus three hot keys: cleaned segments shrink enough to merge.
      const key = i % 7 === 0 ? `sticky-${i}` : `hot-${i % 3}`;
      const value = i === 49 ? null : `v${i}`;
      const r = log.append(
        batch([value as string], { keys: [key], timestamp: old + i, compression: (i % 5) as CompressionCodec }),
      );
      latest.set(key, { offset: r.firstOffset, value });
    }
    log.append(batch(['tail'], { keys: ['key-tail'] }));
    const sizeBefore = log.sizeBytes();
    const segmentsBefore = log.segmentInfo();
    const second = readFileSync(join(dir, 'c-0', String(segmentsBefore[1].baseOffset).padStart(20, '0') + '.log'));
    const rep = logs.runMaintenance(Date.now());
    assert.ok(rep.compaction.recordsRemoved > 0);
    assert.ok(log.sizeBytes() < sizeBefore);
    assert.ok(
      (rep.compaction.segmentsMerged ?? 0) > 0 && log.numSegments() < segmentsBefore.length,
      'small cleaned segments merged',
    );
    const recs = readAll(log);
    const seen = new Map(recs.map((r) => [r.key!, r]));
    for (const [key, { offset, value }] of latest) {
      if (value === null) {
        // sticky-49's tombstone sits in a segment older than delete.retention.ms unless it is in the active segment.
        const inActive = offset >= log.segmentInfo().at(-1)!.baseOffset;
        assert.equal(seen.has(key), inActive, `tombstone for ${key}`);
        continue;
      }
      assert.equal(seen.get(key)?.offset, offset, `latest ${key} kept at its offset`);
      assert.equal(seen.get(key)?.value, value);
    }
    for (let i = 1; i < recs.length; i++) assert.ok(recs[i].offset > recs[i - 1].offset);
    assert.equal(log.logEndOffset(), 61);
    assert.equal(log.append(batch(['x'], { keys: ['k'] })).firstOffset, 61);
    logs.close();
    // A crash between the merge's rename and the deletion of the merged-away segments leaves one behind.
    writeFileSync(join(dir, 'c-0', String(segmentsBefore[1].baseOffset).padStart(20, '0') + '.log'), second);
    const again = LogManager.open({ dir });
    const l2 = again.get('c', 0)!;
    assert.deepEqual(readAll(l2).slice(0, recs.length), recs);
    assert.equal(l2.numSegments(), log.numSegments());
    again.close();
  });
});

describe('tombstones on an idle compacted topic', () => {
  it('keeps a tombstone for delete.retention.ms, then removes it without new writes', () => {
    const logs = LogManager.open({ dir: tempDir(), defaults: { segmentBytes: 300 } });
    const log = logs.getOrCreate('idle', 0, { 'cleanup.policy': 'compact', 'delete.retention.ms': '60000' });
    const t = Date.now();
    log.append(batch(['v1'], { keys: ['gone'], timestamp: t }));
    log.append(batch([null as unknown as string], { keys: ['gone'], timestamp: t }));
    log.append(batch(['x'.repeat(300)], { keys: ['other'], timestamp: t }));
    log.append(batch(['tail'], { keys: ['tail'], timestamp: t }));
    logs.runMaintenance(t + 1000);
    assert.deepEqual(
      readAll(log)
        .filter((r) => r.key === 'gone')
        .map((r) => r.value),
      [null],
      'tombstone kept, old value gone',
    );
    logs.runMaintenance(t + 61_000);
    assert.deepEqual(
      readAll(log).filter((r) => r.key === 'gone'),
      [],
      'tombstone removed after delete.retention.ms',
    );
    assert.equal(log.logEndOffset(), 4);
    logs.close();
  });
});

describe('flush policy and configs', () => {
  it('flush.messages and flush.ms trigger fsyncs; Kafka config names parse with clear errors', async () => {
    const { parseKafkaLogConfig, InvalidLogConfigError } = await import('./index.js');
    const logs = LogManager.open({ dir: tempDir() });
    const every = logs.getOrCreate('every', 0, { 'flush.messages': '1' });
    every.append(batch(['durable']));
    const timed = logs.getOrCreate('timed', 0, { 'flush.ms': '0' });
    timed.append(batch(['later']));
    assert.equal(logs.runMaintenance().flushed, 1, 'only the log with unflushed data older than flush.ms');
    assert.deepEqual(
      parseKafkaLogConfig({ 'retention.ms': '60000', 'cleanup.policy': 'delete,compact', 'unknown.thing': 'x' }),
      { retentionMs: 60000, cleanupPolicy: 'compact,delete' },
    );
    assert.throws(
      () => parseKafkaLogConfig({ 'segment.bytes': 'big' }),
      (e: unknown) => e instanceof InvalidLogConfigError && e.configName === 'segment.bytes',
    );
    assert.throws(() => logs.setTopicConfig('x', { 'cleanup.policy': 'shred' }), /cleanup.policy/);
    logs.close();
  });
});

describe('rolling and deletion', () => {
  it('segment.index.bytes and segment.ms roll the active segment; delete/deleteTopic remove the directories', async () => {
    const { existsSync } = await import('node:fs');
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { indexIntervalBytes: 0, segmentIndexBytes: 40 } });
    const log = logs.getOrCreate('idx', 0);
    for (let i = 0; i < 12; i++) log.append(batch([`v${i}`]));
    // 5 entries of 8 bytes fill a 40-byte index: segments hold about 6 batches each.
    assert.ok(log.numSegments() >= 2, `rolled on a full index (${log.numSegments()} segments)`);
    const timed = logs.getOrCreate('timed', 0, { 'segment.ms': '1' });
    timed.append(batch(['a']));
    await new Promise((r) => setTimeout(r, 5));
    timed.append(batch(['b']));
    assert.equal(timed.numSegments(), 2);
    const used = logs.usedBytes();
    logs.delete('timed', 0);
    assert.equal(existsSync(join(dir, 'timed-0')), false);
    assert.ok(logs.usedBytes() < used);
    logs.getOrCreate('idx', 1).append(batch(['p1']));
    logs.deleteTopic('idx');
    assert.equal(existsSync(join(dir, 'idx-0')) || existsSync(join(dir, 'idx-1')), false);
    assert.equal(logs.usedBytes(), 0);
    assert.equal(logs.all().length, 0);
    logs.close();
  });
});
