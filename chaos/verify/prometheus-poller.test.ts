// The poller against a Prometheus-like HTTP server that is stopped halfway: answered polls give
// values, the rest are recorded as failures with Prometheus' error, and the account says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { PrometheusClient } from './prometheus.js';
import { describeInconclusive, PrometheusPoller } from './prometheus-poller.js';

test('every poll is recorded; after Prometheus goes away polls fail and are counted, not faked', async () => {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/api/v1/alerts'))
      res.end(
        JSON.stringify({
          status: 'success',
          data: { alerts: [{ labels: { alertname: 'Up', severity: 'x' }, annotations: {}, state: 'firing' }] },
        }),
      );
    else if (req.url?.startsWith('/api/v1/query_range'))
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '2']] }] },
        }),
      );
    else if (req.url?.startsWith('/api/v1/query'))
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '7'] }] },
        }),
      );
    else res.writeHead(404).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const poller = new PrometheusPoller(new PrometheusClient(url, 1000));

  const alerts = await poller.alerts();
  assert.ok(alerts.ok);
  assert.deepEqual(alerts.value.alerts, [{ name: 'Up', labels: { severity: 'x' }, state: 'firing' }]);
  const sample = await poller.sample('vector(7)');
  assert.ok(sample.ok);
  assert.deepEqual(sample.value, [{ metric: { a: 'b' }, value: 7 }]);
  const range = await poller.range('up', 0, 1000, 1);
  assert.ok(range.ok);
  assert.deepEqual(range.value, [{ metric: {}, values: [[1, 2]] }]);

  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  const gone = await poller.alerts();
  assert.equal(gone.ok, false);
  // A pooled keep-alive connection closed under the client fails with UND_ERR_SOCKET, a new one with ECONNREFUSED.
  assert.ok(!gone.ok && /unreachable \((ECONNREFUSED|UND_ERR_SOCKET)\)/.test(gone.error), JSON.stringify(gone));
  assert.equal((await poller.sample('vector(7)')).ok, false);

  assert.deepEqual(
    poller.records().map((r) => [r.kind, r.ok]),
    [
      ['alerts', true],
      ['query', true],
      ['range', true],
      ['alerts', false],
      ['query', false],
    ],
  );
  const alertsAccount = poller.account({ kind: 'alerts' });
  assert.equal(alertsAccount.total, 2);
  assert.equal(alertsAccount.failed, 1);
  assert.match(
    describeInconclusive(alertsAccount),
    /^inconclusive: 1 of 2 polls failed, last error Prometheus at http:\/\/127\.0\.0\.1:\d+ unreachable \(\w+\)$/,
  );
  assert.equal(poller.account().failed, 2);
  assert.equal(poller.records({ from: gone.at }).length, 2, 'records are selectable by time');
});
