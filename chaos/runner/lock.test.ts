import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { lockFileFor, TargetLock, TargetLockedError } from './lock.js';

const info = { runId: 'r1', spec: 's', target: '127.0.0.1:9092' };

test('a second drill on the same target is refused while the first holds the lock', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lock-'));
  try {
    const { lock, stale } = await TargetLock.acquire(dir, info);
    assert.equal(stale, undefined);
    await assert.rejects(
      TargetLock.acquire(dir, { ...info, runId: 'r2' }),
      (e: unknown) => e instanceof TargetLockedError && /locked by game day "s" \(run r1/.test((e as Error).message),
    );
    await lock.release();
    const again = await TargetLock.acquire(dir, { ...info, runId: 'r3' });
    await again.lock.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a stale lock from a dead process is taken over with its leftovers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lock-'));
  try {
    const { lock } = await TargetLock.acquire(dir, info);
    await lock.addLeftover({ fault: 'lat', type: 'network-latency', data: { proxies: ['p'], toxics: ['t'] } });
    // Pretend the holder died: a pid that cannot exist.
    const file = lockFileFor(dir, info.target);
    const content = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...content, pid: 2 ** 22 + 7, host: hostname() }));
    const { lock: next, stale } = await TargetLock.acquire(dir, { ...info, runId: 'r2' });
    assert.equal(stale?.runId, 'r1');
    assert.deepEqual(
      next.leftovers.map((l) => l.fault),
      ['lat'],
    );
    await next.removeLeftover('lat');
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).leftovers, []);
    await next.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
