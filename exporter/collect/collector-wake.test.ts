// Collector.wake(): fleet mode collects at once on a new shard assignment. A wake that arrives
// while a cycle runs must not wait for the next interval: that cycle took its share when it
// started, so a group moving to this replica would otherwise reach /metrics an interval late.
// The cluster here is a stand-in with the one method the loop calls (the scheduling is under test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Collector, type ClusterCollector, type CycleResult } from './collector.js';

const CYCLE_MS = 150;
const INTERVAL_MS = 60_000;

function timedCluster() {
  const starts: number[] = [];
  const cluster = {
    name: 'c',
    client: { close: async () => undefined },
    runOnce: async (): Promise<CycleResult> => {
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, CYCLE_MS));
      return { cluster: 'c', ok: true, durationMs: CYCLE_MS };
    },
  };
  return { starts, cluster: cluster as unknown as ClusterCollector };
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('a wake while a cycle runs starts the next cycle when it ends, not an interval later', async () => {
  const { starts, cluster } = timedCluster();
  const collector = new Collector([cluster], INTERVAL_MS, undefined, false);
  collector.start();
  try {
    await until(() => starts.length === 1);
    collector.wake(); // mid-cycle
    await until(() => starts.length === 2);
    assert.ok(starts[1] - starts[0] < INTERVAL_MS / 2, `second cycle ${starts[1] - starts[0]} ms after the first`);
    // One wake, one extra cycle: then the interval again.
    await new Promise((r) => setTimeout(r, 3 * CYCLE_MS));
    assert.equal(starts.length, 2);
  } finally {
    await collector.stop();
  }
});

test('a wake between cycles collects at once', async () => {
  const { starts, cluster } = timedCluster();
  const collector = new Collector([cluster], INTERVAL_MS, undefined, false);
  collector.start();
  try {
    await until(() => collector.cyclesCompleted === 1);
    const woken = Date.now();
    collector.wake();
    await until(() => starts.length === 2);
    assert.ok(starts[1] - woken < INTERVAL_MS / 2);
  } finally {
    await collector.stop();
  }
});
