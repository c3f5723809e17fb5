// test-budget: 120s
// A real F2 drill end to end on the single-node reference broker: the runner's load driver
// produces, the consumer-stop fault stops its group, the real exporter reports the lag, a real
// Prometheus evaluates a short lag alert (the drill's rule, not the generated one: its `for` is
// zero so the drill takes seconds), and the runner sees it fire and clear after the rollback,
// with no acknowledged record lost.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processFixture, runCli } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startPrometheus, tempDir, type TestPrometheus } from './chaos-fixtures.js';
import { exporterMetrics } from '../common/metrics/exporter.js';

const fx = processFixture();
let bootstrap: string;
let prom: TestPrometheus;
let dir: string;

const rules = `groups:
  - name: drill
    interval: 1s
    rules:
      - alert: DrillConsumerLagHigh
        expr: sum by (consumergroup) (${exporterMetrics.consumerGroupLag.name}{consumergroup="lag-drill"}) > 40
`;

before(async () => {
  dir = await tempDir('chaos-lag-');
  const [port, metricsPort, exporterPort] = [await freePort(), await freePort(), await freePort()];
  await fx.startCli(
    [
      'broker',
      '--brokers',
      '1',
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
      '--data-dir',
      join(dir, 'data'),
    ],
    { readyWhen: /listening on/ },
  );
  bootstrap = `127.0.0.1:${port}`;
  await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      bootstrap,
      '--port',
      String(exporterPort),
      '--host',
      '127.0.0.1',
      '--interval',
      '1000',
      '--no-probe',
    ],
    { readyPort: exporterPort },
  );
  prom = await startPrometheus(fx, rules, [`127.0.0.1:${exporterPort}`]);
});

test('consumer-stop raises the lag alert within its deadline and it clears after rollback; nothing acknowledged is lost', async () => {
  const f = join(dir, 'f2.yaml');
  await writeFile(
    f,
    `version: 1
name: lag-drill
target: { kind: existing, name: lag-target, bootstrapServers: [${bootstrap}], prometheusUrl: ${prom.url} }
pollInterval: 500ms
load:
  topic: lag-drill
  createTopic: { partitions: 2, replicationFactor: 1, minInsyncReplicas: 1 }
  producers: 1
  rate: 100
  recordSize: 100
  consumers: { groupId: lag-drill, count: 1 }
  drainTimeout: 20s
faults:
  - { type: consumer-stop, name: stop, target: { group: lag-drill }, start: 3s, duration: 6s }
expectations:
  alerts:
    - { alert: DrillConsumerLagHigh, fireWithin: 6s, resolveWithin: 30s }
  mustNotFire: [{ alert: ChaosTestNeverFiring }]
  data: { maxLost: 0 }
safety: { maxDuration: 90s }
`,
  );
  const report = join(dir, 'report');
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet'], {
    timeoutMs: 110_000,
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /PASS DrillConsumerLagHigh on stop: fired and resolved in time, TTD [\d.]+m?s, TTR/);
  assert.match(r.stdout, /PASS data: \d+ acknowledged, \d+ read back from the log: lost-write 0 \(allowed 0\)/);
  const html = await readFile(join(report, 'report.html'), 'utf8');
  assert.match(html, /Consumer lag/);
  assert.match(
    html,
    /data-title="Consumer lag[^"]*" data-series="[1-9]\d*" data-points="[1-9]\d*"/,
    'the lag chart has data from Prometheus',
  );
});
