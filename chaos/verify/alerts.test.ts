import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertTimeline, evaluateFires, evaluateMustNotFire, type AlertPoll, type FailedPoll } from './alerts.js';

const fire = (at: number, labels: Record<string, string> = {}): AlertPoll => ({
  at,
  alerts: [{ name: 'BrokerDown', labels, state: 'firing' }],
});
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
  assert.equal(
    evaluateFires(
      { ...exp, labels: { broker: '1' } },
      polls,
      { fault: 'k', injectedAt: 1000, rolledBackAt: 8000 },
      30_000,
    ).passed,
    false,
  );
  assert.equal(
    evaluateFires(
      { ...exp, labels: { broker: '2' } },
      polls,
      { fault: 'k', injectedAt: 1000, rolledBackAt: 8000 },
      30_000,
    ).passed,
    true,
  );
});

test('the timeline merges consecutive firing polls into spans', () => {
  assert.deepEqual(alertTimeline([fire(0), fire(1000), quiet(2000), fire(3000)]), [
    { name: 'BrokerDown', labels: {}, from: 0, to: 1000 },
    { name: 'BrokerDown', labels: {}, from: 3000, to: 3000 },
  ]);
});

// Failed polls are no evidence: verdicts resting on not seeing the alert become inconclusive.
const down = (at: number): FailedPoll => ({ at, error: 'Prometheus at http://127.0.0.1:9 unreachable (ECONNREFUSED)' });

test('mustNotFire with failed polls is FAIL inconclusive, not "never fired"', () => {
  const r = evaluateMustNotFire(
    { alert: 'BrokerDown', labels: {} },
    [quiet(0), quiet(1000)],
    [down(2000), down(3000), down(4000)],
  );
  assert.equal(r.passed, false);
  assert.equal(r.inconclusive, true);
  assert.equal(
    r.reason,
    'inconclusive: 3 of 5 polls failed, last error Prometheus at http://127.0.0.1:9 unreachable (ECONNREFUSED); not firing in the 2 polls that answered',
  );
  // Seen firing is definite, failed polls or not.
  const hit = evaluateMustNotFire({ alert: 'BrokerDown', labels: {} }, [fire(1000)], [down(2000)]);
  assert.equal(hit.inconclusive, undefined);
  assert.match(hit.reason, /^fired at/);
  assert.equal(evaluateMustNotFire({ alert: 'BrokerDown', labels: {} }, [quiet(0)], []).passed, true);
});

test('Prometheus gone before the alert fired: "did not fire" is inconclusive (N of M polls failed)', () => {
  const r = evaluateFires(exp, [quiet(0), quiet(1500)], { fault: 'k', injectedAt: 1000, rolledBackAt: 8000 }, 20_000, [
    down(2500),
    down(3500),
    down(12_000),
  ]);
  assert.equal(r.passed, false);
  assert.equal(r.settled, true);
  assert.equal(r.inconclusive, true);
  // The fire window is [1000, 11000]: one answered poll, two failed (the one at 12 s is outside).
  assert.match(
    r.reason,
    /^inconclusive: 2 of 3 polls failed, last error Prometheus at .* unreachable \(ECONNREFUSED\); the polls that answered show: did not fire within 10000 ms of the fault$/,
  );
});

test('Prometheus gone after the alert fired: "still firing after rollback" is inconclusive, TTD kept', () => {
  const r = evaluateFires(
    exp,
    [quiet(0), fire(3000), fire(7000)],
    { fault: 'k', injectedAt: 1000, rolledBackAt: 8000 },
    30_000,
    [down(9000), down(10_000)],
  );
  assert.equal(r.passed, false);
  assert.equal(r.inconclusive, true);
  assert.equal(r.ttdMs, 2000);
  assert.match(
    r.reason,
    /^inconclusive: 2 of 2 polls failed, .*the polls that answered show: still firing 10000 ms after rollback$/,
  );
});

test('failed polls outside the deciding window leave a definite failure definite', () => {
  const r = evaluateFires(exp, [quiet(0), quiet(2000), quiet(11_500)], { fault: 'k', injectedAt: 1000 }, 20_000, [
    down(500),
    down(15_000),
  ]);
  assert.equal(r.inconclusive, undefined);
  assert.equal(r.reason, 'did not fire within 10000 ms of the fault');
});

test('fired and resolved in time on answered polls passes; gaps make TTD/TTR upper bounds', () => {
  const r = evaluateFires(
    exp,
    [quiet(0), fire(4000), quiet(25_000)],
    { fault: 'k', injectedAt: 1000, rolledBackAt: 21_000 },
    30_000,
    [down(2000)],
  );
  assert.equal(r.passed, true);
  assert.match(
    r.reason,
    /^fired and resolved in time \(1 of 3 polls in its window failed: TTD\/TTR are upper bounds\)$/,
  );
});
