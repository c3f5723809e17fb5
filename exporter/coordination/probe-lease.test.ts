// The fleet's probe runs on partition 0's holder only: started on gaining it, stopped (and its
// series dropped) on losing it, never two at once however fast the assignment flips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/logging.js';
import { ProbeLease, type LeasedProbe } from './probe-lease.js';

const logger = createLogger({ level: 'silent' });

/** A stand-in probe that records its life and whether it overlapped another one. */
class RecordingProbe implements LeasedProbe {
  static live = 0;
  static maxLive = 0;
  events: string[] = [];
  constructor(private readonly stopMs: number) {}
  start(): void {
    RecordingProbe.live++;
    RecordingProbe.maxLive = Math.max(RecordingProbe.maxLive, RecordingProbe.live);
    this.events.push('start');
  }
  async stop(): Promise<void> {
    // A real probe's stop waits for its consumer to leave the group.
    await new Promise((r) => setTimeout(r, this.stopMs));
    RecordingProbe.live--;
    this.events.push('stop');
  }
  removeSeries(): void {
    this.events.push('removeSeries');
  }
}

test('ProbeLease follows coordination partition 0: start on gain, stop and drop series on loss', async () => {
  let holds = false;
  const made: RecordingProbe[] = [];
  const lease = new ProbeLease(
    () => holds,
    () => {
      const p = new RecordingProbe(20);
      made.push(p);
      return p;
    },
    logger,
    60_000,
  );
  lease.start();
  await lease.check();
  assert.equal(lease.active, false, 'no partition 0: no probe');
  assert.equal(made.length, 0);

  holds = true;
  await lease.check();
  await lease.check(); // unchanged: no second probe
  assert.equal(lease.active, true);
  assert.equal(made.length, 1);

  holds = false;
  await lease.check();
  assert.equal(lease.active, false);
  assert.deepEqual(made[0].events, ['start', 'stop', 'removeSeries']);

  // Lose and regain in quick succession, checks racing: stops and starts stay in order, one probe at a time.
  RecordingProbe.maxLive = RecordingProbe.live;
  holds = true;
  const first = lease.check();
  holds = false;
  const second = lease.check();
  holds = true;
  await Promise.all([first, second, lease.check()]);
  assert.equal(RecordingProbe.maxLive, 1);
  assert.equal(lease.active, true);

  await lease.stop();
  assert.equal(lease.active, false);
  assert.equal(RecordingProbe.live, 0);
  assert.deepEqual(made.at(-1)!.events, ['start', 'stop']);
  holds = true;
  await lease.check();
  assert.equal(lease.active, false, 'a stopped lease starts nothing');
});

test('ProbeLease notices a loss without an assignment change (session timeout) by its periodic check', async () => {
  let holds = true;
  const lease = new ProbeLease(
    () => holds,
    () => new RecordingProbe(0),
    logger,
    20,
  );
  lease.start();
  await lease.check();
  assert.equal(lease.active, true);
  holds = false; // e.g. membership.current() expired: no callback fires
  const deadline = Date.now() + 2000;
  while (lease.active && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(lease.active, false);
  await lease.stop();
});
