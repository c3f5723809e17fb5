import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertTimeline, evaluateFires, type AlertPoll } from './alerts.js';

const fire = (at: number, labels: Record<string, string> = {}): AlertPoll => ({ at, alerts: [{ name: 'BrokerDown', labels, state: 'firing' }] });
const quiet = (at: number): AlertPoll => ({ at, alerts: [] });
const exp = { alert: 'BrokerDown', labels: {}, fireWithin: 10_000, resolveWithin: 10_000 };

test('an alert that fires and resolves in time passes, with TTD and TTR', () => {
  const polls = [quiet(0), quiet(1000), fire(4000), fire(20_000), quiet(25_000)];
  const r = evaluateFires(exp, polls, { fault: 'k', injectedAt: 1000, rolledBackAt: 21_000 }, 30_000);
  assert.equal(r.passed, true);
  assert.equal(r.ttdMs, 3000);
  assert.equal(r.ttrMs, 4000);
});

test('an alert that fires after its deadline fails and says how late', () => {
  const r = evaluateFires(exp, [quiet(0), fire(15_000)], { fault: 'k', injectedAt: 1000 }, 16_000);
  assert.equal(r.passed, false);
  assert.equal(r.settled, true);
  assert.match(r.reason, /fired 14000 ms after the fault, later than fireWithin 10000 ms/);
});

test('an alert still pending its deadline is not settled yet', () => {
  const r = evaluateFires(exp, [quiet(0)], { fault: 'k', injectedAt: 1000 }, 5000);
  assert.equal(r.settled, false);
});

test('an alert firing before injection fails: the steady state was dirty', () => {
  const r = evaluateFires(exp, [fire(0), fire(2000)], { fault: 'k', injectedAt: 1000 }, 5000);
  assert.match(r.reason, /already firing before/);
});

test('an alert that fired and resolved for an earlier fault does not make a later fault dirty', () => {
  const polls = [quiet(0), fire(2000), quiet(5000), quiet(9000), fire(12_000), quiet(16_000)];
  const r = evaluateFires(exp, polls, { fault: 'second', injectedAt: 10_000, rolledBackAt: 14_000 }, 30_000);
  assert.equal(r.passed, true, r.reason);
  assert.equal(r.ttdMs, 2000);
});

test('label matchers select the alert instance', () => {
  const polls = [fire(2000, { broker: '2' }), quiet(9000)];
  assert.equal(evaluateFires({ ...exp, labels: { broker: '1' } }, polls, { fault: 'k', injectedAt: 1000, rolledBackAt: 8000 }, 30_000).passed, false);
  assert.equal(evaluateFires({ ...exp, labels: { broker: '2' } }, polls, { fault: 'k', injectedAt: 1000, rolledBackAt: 8000 }, 30_000).passed, true);
});

test('the timeline merges consecutive firing polls into spans', () => {
  assert.deepEqual(alertTimeline([fire(0), fire(1000), quiet(2000), fire(3000)]), [
    { name: 'BrokerDown', labels: {}, from: 0, to: 1000 },
    { name: 'BrokerDown', labels: {}, from: 3000, to: 3000 },
  ]);
});
