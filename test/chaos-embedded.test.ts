// test-budget: 240s
// `target.kind: embedded`: the runner starts the reference cluster itself (3 brokers behind a
// proxy per listener, the exporter, Prometheus with the generated rules at drill speed), runs the
// drill, and stops every process by PID and removes its directory afterwards. Proven with a real
// broker kill under acks=all load, KafkaBrokerDown firing and clearing, and the data check; a
// spec the embedded cluster cannot serve fails before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive, runCli } from './support/processes.js';
import { tempDir } from './chaos-fixtures.js';
import { viewReport } from './support/report-browser.js';

const spec = (name: string, extra = '') => `version: 1
name: ${name}
target: { kind: embedded, brokers: 3, controllers: 3 }
pollInterval: 1s
steadyState:
  interval: 5s
  probes:
    - { type: prometheus, name: one-active-controller, query: "sum(kafka_controller_kafkacontroller_activecontrollercount)", comparator: "==", value: 1, when: [before, after] }
load:
  topic: embedded-kill
  createTopic: { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 }
  producers: 1
  rate: 100
  recordSize: 256
  acks: all
  consumers: { groupId: embedded-kill, count: 1 }
  drainTimeout: 30s
faults:
  - { type: broker-kill, name: kill, target: { broker: 2 }, start: 5s, duration: 20s }
expectations:
  alerts:
    - { alert: KafkaBrokerDown, fault: kill, fireWithin: 30s, resolveWithin: 60s }
  data: { maxLost: 0 }
safety: { maxDuration: 4m }
${extra}`;

test('an embedded target is started for the drill, drilled (broker kill: alert fires and clears, none lost) and fully stopped', async (t) => {
  const dir = await tempDir('chaos-embedded-');
  const f = join(dir, 'embedded.yaml');
  await writeFile(f, spec('embedded-kill'));
  const report = join(dir, 'report');
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', join(dir, 'state')], {
    timeoutMs: 220_000,
  });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /PASS KafkaBrokerDown on kill: fired and resolved in time/);
  assert.match(r.stdout, /PASS data: \d+ acknowledged, \d+ read back from the log: lost-write 0 \(allowed 0\)/);
  assert.match(r.stderr, /embedded cluster ready in \d+ s \(.*\): bootstrap 127\.0\.0\.1:\d+/);
  // The report's charts were read while the embedded Prometheus still ran (it is gone by the time
  // the report is written): every chart has drawn data, none says Prometheus was unreachable.
  const html = await readFile(join(report, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /unreachable/, 'no chart lost its data to a stopped Prometheus');
  // As a person sees it, in Chromium at laptop width: every chart drew series with points in the
  // shaded fault window, nothing runs off the page; the screenshot is kept with the test output.
  const seen = await viewReport(report, 'chaos-embedded');
  t.diagnostic(`report screenshot: ${seen.copiedTo}`);
  assert.deepEqual(
    seen.charts.map((c) => c.title),
    [
      'Consumer lag (records, sum per group)',
      'Under-replicated partitions (sum)',
      'Throughput in (records/s)',
      'Produce latency p99 (ms, max over brokers)',
    ],
  );
  for (const c of seen.charts) {
    assert.ok(
      c.points > 0 && c.pointsInFault > 0,
      `${c.title}: ${c.points} points, ${c.pointsInFault} in the fault window`,
    );
    assert.ok(c.faultAreas >= 1, `${c.title}: the fault window is shaded`);
  }
  assert.ok(
    seen.scrollWidth <= seen.viewportWidth,
    `the page is ${seen.scrollWidth} px wide at ${seen.viewportWidth} px`,
  );
  type Ev = { type: string; pids?: number[]; bootstrap?: string[] };
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as { events: Ev[] };
  const started = journal.events.find((e) => e.type === 'embedded-target');
  assert.ok(started?.pids && started.pids.length === 3, 'the launcher, Prometheus and the exporter are recorded');
  for (const pid of started.pids) assert.equal(pidAlive(pid), false, `process ${pid} was stopped`);
  const clusterDir = /embedded cluster ready in \d+ s \(([^,)]+)\)/.exec(r.stderr)?.[1];
  assert.ok(clusterDir, 'the cluster directory is named');
  assert.equal(existsSync(clusterDir), false, 'the cluster directory is removed');
});

test('a spec the embedded cluster cannot serve fails before anything starts; --dry-run describes the cluster', async () => {
  const dir = await tempDir('chaos-embedded-bad-');
  const f = join(dir, 'bad.yaml');
  await writeFile(
    f,
    spec('embedded-bad').replace(
      'safety: { maxDuration: 4m }',
      'safety: { maxDuration: 4m }\nhygiene: { mode: silence }',
    ),
  );
  const started = Date.now();
  const r = await runCli(['chaos', 'run', f, '--state-dir', join(dir, 'state')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /hygiene\.mode silence: the embedded cluster has no Alertmanager/);
  assert.ok(Date.now() - started < 15_000, 'no cluster was started');
  await writeFile(f, spec('embedded-bad').replace('controllers: 3 }', 'controllers: 5 }'));
  const tooMany = await runCli(['chaos', 'run', f, '--dry-run']);
  assert.equal(tooMany.code, 2);
  assert.match(tooMany.stderr, /controllers cannot outnumber brokers/);
  await writeFile(f, spec('embedded-dry'));
  const dry = await runCli(['chaos', 'run', f, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /an embedded reference cluster the runner starts and stops \(3 brokers, 3 controllers/);
});
