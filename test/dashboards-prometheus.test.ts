// Every query the dashboards send (panel targets, variable and annotation queries), with the
// template variables set to "All", is accepted by a real Prometheus on loopback. This Prometheus
// scrapes nothing, so it proves the PromQL parses and type-checks; the data-returning check
// runs in the end-to-end tests once a broker and the exporter are scraped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDashboardQueries, describeFailures } from '../dashboards/live-check.js';
import { freePort } from './support/ports.js';
import { processFixture } from './support/processes.js';

const fixture = processFixture();

interface PromAnswer {
  status: string;
}

test('A real Prometheus accepts every dashboard query.', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-dash-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  const port = await freePort();
  await fixture.start('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { readyWhen: /Server is ready to receive web requests/, readyTimeoutMs: 30_000 });

  // Negative control: a type error (rate over an instant vector) must be reported as one.
  const control = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?${new URLSearchParams({ query: 'sum(rate(up))' })}`)).json()) as PromAnswer;
  assert.equal(control.status, 'error');

  const checks = await checkDashboardQueries({ prometheusUrl: `http://127.0.0.1:${port}`, requireData: false });
  assert.ok(checks.length > 100, `only ${checks.length} queries`);
  const failures = describeFailures(checks);
  assert.deepEqual(failures, []);
});
