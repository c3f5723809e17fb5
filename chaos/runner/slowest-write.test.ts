import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSlowestWrite, slowestWriteIn } from './slowest-write.js';

test('the slowest write names every fault window it overlapped, and none outside them', () => {
  const start = 1_000_000;
  const windows = [
    { fault: 'kill', injectedAt: start + 10_000, rolledBackAt: start + 40_000 },
    { fault: 'quorum', injectedAt: start + 600_000, rolledBackAt: start + 634_000 },
    { fault: 'not-yet' },
    { fault: 'still-active', injectedAt: start + 630_000 },
  ];
  const during = slowestWriteIn({ seconds: 42, startedAtMs: start + 601_000 }, windows, start);
  assert.deepEqual(during.faults, ['quorum', 'still-active']);
  assert.equal(describeSlowestWrite(during), 'slowest write 42.0 s from +601.0 s, overlapping quorum, still-active');
  // A write that began before a fault and ended inside it overlapped it too.
  assert.deepEqual(slowestWriteIn({ seconds: 5, startedAtMs: start + 8_000 }, windows, start).faults, ['kill']);
  const quiet = slowestWriteIn({ seconds: 0.2, startedAtMs: start + 100_000 }, windows, start);
  assert.match(describeSlowestWrite(quiet), /outside every fault window$/);
});
