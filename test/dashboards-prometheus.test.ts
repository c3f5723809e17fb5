// Every query the dashboards send (panel targets, variable and annotation queries), with the
// template variables set to "All", is accepted by a real Prometheus on loopback. This Prometheus
// scrapes nothing, so it proves the PromQL parses and type-checks; the data-returning checks run
// in test/up-live.test.ts (healthy cluster) and test/gameday-cluster.test.ts F9 (fault-only
// queries during a fault). Here also the negative control of that fault check (fault-watch.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRunnerMetrics } from '../chaos/runner/metrics.js';
import { describeMissing, watchFaultOnlyQueries } from '../dashboards/fault-watch.js';
import { checkDashboardQueries, describeFailures } from '../dashboards/live-check.js';
import { dashboardQueries } from '../dashboards/queries.js';
import { freePort } from './support/ports.js';
import { processFixture, waitFor } from './support/processes.js';

const fixture = processFixture();

interface PromAnswer {
  status: string;
}

test('A real Prometheus accepts every dashboard query.', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-dash-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  const port = await freePort();
  await fixture.start(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { readyWhen: /Server is ready to receive web requests/, readyTimeoutMs: 30_000 },
  );

  // Negative control: a type error (rate over an instant vector) must be reported as one.
  const control = (await (
    await fetch(`http://127.0.0.1:${port}/api/v1/query?${new URLSearchParams({ query: 'sum(rate(up))' })}`)
  ).json()) as PromAnswer;
  assert.equal(control.status, 'error');

  const checks = await checkDashboardQueries({ prometheusUrl: `http://127.0.0.1:${port}`, requireData: false });
  assert.ok(checks.length > 100, `only ${checks.length} queries`);
  const failures = describeFailures(checks);
  assert.deepEqual(failures, []);
});

test('The fault check flags fault-only queries that stay empty while a fault is injected, and counts only rounds with a fault.', async () => {
  // The runner's real metrics endpoint with a fault injected, scraped every second; no alert and
  // no proxy: the ALERTS and proxy traffic queries must be reported, the runner's gauges must not.
  const runner = await startRunnerMetrics('control-drill', 0);
  try {
    runner.setActive(true);
    runner.setFault('cut', 'control-cluster', true);
    const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-dash-fault-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: kafka-sre-gameday\n    static_configs: [{ targets: ['${new URL(runner.url).host}'] }]\n`,
    );
    const port = await freePort();
    await fixture.start(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { readyWhen: /Server is ready to receive web requests/, readyTimeoutMs: 30_000 },
    );
    const prometheusUrl = `http://127.0.0.1:${port}`;
    const faultSeries = async () =>
      (
        (await (
          await fetch(
            `${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: 'kafka_sre_gameday_fault_active == 1' })}`,
          )
        ).json()) as { data: { result: unknown[] } }
      ).data.result.length;
    await waitFor('the injected fault scraped', faultSeries, 20_000, 250);

    const watch = watchFaultOnlyQueries({ prometheusUrl, intervalMs: 200 });
    await new Promise((r) => setTimeout(r, 1000));
    const evidence = await watch.stop();
    assert.equal(evidence.length, dashboardQueries().filter((q) => q.faultOnly).length);
    assert.ok(
      evidence.every((e) => e.faultRounds > 0),
      'rounds with the fault active are counted',
    );
    const missing = describeMissing(evidence);
    const missingSources = new Set(missing.map((m) => m.split(': ')[0]?.split(' / ')[1]));
    assert.deepEqual(
      [...missingSources].sort(),
      ['Alerts', 'Proxy traffic', 'annotation Firing alerts'],
      missing.join('\n'),
    );
    assert.equal(missing.length, 9, missing.join('\n')); // 6 firing-alert annotations, firing + pending, proxy

    // Fault rolled back: later rounds are not rounds with a fault (and give no evidence either way).
    runner.setFault('cut', 'control-cluster', false);
    await waitFor('the rollback scraped', async () => (await faultSeries()) === 0, 20_000, 250);
    const after = watchFaultOnlyQueries({ prometheusUrl, intervalMs: 200 });
    await new Promise((r) => setTimeout(r, 600));
    assert.ok((await after.stop()).every((e) => e.faultRounds === 0 && e.roundsWithData === 0));
  } finally {
    await runner.close();
  }
});
