// `kafka-sre exporter` as a process, with no cluster reachable: it starts, serves /metrics with
// up=0 (never an error), /healthz 200, /ready 503, emits OpenTelemetry spans for each collection
// cycle, and rejects bad input with exit code 2. Without --host it listens on 127.0.0.1 only.
import { after, test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freePort } from './support/ports.js';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { scrapeUntil, valueOf } from './exporter-helpers.js';

const fx = processFixture();

/** Local addresses (hex, as the kernel lists them) of IPv4/IPv6 sockets listening on `port`. */
function listeningOn(port: number): string[] {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '0A') continue; // 0A = LISTEN
      const [addr, hexPort] = f[1].split(':');
      if (parseInt(hexPort, 16) === port) out.push(addr);
    }
  }
  return out;
}

test('With the cluster unreachable the exporter serves up=0 without errors, is alive but not ready, traces each cycle and mirrors metrics to OTel.', async () => {
  const dead = await freePort();
  const port = await freePort();
  // A minimal OTLP/HTTP (JSON) receiver: collects what the exporter pushes.
  let otlpBodies = '';
  const receiver = createServer((req, res) => {
    req.on('data', (d: Buffer) => (otlpBodies += d.toString()));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const otlpPort = (receiver.address() as AddressInfo).port;
  after(() => receiver.close());
  const proc = await fx.startCli(
    [
      'exporter',
      '--bootstrap',
      `127.0.0.1:${dead}`,
      '--cluster-name',
      'gone',
      '--port',
      String(port),
      '--interval',
      '1000',
    ],
    {
      readyWhen: /listening on/,
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${otlpPort}/v1/metrics`,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_SERVICE_NAME: 'exporter-test',
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const s = await scrapeUntil(
    url,
    'a failed collection',
    (x) => (valueOf(x, 'kafka_sre_exporter_collection_duration_seconds', { cluster: 'gone' }) ?? 0) > 0 && x,
  );
  assert.equal(valueOf(s, 'kafka_sre_exporter_up', { cluster: 'gone' }), 0);
  // Default bind address: 127.0.0.1 (0100007F in /proc/net/tcp), not 0.0.0.0 or ::.
  assert.deepEqual(listeningOn(port), ['0100007F'], 'the exporter listens on loopback only by default');
  assert.equal(valueOf(s, 'kafka_sre_exporter_snapshot_stale', { cluster: 'gone' }), 0, 'nothing to be stale yet');
  assert.ok((valueOf(s, 'kafka_sre_exporter_request_errors_total', { cluster: 'gone', api: 'Metadata' }) ?? 0) >= 1);
  assert.equal(valueOf(s, 'kafka_sre_slo_objective_ratio', { cluster: 'gone', slo: 'produce-availability' }), 0.999);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/ready`)).status, 503);
  await waitFor(
    'collection spans on the console exporter',
    () => /kafka-sre\.collect/.test(proc.output()) && /kafka\.Metadata/.test(proc.output()),
    20_000,
  );
  assert.match(proc.output(), /exporter-test/, 'OTEL_SERVICE_NAME is honoured');
  await waitFor(
    'OTLP metrics pushed to the receiver',
    () => /kafka_sre_exporter_up/.test(otlpBodies) && /kafka_sre_slo_events_total/.test(otlpBodies),
    20_000,
  );
});

const usageCases: { name: string; args: string[]; stderr: RegExp }[] = [
  {
    name: 'A malformed --bootstrap is a usage error.',
    args: ['exporter', '--bootstrap', 'no-port', '--port', '0'],
    stderr: /--bootstrap: "no-port" is not host:port/,
  },
  {
    name: 'An invalid filter regex is a usage error naming the field.',
    args: ['exporter', '--bootstrap', '127.0.0.1:1', '--port', '0', '--topic-deny', '('],
    stderr: /exporter\.topics\.deny: "\(" is not a valid regular expression/,
  },
  {
    name: 'No cluster at all is a usage error that says what to pass.',
    args: ['exporter', '--port', '0'],
    stderr: /pass --bootstrap/,
  },
  {
    name: 'A series limit below the minimum is a configuration error.',
    args: ['exporter', '--bootstrap', '127.0.0.1:1', '--series-limit', '5'],
    stderr: /exporter\.seriesLimit/,
  },
];
for (const c of usageCases) {
  test(c.name, async () => {
    const res = await runCli(c.args, { timeoutMs: 30_000 });
    assert.equal(res.code, 2, `exit code; stderr: ${res.stderr}`);
    assert.match(res.stderr, c.stderr);
  });
}
