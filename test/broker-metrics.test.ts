// test-budget: 120s
// The broker's /metrics scraped by a real Prometheus server on loopback: the target is up with no
// scrape error, every broker metric of the catalog is exposed, and counters move with traffic.
// (No `promtool check metrics`: it rejects the JMX-exporter naming conventions on purpose.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { brokerMetrics } from '../common/metrics/broker.js';
import { exposedNames } from '../common/metrics/index.js';
import { processFixture, waitFor } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-metrics');
let broker: BrokerProc;
let promUrl: string;

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  assert.equal(body.status, 'success');
  return body.data.result;
}

test.before(async () => {
  broker = await startBrokerProc(fx, join(dir, 'broker'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: kafka-broker\n    static_configs:\n      - targets: ['127.0.0.1:${broker.metricsPort}']\n`,
  );
  await fx.start(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prom')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    {
      readyWhen: /Server is ready to receive web requests/,
      readyTimeoutMs: 30_000,
    },
  );
  promUrl = `http://127.0.0.1:${port}`;
});

test('every broker metric of the catalog is exposed on /metrics', async () => {
  // Some series appear only after traffic (per-request timers): make some first.
  const kafka = new Kafka({ clientId: 'metrics-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'metered', messages: [{ value: 'x' }] });
  await producer.disconnect();
  const text = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
  const present = new Set(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]),
  );
  const missing = Object.values(brokerMetrics).flatMap((d) => exposedNames(d).filter((n) => !present.has(n)));
  assert.deepEqual(missing, []);
  assert.match(text, /kafka_network_requestmetrics_totaltimems\{quantile="0.99",request="Produce"\}/);
  assert.match(text, /kafka_log_log_logendoffset\{topic="metered",partition="0"\} 1/);
  assert.match(text, /kafka_server_kafkaserver_brokerstate 3/);
  assert.match(text, /kafka_controller_kafkacontroller_activecontrollercount 1/);
});

test('a real Prometheus scrapes the broker: target up, no scrape errors, counters move with traffic', async () => {
  await waitFor('target up', async () => (await query('up{job="kafka-broker"}'))[0]?.value[1] === '1', 30_000, 250);
  const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
    data: { activeTargets: { health: string; lastError: string }[] };
  };
  assert.equal(targets.data.activeTargets[0].health, 'up');
  assert.equal(targets.data.activeTargets[0].lastError, '');

  const before = Number(
    (await query('kafka_server_brokertopicmetrics_messagesin_total{topic=""}'))[0]?.value[1] ?? '0',
  );
  const kafka = new Kafka({ clientId: 'metrics-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < 5; i++)
    await producer.send({
      topic: 'scraped',
      messages: Array.from({ length: 100 }, (_, j) => ({ value: `m${i}-${j}` })),
    });
  await producer.disconnect();
  await waitFor(
    'messagesin to grow by 500',
    async () => {
      const now = Number(
        (await query('kafka_server_brokertopicmetrics_messagesin_total{topic=""}'))[0]?.value[1] ?? '0',
      );
      return now >= before + 500;
    },
    20_000,
    250,
  );
  const perTopic = await query('kafka_server_brokertopicmetrics_messagesin_total{topic="scraped"}');
  assert.equal(perTopic[0].value[1], '500');
  const produceCount = await query('kafka_network_requestmetrics_totaltimems_count{request="Produce"}');
  assert.ok(Number(produceCount[0].value[1]) >= 5);
  const errors = await query('kafka_network_requestmetrics_errors_total{request="Produce",error="NONE"}');
  assert.ok(Number(errors[0].value[1]) >= 5);
});
