// PID + start time: a recorded PID now held by another process is not signalled; the recorded
// process itself is. Real child processes (`sleep`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processIdentity, signalIfSame, stillSameProcess } from './process-identity.js';

function sleeper() {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  return child;
}

test('signalIfSame spares a PID that now names another process and kills the one recorded', async () => {
  const owned = sleeper();
  const unrelated = sleeper();
  try {
    const id = processIdentity(owned.pid!);
    assert.ok(id?.startTime, 'start time read from /proc');
    assert.ok(stillSameProcess(id));
    // The record an owner kept from before: same PID, but the process then started at another
    // time. That is what a reused PID looks like, so the process now on it is left alone.
    const reused = { pid: unrelated.pid!, startTime: String(Number(processIdentity(unrelated.pid!)!.startTime) - 1) };
    assert.equal(stillSameProcess(reused), false);
    assert.equal(signalIfSame(reused, 'SIGKILL'), 'replaced');
    assert.equal(signalIfSame(id, 'SIGKILL'), 'signalled');
    await once(owned, 'exit');
    assert.equal(unrelated.exitCode, null, 'the unrelated process still runs');
    assert.equal(unrelated.signalCode, null);
    assert.equal(signalIfSame(id, 'SIGKILL'), 'gone');
  } finally {
    owned.kill('SIGKILL');
    unrelated.kill('SIGKILL');
  }
});
