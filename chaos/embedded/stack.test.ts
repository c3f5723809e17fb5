// The embedded stack's last resort after a graceful stop: SIGKILL the broker PIDs it recorded,
// but only those still naming the process recorded. A recorded PID now held by an unrelated
// process (simulated: the record's start time is not that process's) is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processIdentity } from '../../common/index.js';
import { killLeftBehind } from './stack.js';

test('killLeftBehind kills recorded brokers still running and spares a PID taken by another process', async () => {
  const leftBehind = spawn('sleep', ['30'], { stdio: 'ignore' });
  const unrelated = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const real = processIdentity(leftBehind.pid!)!;
    const now = processIdentity(unrelated.pid!)!;
    const reused = { pid: unrelated.pid!, startTime: String(Number(now.startTime) - 5) };
    const r = killLeftBehind([real, reused]);
    assert.deepEqual(r, { killed: [leftBehind.pid], spared: [unrelated.pid] });
    await once(leftBehind, 'exit');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(unrelated.exitCode, null, 'the unrelated process was not signalled');
    assert.equal(unrelated.signalCode, null);
  } finally {
    leftBehind.kill('SIGKILL');
    unrelated.kill('SIGKILL');
  }
});
