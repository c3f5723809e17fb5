// test-budget: 90s
// The verifier against a real Prometheus: alerts API, instant and range queries, and the
// time-to-detect / time-to-recover rules on polls of a real alert state.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { processFixture, waitFor } from './support/processes.js';
import { startPrometheus, type TestPrometheus } from './chaos-fixtures.js';
import { PrometheusClient, PrometheusError } from '../chaos/verify/prometheus.js';
import { evaluateFires, evaluateMustNotFire, type AlertPoll } from '../chaos/verify/alerts.js';
import { pollAlerts } from '../chaos/verify/observe.js';
import { freePort } from './support/ports.js';

const fx = processFixture();
let prom: TestPrometheus;
let client: PrometheusClient;

before(async () => {
  prom = await startPrometheus(fx);
  client = new PrometheusClient(prom.url);
  await client.ready();
});

test('the alerts API shows the always-firing alert as firing and not the other one', async () => {
  const alerts = await waitFor(
    'ChaosTestAlwaysFiring to fire',
    async () => {
      const a = await client.alerts();
      return a.some((x) => x.labels.alertname === 'ChaosTestAlwaysFiring' && x.state === 'firing') ? a : undefined;
    },
    20_000,
    250,
  );
  assert.ok(!alerts!.some((x) => x.labels.alertname === 'ChaosTestNeverFiring'));
});

test('instant and range queries return numbers', async () => {
  assert.deepEqual(await client.query('vector(3)'), [{ metric: {}, value: 3 }]);
  assert.deepEqual(await client.query('scalar(vector(2))'), [{ metric: {}, value: 2 }]);
  const end = new Date();
  const series = await client.queryRange('vector(5)', new Date(end.getTime() - 10_000), end, 2);
  assert.equal(series.length, 1);
  assert.ok(series[0].values.length >= 5);
  assert.ok(series[0].values.every(([, v]) => v === 5));
  await assert.rejects(
    client.query('sum('),
    (e: unknown) => e instanceof PrometheusError && /bad_data/.test((e as Error).message),
  );
});

test('an unreachable Prometheus is named in the error', async () => {
  const nobody = new PrometheusClient(`http://127.0.0.1:${await freePort()}`, 1000);
  await assert.rejects(nobody.ready(), /unreachable \(ECONNREFUSED\)/);
});

test('TTD and TTR from polls of the real alert state', async () => {
  const polls: AlertPoll[] = [];
  const injectedAt = Date.now();
  await pollAlerts(client, polls, 3);
  const window = { fault: 'f', injectedAt, rolledBackAt: Date.now() };
  await new Promise((r) => setTimeout(r, 600));
  await pollAlerts(client, polls, 1);
  const now = Date.now();
  // Already firing before "injection" would be a dirty steady state; here injection precedes the polls.
  const always = evaluateFires(
    { alert: 'ChaosTestAlwaysFiring', labels: {}, fireWithin: 5000, resolveWithin: 500 },
    polls,
    window,
    now,
  );
  assert.equal(always.passed, false);
  assert.ok(always.ttdMs !== undefined && always.ttdMs >= 0 && always.ttdMs < 5000, JSON.stringify(always));
  assert.match(always.reason, /still firing 500 ms after rollback/);
  const never = evaluateFires(
    { alert: 'ChaosTestNeverFiring', labels: {}, fireWithin: 100, resolveWithin: 100 },
    polls,
    window,
    now,
  );
  assert.equal(never.passed, false);
  assert.match(never.reason, /did not fire within 100 ms/);
  assert.equal(evaluateMustNotFire({ alert: 'ChaosTestNeverFiring', labels: {} }, polls).passed, true);
  assert.equal(
    evaluateMustNotFire({ alert: 'ChaosTestAlwaysFiring', labels: { severity: 'test' } }, polls).passed,
    false,
  );
});
