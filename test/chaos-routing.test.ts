// test-budget: 90s
// Routing proof through real parts: a network partition (proxy disabled) makes Prometheus' scrape
// through the proxy fail, the alert on `up == 0` fires, Prometheus sends it to a real Alertmanager,
// which routes it to the "drill" receiver: a webhook the runner itself listens on.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { processFixture, runCli } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startPrometheus, tempDir, type TestPrometheus } from './chaos-fixtures.js';
import { proxyServer } from './proxy-fixtures.js';

const fx = processFixture();
let prom: TestPrometheus;
let proxyUrl: string;
let hookPort: number;
let dir: string;

before(async () => {
  dir = await tempDir('chaos-routing-');
  const [amPort, listenPort] = [await freePort(), await freePort()];
  hookPort = await freePort();
  await writeFile(
    join(dir, 'am.yml'),
    `route: { receiver: pager, group_wait: 1s, group_interval: 1s, repeat_interval: 1h, routes: [{ receiver: drill, matchers: ['alertname="ScrapeTargetDown"'] }] }
receivers:
  - name: pager
  - name: drill
    webhook_configs: [{ url: "http://127.0.0.1:${hookPort}/", send_resolved: false }]
`,
  );
  await fx.start(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      `--storage.path=${join(dir, 'am-data')}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { readyPort: amPort, name: 'alertmanager' },
  );
  const proxy = await proxyServer();
  proxyUrl = proxy.url;
  // Prometheus scrapes Alertmanager's own /metrics through the proxy.
  await new Toxiproxy(proxyUrl).createProxy({
    name: 'broker0-client',
    listen: `127.0.0.1:${listenPort}`,
    upstream: `127.0.0.1:${amPort}`,
  });
  prom = await startPrometheus(
    fx,
    `groups:\n  - name: routing\n    interval: 1s\n    rules:\n      - alert: ScrapeTargetDown\n        expr: up{job="targets"} == 0\n`,
    [`127.0.0.1:${listenPort}`],
    `127.0.0.1:${amPort}`,
  );
});

test('the partition alert fires, reaches the drill receiver, and clears after rollback', async () => {
  const f = join(dir, 'routing.yaml');
  await writeFile(
    f,
    `version: 1
name: routing
target: { kind: existing, name: routing-target, bootstrapServers: [127.0.0.1:9], prometheusUrl: ${prom.url}, proxyApiUrl: ${proxyUrl}, webhookListen: "127.0.0.1:${hookPort}" }
pollInterval: 250ms
faults:
  - { type: network-partition, name: cut, target: { broker: 0, listener: client }, start: 2s, duration: 6s }
expectations:
  alerts:
    - { alert: ScrapeTargetDown, fireWithin: 6s, resolveWithin: 10s }
  notifications:
    - { alert: ScrapeTargetDown, receiver: drill, within: 10s }
  mustNotFire: []
`,
  );
  const r = await runCli(['chaos', 'run', f, '--report', join(dir, 'report'), '--state-dir', dir, '--quiet']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /PASS ScrapeTargetDown routed to drill: notified drill \d+ ms after the fault/);
  assert.match(r.stdout, /PASS ScrapeTargetDown on cut: fired and resolved in time/);
});
