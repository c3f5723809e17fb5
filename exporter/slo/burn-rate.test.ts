import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliAccount } from './burn-rate.js';
import { brokerAvailability, consumerLag, e2eLatency, produceAvailability } from './sli.js';

const MIN = 60_000;

test('A steady 0.1% error rate burns a 99.9% budget at rate 1 in every window.', () => {
  const a = new SliAccount(0.999);
  for (let t = 0; t <= 4 * 24 * 60; t++) a.record(1000, 1, t * MIN);
  for (const r of a.burnRates(4 * 24 * 60 * MIN))
    assert.ok(Math.abs(r.burnRate - 1) < 1e-9, `${r.window}: ${r.burnRate}`);
});

test('A short outage shows a high burn rate in the 5m window and a diluted one in the 1h window.', () => {
  const a = new SliAccount(0.999);
  for (let t = 0; t < 120; t++) a.record(100, t >= 115 ? 100 : 0, t * MIN);
  const now = 119 * MIN;
  assert.ok(Math.abs(a.burnRate(300, now) - 1000) < 1e-9, 'all errors in the last 5 minutes: ratio 1 / 0.001');
  assert.ok(Math.abs(a.burnRate(3600, now) - 500 / 6000 / 0.001) < 1e-6);
});

test('A window with no events has burn rate zero, not NaN.', () => {
  const a = new SliAccount(0.99);
  a.sample(0);
  assert.equal(a.burnRate(300, 10 * MIN), 0);
});

test('The standard windows are 5m, 30m, 1h, 2h, 6h, 1d and 3d.', () => {
  assert.deepEqual(
    new SliAccount(0.999).burnRates(0).map((r) => r.window),
    ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
  );
});

test('An objective outside (0, 1) is rejected.', () => {
  assert.throws(() => new SliAccount(1), /between 0 and 1/);
});

test('Built-in SLIs turn observations into events and errors.', () => {
  assert.deepEqual(produceAvailability(10, 2), { events: 10, errors: 2 });
  assert.deepEqual(e2eLatency([0.01, 0.9, 2], 1, 1), { events: 4, errors: 2 });
  assert.deepEqual(consumerLag([5, 120, 0], 60), { events: 3, errors: 1 });
  assert.deepEqual(brokerAvailability(3, 2), { events: 3, errors: 1 });
  assert.deepEqual(brokerAvailability(3, undefined), { events: 3, errors: 3 });
});
