// test-budget: 90s
// The scheduler and history against real processes (Prometheus, our proxy): never two drills at
// once on one target, every run or skip in the JSONL history, `chaos history` lists them, and a
// cron expression (croner, seconds field) really triggers runs.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { startPrometheus, tempDir } from './chaos-fixtures.js';
import { echoServer, proxyServer } from './proxy-fixtures.js';
import { Scheduler } from '../chaos/schedule/scheduler.js';
import { readHistory } from '../chaos/schedule/history.js';

const fx = processFixture();
let dir: string;
let specFile: string;

before(async () => {
  dir = await tempDir('chaos-sched-');
  const [prom, echo, proxy] = await Promise.all([startPrometheus(fx), echoServer(), proxyServer()]);
  await new Toxiproxy(proxy.url).createProxy({ name: 'broker0-client', listen: '127.0.0.1:0', upstream: echo.address });
  specFile = join(dir, 'short.yaml');
  await writeFile(
    specFile,
    `version: 1
name: short
target: { kind: existing, name: sched-target, bootstrapServers: [127.0.0.1:9], prometheusUrl: ${prom.url}, proxyApiUrl: ${proxy.url} }
pollInterval: 200ms
faults:
  - { type: network-latency, target: { broker: 0 }, duration: 800ms, params: { latency: 10 } }
expectations:
  mustNotFire: [{ alert: ChaosTestNeverFiring }]
`,
  );
});

test('two triggers on one target at once: one runs, the other is recorded as skipped', async () => {
  const history = join(dir, 'h1.jsonl');
  const s = new Scheduler({ entries: [], historyFile: history, reportRoot: join(dir, 'reports'), stateDir: dir });
  await Promise.all([s.trigger(specFile), s.trigger(specFile)]);
  const entries = await readHistory(history);
  assert.deepEqual(entries.map((e) => e.status).sort(), ['passed', 'skipped']);
  assert.match(entries.find((e) => e.status === 'skipped')!.reason!, /another game day is running on this target/);
  const r = await runCli(['chaos', 'history', '--history', history]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /short\s+sched-target\s+passed/);
  assert.match(r.stdout, /skipped/);
});

test('a cron expression triggers runs; the history file records them', async () => {
  const history = join(dir, 'h2.jsonl');
  const s = new Scheduler({
    entries: [{ spec: specFile, cron: '*/2 * * * * *' }],
    historyFile: history,
    reportRoot: join(dir, 'reports'),
    stateDir: dir,
  });
  s.start();
  try {
    await waitFor('a scheduled run', async () => (await readHistory(history)).length >= 1, 15_000, 200);
  } finally {
    await s.stop();
  }
  assert.equal((await readHistory(history))[0].status, 'passed');
});

test('a bad cron expression is a usage error (exit 2)', async () => {
  const f = join(dir, 'bad-schedule.yaml');
  await writeFile(f, `schedules:\n  - { spec: short.yaml, cron: "every tuesday" }\n`);
  const r = await runCli(['chaos', 'schedule', f]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /schedules\[0\]\.cron "every tuesday"/);
});

test('schedule --once runs each spec now and exits with the drill result', async () => {
  const f = join(dir, 'once.yaml');
  await writeFile(f, `schedules:\n  - { spec: short.yaml, cron: "0 3 * * *" }\n`);
  const history = join(dir, 'h3.jsonl');
  const r = await runCli([
    'chaos',
    'schedule',
    f,
    '--once',
    '--history',
    history,
    '--report-root',
    join(dir, 'reports'),
    '--state-dir',
    dir,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const json = await runCli(['chaos', 'history', '--history', history, '--json']);
  assert.equal(JSON.parse(json.stdout.trim()).status, 'passed');
});
