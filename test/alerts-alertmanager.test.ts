// A real Alertmanager on loopback with the generated alertmanager.yml: alerts posted through the
// v2 API are inhibited by their cause on the same cluster only (status.inhibitedBy).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { alertsSection } from '../common/config/sections/alerts.js';
import { generateFiles, OUTPUT_LAYOUT } from '../alerts/generate.js';
import { allAlerts, buildModel } from '../alerts/model.js';
import { writeFiles } from '../alerts/write.js';
import { freePort } from './support/ports.js';
import { processFixture, waitFor } from './support/processes.js';

const fixture = processFixture();
let dir = '';
let base = '';

interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

const severity = new Map(allAlerts(buildModel(alertsSection.parse({}))).map((a) => [a.alert, a.labels.severity]));
const alert = (alertname: string, cluster: string, extra: Record<string, string> = {}) => ({
  labels: { alertname, cluster, severity: severity.get(alertname) ?? 'missing', ...extra },
  annotations: { summary: `${alertname} on ${cluster}` },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-sre-am-'));
  writeFiles(
    dir,
    generateFiles(alertsSection.parse({}), { reference: { brokers: 1, host: '127.0.0.1', metricsPort: 7071 } }),
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await fixture.start(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, OUTPUT_LAYOUT.alertmanager)}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { readyPort: port, name: 'alertmanager' },
  );
  await waitFor('alertmanager ready', async () => (await fetch(`${base}/-/ready`)).ok, 20_000);
});

after(async () => {
  await fixture.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

test('causes inhibit their symptoms on the same cluster and nowhere else', async () => {
  const posted = [
    alert('KafkaBrokerDown', 'c1', { instance: 'broker-1:7071', job: 'kafka-broker' }),
    alert('KafkaUnderReplicatedPartitions', 'c1', { instance: 'broker-2:7071' }),
    alert('KafkaIsrShrinking', 'c1', { instance: 'broker-2:7071' }),
    alert('KafkaRequestLatencyHigh', 'c1', { instance: 'broker-2:7071', request: 'Produce' }),
    alert('KafkaUnderReplicatedPartitions', 'c2', { instance: 'broker-9:7071' }),
    alert('KafkaNoActiveController', 'c1'),
    alert('KafkaOfflinePartitions', 'c1'),
    alert('KafkaOfflinePartitions', 'c2'),
    alert('KafkaExporterDown', 'c1', { instance: 'exporter:9308', job: 'kafka-exporter' }),
    alert('KafkaConsumerLagHigh', 'c1', { consumergroup: 'orders', topic: 'orders' }),
    alert('KafkaConsumerStalled', 'c1', { consumergroup: 'orders', topic: 'orders', partition: '0' }),
    alert('KafkaConsumerLagHigh', 'c2', { consumergroup: 'orders', topic: 'orders' }),
    alert('KafkaEndToEndProbeFailing', 'c1'),
  ];
  const res = await fetch(`${base}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(posted),
  });
  assert.equal(res.status, 200, await res.text());

  const expectInhibited = new Set([
    'KafkaUnderReplicatedPartitions/c1',
    'KafkaIsrShrinking/c1',
    'KafkaRequestLatencyHigh/c1',
    'KafkaOfflinePartitions/c1',
    'KafkaConsumerLagHigh/c1',
    'KafkaConsumerStalled/c1',
  ]);
  const key = (a: AmAlert) => `${a.labels.alertname}/${a.labels.cluster}`;
  const alerts: AmAlert[] =
    (await waitFor(
      'inhibitions applied',
      async () => {
        const list = (await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[];
        const inhibited = list.filter((a) => a.status.inhibitedBy.length > 0).map(key);
        return list.length === posted.length && inhibited.length === expectInhibited.size ? list : undefined;
      },
      15_000,
    )) ?? [];

  const byKey = new Map(alerts.map((a) => [key(a), a]));
  const fingerprint = (k: string) => byKey.get(k)?.fingerprint;
  for (const a of alerts) {
    const k = key(a);
    if (expectInhibited.has(k)) {
      assert.equal(a.status.state, 'suppressed', k);
      assert.ok(a.status.inhibitedBy.length > 0, k);
    } else {
      assert.deepEqual(a.status.inhibitedBy, [], `${k} must not be inhibited`);
      assert.equal(a.status.state, 'active', k);
    }
  }
  // Each symptom names its own cause.
  assert.deepEqual(byKey.get('KafkaUnderReplicatedPartitions/c1')?.status.inhibitedBy, [
    fingerprint('KafkaBrokerDown/c1'),
  ]);
  assert.deepEqual(byKey.get('KafkaOfflinePartitions/c1')?.status.inhibitedBy, [
    fingerprint('KafkaNoActiveController/c1'),
  ]);
  assert.deepEqual(byKey.get('KafkaConsumerLagHigh/c1')?.status.inhibitedBy, [fingerprint('KafkaExporterDown/c1')]);
});
