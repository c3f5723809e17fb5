// The exporter's in-memory burn-rate calculator and the recording rules the alerts part
// generates agree: the same SLI counter series is fed to SliAccount and to promtool (real
// Prometheus rule evaluation), and every error-ratio window must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertsSection } from '../common/config/sections/alerts.js';
import { ruleGroupSpecs } from '../alerts/model.js';
import { equalityLabels } from '../alerts/schema/promql.js';
import { SliAccount } from '../exporter/slo/burn-rate.js';
import { runCommand } from './support/processes.js';

test('The exporter burn-rate calculator agrees with promtool evaluating the generated recording rules.', async () => {
  const config = alertsSection.parse({});
  const slo = config.slos.find((s) => s.sli === 'produce_availability')!;
  const records = ruleGroupSpecs(config)
    .flatMap((g) => g.records ?? [])
    .filter((r) => r.record.startsWith('slo:sli_error:ratio_rate') && r.expr.includes(`slo="${slo.name}"`));
  const windows = ['5m', '30m', '1h', '2h'];
  for (const w of windows)
    assert.ok(
      records.some((r) => r.record === `slo:sli_error:ratio_rate${w}`),
      `rules record the ${w} window`,
    );

  // 180 minutes: healthy, then a slow burn, then an outage-like burn, then recovery.
  const minutes = 180;
  const eventsPerMin = 1000;
  const errorsAt = (i: number) => (i <= 60 ? 0 : i <= 120 ? 3 : i <= 150 ? 80 : 1);
  const events: number[] = [];
  const errors: number[] = [];
  const account = new SliAccount(slo.objective);
  let e = 0;
  let r = 0;
  for (let i = 0; i <= minutes; i++) {
    const de = i === 0 ? 0 : eventsPerMin;
    const dr = i === 0 ? 0 : errorsAt(i);
    e += de;
    r += dr;
    events.push(e);
    errors.push(r);
    account.record(de, dr, i * 60_000);
  }
  const evalMinutes = [100, 140, 155, 180];
  const tests = [];
  for (const at of evalMinutes) {
    // The calculator sees history up to `at` only: rebuild it for that moment.
    const acc = new SliAccount(slo.objective);
    for (let i = 0; i <= at; i++) acc.record(i === 0 ? 0 : eventsPerMin, i === 0 ? 0 : errorsAt(i), i * 60_000);
    for (const w of windows) {
      const mine = acc.errorRatio(Number(w.replace(/[mh]$/, '')) * (w.endsWith('h') ? 3600 : 60), at * 60_000);
      tests.push({
        expr: `abs(slo:sli_error:ratio_rate${w}{slo="${slo.name}"} - ${mine}) < bool 1e-9`,
        eval_time: `${at}m`,
        exp_samples: [{ labels: `{cluster="c1", slo="${slo.name}"}`, value: 1 }],
      });
    }
  }
  const labels = { ...equalityLabels(config.selectors.exporter), cluster: 'c1', slo: slo.name };
  const sel = (name: string) =>
    `${name}{${Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')}}`;
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-burn-'));
  try {
    writeFileSync(
      join(dir, 'rules.yaml'),
      stringify({
        groups: [{ name: 'slo', interval: '1m', rules: records.map((x) => ({ record: x.record, expr: x.expr })) }],
      }),
    );
    writeFileSync(
      join(dir, 'test.yaml'),
      stringify({
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: sel('kafka_sre_slo_events_total'), values: events.join(' ') },
              { series: sel('kafka_sre_slo_errors_total'), values: errors.join(' ') },
            ],
            promql_expr_test: tests,
          },
        ],
      }),
    );
    const res = await runCommand('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(res.code, 0, `promtool disagrees:\n${res.stdout}\n${res.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // And the burn rate is the ratio over the budget, as the alert expressions compute it.
  assert.ok(
    Math.abs(
      account.burnRate(300, minutes * 60_000) - account.errorRatio(300, minutes * 60_000) / (1 - slo.objective),
    ) < 1e-12,
  );
});
