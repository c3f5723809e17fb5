// The `up` alerting service: real Prometheus and Alertmanager on free loopback ports, with the
// generated rules loaded and Prometheus sending to that Alertmanager; both stopped afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { alertingService } from '../alerts/up-service.js';
import { loadConfig } from '../common/config/load.js';
import { createLogger } from '../common/logging.js';
import { waitFor } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-up-alerting-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('up starts Prometheus with every generated rule group and Alertmanager as its target', async () => {
  const config = loadConfig({ env: {}, flags: { alerts: { up: { prometheusPort: 0, alertmanagerPort: 0, dir } } } });
  const svc = await alertingService.start({ config, logger: createLogger({ level: 'silent' }), started: [] });
  try {
    const prom = svc.endpoints.find((e) => e.what.startsWith('Prometheus'))?.url ?? '';
    const am = svc.endpoints.find((e) => e.what === 'Alertmanager')?.url ?? '';
    const groups = await waitFor('rule groups loaded', async () => {
      const body = (await (await fetch(`${prom}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
      return body.data.groups.length > 0 ? body.data.groups.map((g) => g.name) : undefined;
    });
    assert.ok(groups?.includes('kafka-sre-brokers') && groups.includes('kafka-sre-slo-alerts'), String(groups));
    await waitFor('alertmanager discovered', async () => {
      const body = (await (await fetch(`${prom}/api/v1/alertmanagers`)).json()) as {
        data: { activeAlertmanagers: { url: string }[] };
      };
      return body.data.activeAlertmanagers.some((a) => a.url.startsWith(am));
    });
    assert.equal((await fetch(`${am}/-/ready`)).status, 200);
  } finally {
    await svc.stop();
  }
});
