// Crash recovery, producer state across restarts, and log-directory failures (capacity, EACCES, ENOENT).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { LogManager, StorageError, OutOfOrderSequenceError, InvalidProducerEpochError, errorCodeOf } from './index.js';
import { batch, readAll, tempDir } from './test-helpers.js';

const seg0 = (dir: string, tp: string, ext = '.log') => join(dir, tp, '00000000000000000000' + ext);

/** Leaves a log dir as a crashed process would: data written, no clean-shutdown marker, indexes lagging. */
function crash(logs: LogManager): void {
  logs.stopMaintenance();
  // No close(): the marker is never written. Drop the object.
}

describe('crash recovery', () => {
  it('truncates a torn tail and keeps every complete batch', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir });
    const log = logs.getOrCreate('t', 0);
    for (let i = 0; i < 10; i++) log.append(batch([`v${i}`, `w${i}`]));
    crash(logs);
    const size = statSync(seg0(dir, 't-0')).size;
    appendFileSync(seg0(dir, 't-0'), batch(['half written']).subarray(0, 30));
    const again = LogManager.open({ dir });
    assert.equal(again.recoveredFromCrash, true);
    const l2 = again.get('t', 0)!;
    assert.equal(l2.logEndOffset(), 20);
    assert.equal(statSync(seg0(dir, 't-0')).size, size);
    assert.equal(l2.recoveries[0].truncatedBytes, 30);
    assert.equal(l2.append(batch(['next'])).firstOffset, 20);
    assert.equal(readAll(l2).length, 21);
    again.close();
  });

  it('truncates at a batch whose CRC fails (flipped byte) and never serves it', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir });
    const log = logs.getOrCreate('t', 0);
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) sizes.push(log.append(batch([`value-${i}`])).bytes);
    crash(logs);
    const path = seg0(dir, 't-0');
    const bytes = readFileSync(path);
    const sixth = sizes.slice(0, 6).reduce((a, b) => a + b, 0);
    bytes[sixth + 70] ^= 0x40;
    writeFileSync(path, bytes);
    const again = LogManager.open({ dir });
    const l2 = again.get('t', 0)!;
    assert.equal(l2.logEndOffset(), 6);
    assert.match(l2.recoveries[0].reason ?? '', /CRC/);
    assert.deepEqual(
      readAll(l2).map((r) => r.value),
      [0, 1, 2, 3, 4, 5].map((i) => `value-${i}`),
    );
    again.close();
  });

  it('rebuilds a missing or garbage index, even after a clean shutdown', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { indexIntervalBytes: 50 } });
    const log = logs.getOrCreate('t', 0);
    for (let i = 0; i < 40; i++) log.append(batch([`value-${i}`]));
    logs.close();
    const good = readFileSync(seg0(dir, 't-0', '.index'));
    assert.ok(good.length > 0);
    writeFileSync(seg0(dir, 't-0', '.index'), Buffer.from('garbage!garbage!'));
    rmSync(seg0(dir, 't-0', '.timeindex'));
    const again = LogManager.open({ dir, defaults: { indexIntervalBytes: 50 } });
    const l2 = again.get('t', 0)!;
    assert.equal(l2.logEndOffset(), 40);
    assert.deepEqual(readFileSync(seg0(dir, 't-0', '.index')), good);
    assert.equal(readAll(l2, 33)[0].offset, 33);
    again.close();
  });

  it('a corrupted byte in a live segment is not served by read', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir });
    const log = logs.getOrCreate('t', 0);
    const a = log.append(batch(['first'])).bytes;
    log.append(batch(['second']));
    const path = seg0(dir, 't-0');
    const bytes = readFileSync(path);
    bytes[a + 65] ^= 1;
    writeFileSync(path, bytes);
    const r = log.read(0, 1 << 20);
    assert.equal(r.bytes, a, 'only the intact first batch');
    assert.throws(() => log.read(1, 1 << 20), StorageError);
    logs.close();
  });
});

describe('idempotent producer state', () => {
  const pid = { producerId: 1000, producerEpoch: 0 };
  it('returns the original offsets for an exact retry, rejects gaps and fenced epochs, and survives restart', () => {
    const dir = tempDir();
    let logs = LogManager.open({ dir, defaults: { segmentBytes: 500 } });
    let log = logs.getOrCreate('p', 0);
    const appended = [];
    for (let s = 0; s < 12; s++) appended.push(log.append(batch([`m${s}`, `n${s}`], { ...pid, baseSequence: s * 2 })));
    const retry = log.append(batch(['m11', 'n11'], { ...pid, baseSequence: 22 }));
    assert.equal(retry.duplicate, true);
    assert.equal(retry.firstOffset, appended[11].firstOffset);
    assert.equal(retry.records, 0);
    assert.equal(log.logEndOffset(), 24);
    assert.throws(() => log.append(batch(['gap'], { ...pid, baseSequence: 30 })), OutOfOrderSequenceError);
    try {
      log.append(batch(['gap'], { ...pid, baseSequence: 30 }));
    } catch (err) {
      assert.equal(errorCodeOf(err), 45);
    }
    logs.close();

    logs = LogManager.open({ dir, defaults: { segmentBytes: 500 } });
    log = logs.get('p', 0)!;
    const retry2 = log.append(batch(['m11', 'n11'], { ...pid, baseSequence: 22 }));
    assert.equal(retry2.duplicate, true, 'duplicate detected after a clean restart');
    assert.equal(retry2.firstOffset, 22);
    assert.throws(() => log.append(batch(['gap'], { ...pid, baseSequence: 25 })), OutOfOrderSequenceError);
    assert.equal(log.append(batch(['ok'], { ...pid, baseSequence: 24 })).firstOffset, 24);
    crash(logs);

    logs = LogManager.open({ dir, defaults: { segmentBytes: 500 } });
    log = logs.get('p', 0)!;
    assert.equal(
      log.append(batch(['ok'], { ...pid, baseSequence: 24 })).duplicate,
      true,
      'duplicate detected after a crash (replay from snapshot)',
    );
    assert.equal(
      log.append(batch(['new epoch'], { producerId: 1000, producerEpoch: 1, baseSequence: 0 })).firstOffset,
      25,
    );
    assert.throws(() => log.append(batch(['old'], { ...pid, baseSequence: 25 })), InvalidProducerEpochError);
    assert.throws(
      () => log.append(batch(['bad start'], { producerId: 1000, producerEpoch: 2, baseSequence: 5 })),
      OutOfOrderSequenceError,
    );
    logs.close();
  });
});

describe('log directory failures', () => {
  it('goes offline at the capacity limit and comes back when the limit is raised or retention frees space', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, capacityBytes: 3000, defaults: { segmentBytes: 1000 } });
    const log = logs.getOrCreate('full', 0, { 'retention.bytes': '1500' });
    let err: unknown;
    try {
      for (let i = 0; i < 100; i++) log.append(batch(['z'.repeat(200)]));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof StorageError, 'append fails with a storage error');
    assert.equal(errorCodeOf(err), 56);
    assert.match((err as Error).message, /capacity/);
    assert.equal(logs.offline, true);
    assert.equal(logs.offlineLogDirectoryCount(), 1);
    assert.throws(() => log.read(0, 100), StorageError);
    const st = logs.state();
    assert.equal(st.totalBytes, 3000);
    assert.ok(st.usableBytes < 300);
    logs.runMaintenance();
    assert.equal(logs.offline, false, 'retention freed space');
    assert.equal(logs.offlineLogDirectoryCount(), 0);
    logs.setTopicConfig('full', { 'retention.bytes': '-1' });
    assert.throws(() => {
      for (let i = 0; i < 100; i++) log.append(batch(['z'.repeat(200)]));
    }, StorageError);
    logs.setCapacityBytes(1_000_000);
    assert.equal(logs.offline, false, 'raising the limit brings it back');
    log.append(batch(['works again']));
    logs.close();
  });

  it('a real I/O error (partition dir removed under the broker) takes the dir offline instead of crashing', () => {
    const dir = tempDir();
    const logs = LogManager.open({ dir, defaults: { segmentBytes: 300 } });
    const log = logs.getOrCreate('gone', 0);
    log.append(batch(['x'.repeat(200)]));
    rmSync(join(dir, 'gone-0'), { recursive: true });
    assert.throws(
      () => log.append(batch(['y'.repeat(200)])),
      (e: unknown) => e instanceof StorageError && /ENOENT/.test(e.message),
    );
    assert.equal(logs.offlineLogDirectoryCount(), 1);
    assert.throws(() => logs.getOrCreate('other', 0), StorageError);
    mkdirSync(join(dir, 'gone-0'));
    assert.equal(logs.tryBringOnline(), true);
    logs.close();
  });

  it('a partition that cannot be opened at start takes the dir offline instead of failing the start', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bad-0', '00000000000000000000.log'), { recursive: true });
    const logs = LogManager.open({ dir });
    assert.equal(logs.offlineLogDirectoryCount(), 1);
    assert.match(logs.offlineReason ?? '', /bad-0.*EISDIR/);
    assert.throws(() => logs.getOrCreate('good', 0), StorageError);
    logs.close();
  });

  it('EACCES (run as an unprivileged user) takes the dir offline with a clear error', () => {
    const dir = tempDir();
    const work = join(dir, 'logs');
    mkdirSync(work);
    const script = join(dir, 'eacces.ts');
    writeFileSync(
      script,
      `import { chmodSync } from 'node:fs';
import { LogManager } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
import { buildRecordBatch } from ${JSON.stringify(new URL('../../protocol/record-batch/index.ts', import.meta.url).pathname)};
const logs = LogManager.open({ dir: ${JSON.stringify(work)}, defaults: { segmentBytes: 300 } });
const log = logs.getOrCreate('ro', 0);
log.append(buildRecordBatch([{ value: 'x'.repeat(200) }]));
chmodSync(${JSON.stringify(join(work, 'ro-0'))}, 0o555);
let error = '';
try { log.append(buildRecordBatch([{ value: 'y'.repeat(200) }])); } catch (e) { error = (e as Error).name + ': ' + (e as Error).message; }
console.log(JSON.stringify({ error, offline: logs.offlineLogDirectoryCount() }));
`,
    );
    const isRoot = process.getuid?.() === 0;
    if (isRoot) {
      chownSync(dir, 65534, 65534);
      chownSync(work, 65534, 65534);
      chownSync(script, 65534, 65534);
      chmodSync(dir, 0o755);
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      cwd: process.cwd(),
      uid: isRoot ? 65534 : undefined,
      gid: isRoot ? 65534 : undefined,
      env: { ...process.env, HOME: dir, TSX_DISABLE_CACHE: '1' },
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { error: string; offline: number };
    assert.match(out.error, /^StorageError: .*EACCES/);
    assert.equal(out.offline, 1);
    if (isRoot) chownSync(dir, 0, 0);
  });
});
