// test-budget: 90s
// The generated rules against the real tools: promtool check/test, amtool check-config and
// routes test. SLO burn cases run against a one-SLO config (the rules are the same template
// for every SLO; fewer SLOs keep the multi-day promtool runs short).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { alertsSection } from '../common/config/sections/alerts.js';
import { generateFiles, OUTPUT_LAYOUT } from '../alerts/generate.js';
import { alertsByName, buildModel } from '../alerts/model.js';
import { writeFiles } from '../alerts/write.js';
import { execFile } from 'node:child_process';

const reference = { brokers: 3, host: '127.0.0.1', metricsPort: 7071 };
let dir = '';
let sloDir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-sre-alerts-'));
  sloDir = mkdtempSync(join(tmpdir(), 'kafka-sre-slo-'));
  writeFiles(dir, generateFiles(alertsSection.parse({}), { reference, withTests: true }));
  const oneSlo = alertsSection.parse({ slos: [alertsSection.parse({}).slos[0]] });
  writeFiles(sloDir, generateFiles(oneSlo, { reference, withTests: true }));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(sloDir, { recursive: true, force: true });
});

/** Run to completion; resolves after the output streams closed (exit code, stdout, both streams). */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; out: string }> {
  return new Promise((resolve, reject) => {
    // promtool test rules costs ~7 CPU-s; on a loaded 2-core runner its wall time passed 60 s.
    execFile(cmd, args, { cwd, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? Number(err.code) : 0, stdout, out: stdout + stderr });
    });
  });
}

test('promtool check rules is clean on the generated rule files and the PrometheusRule groups', async () => {
  const r = await run(
    'promtool',
    ['check', 'rules', `${OUTPUT_LAYOUT.rules}/kafka.rules.yaml`, `${OUTPUT_LAYOUT.rules}/slo.rules.yaml`],
    dir,
  );
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /FAILED|lint/i);
  const c = await run('promtool', ['check', 'config', OUTPUT_LAYOUT.prometheusConfig], dir);
  assert.equal(c.code, 0, c.out);
});

test('promtool test rules: every alert fires in its firing cases and stays quiet in its healthy ones', async () => {
  const [kafka, sloFast, sloSlow] = await Promise.all([
    run('promtool', ['test', 'rules', 'kafka.1m.test.yaml'], join(dir, OUTPUT_LAYOUT.tests)),
    run('promtool', ['test', 'rules', 'slo.1m.test.yaml'], join(sloDir, OUTPUT_LAYOUT.tests)),
    run('promtool', ['test', 'rules', 'slo.5m.test.yaml'], join(sloDir, OUTPUT_LAYOUT.tests)),
  ]);
  for (const r of [kafka, sloFast, sloSlow]) {
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  }
});

test('the promtool cases cover every alert name with a firing and a healthy case, burn alerts at and just below each rate', () => {
  const model = buildModel(alertsSection.parse({}));
  for (const [name, rules] of alertsByName(model)) {
    const cases = rules.flatMap((r) => r.spec.cases);
    assert.ok(
      cases.some((c) => c.fires.length > 0),
      `${name} firing case`,
    );
    assert.ok(
      cases.some((c) => c.fires.length === 0),
      `${name} healthy case`,
    );
  }
  for (const name of ['KafkaSLOBudgetBurnFast', 'KafkaSLOBudgetBurnSlow']) {
    const cases = alertsByName(model).get(name)?.[0].spec.cases ?? [];
    assert.equal(cases.filter((c) => c.fires.length > 0).length, 2, `${name}: both window pairs fire`);
    assert.equal(cases.filter((c) => c.fires.length === 0).length, 2, `${name}: just below both rates`);
  }
});

test('amtool check-config is clean', async () => {
  const r = await run('amtool', ['check-config', OUTPUT_LAYOUT.alertmanager], dir);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS/);
  assert.match(r.out, /5 inhibit rules/);
});

test('amtool config routes test sends every alert to the receiver of its severity', async () => {
  const model = buildModel(alertsSection.parse({}));
  const results = await Promise.all(
    [...alertsByName(model)].map(async ([name, rules]) => {
      const a = rules[0];
      const labels = [
        `alertname=${name}`,
        `severity=${a.labels.severity}`,
        'cluster=c1',
        ...(a.spec.groupBy ?? []).map((l) => `${l}=x`),
      ];
      const r = await run(
        'amtool',
        [
          'config',
          'routes',
          'test',
          `--config.file=${OUTPUT_LAYOUT.alertmanager}`,
          `--verify.receivers=${a.labels.severity}`,
          ...labels,
        ],
        dir,
      );
      return { name, severity: a.labels.severity, code: r.code, receiver: r.stdout.trim() };
    }),
  );
  assert.equal(results.length, 40);
  for (const r of results) {
    assert.equal(r.code, 0, `${r.name}: ${r.receiver}`);
    assert.equal(r.receiver, r.severity, r.name);
  }
});
