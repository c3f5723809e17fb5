// A real Prometheus on loopback with the generated prometheus.yml and rule files reports every
// rule group healthy with no evaluation errors. The scrape targets here are a stand-in HTTP
// server that serves one series of every catalog metric the rules read, labelled as the catalog
// declares (the live check against the running broker and exporter comes with the broker part).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { alertsSection } from '../common/config/sections/alerts.js';
import { lookupExposed } from '../common/metrics/index.js';
import { generateFiles, OUTPUT_LAYOUT } from '../alerts/generate.js';
import { buildModel } from '../alerts/model.js';
import { metricUsage } from '../alerts/validate.js';
import { writeFiles } from '../alerts/write.js';
import { freePort } from './support/ports.js';
import { processFixture, waitFor } from './support/processes.js';

const fixture = processFixture();
const servers: Server[] = [];
let dir = '';
let promUrl = '';

const labelValues: Record<string, string> = {
  topic: 'orders',
  partition: '0',
  consumergroup: 'g1',
  request: 'Produce',
  quantile: '0.99',
  error: 'NONE',
  listener: 'PLAINTEXT',
  logdir: '/data',
  broker: '1',
  state: 'Stable',
  slo: 'produce-availability',
  cluster: 'c1',
  le: '+Inf',
};

/** Exposition text with one sample of every catalog series the rules read, for one source. */
function exposition(source: 'broker' | 'exporter', model: ReturnType<typeof buildModel>): string {
  const lines = new Set<string>();
  for (const u of metricUsage(model)) {
    const name = u.verdict === 'catalog-variant' ? u.name.replace(/_total$/, '') : u.name;
    const def = lookupExposed(name);
    if (!def || def.source !== source || (u.verdict !== 'catalog' && u.verdict !== 'catalog-variant')) continue;
    const labels = def.labels.filter((l) => l !== 'quantile' || name === def.name);
    const body = labels.map((l) => `${l}="${labelValues[l] ?? 'x'}"`).join(',');
    lines.add(`${u.name}{${body}} 1`);
  }
  return [...lines].join('\n') + '\n';
}

/** An in-process /metrics server: binds port 0 and reports the port the kernel chose. */
async function serve(text: string): Promise<number> {
  const srv = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
  );
  servers.push(srv);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return (srv.address() as AddressInfo).port;
}

before(async () => {
  const base = alertsSection.parse({});
  const model = buildModel(base);
  const [brokerPort, exporterPort, promPort, amPort] = await Promise.all([
    serve(exposition('broker', model)),
    serve(exposition('exporter', model)),
    freePort(),
    freePort(),
  ]);
  const config = alertsSection.parse({
    evaluationInterval: '1s',
    scrape: {
      interval: '1s',
      alertmanagers: [`127.0.0.1:${amPort}`],
      clusters: [{ name: 'c1', brokers: [`127.0.0.1:${brokerPort}`], exporters: [`127.0.0.1:${exporterPort}`] }],
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'kafka-sre-prom-'));
  writeFiles(dir, generateFiles(config, { reference: { brokers: 1, host: '127.0.0.1', metricsPort: 7071 } }));
  promUrl = `http://127.0.0.1:${promPort}`;
  await fixture.start(
    'prometheus',
    [
      `--config.file=${join(dir, OUTPUT_LAYOUT.prometheusConfig)}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { readyPort: promPort, name: 'prometheus' },
  );
});

after(async () => {
  await fixture.stopAll();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RuleStatus {
  name: string;
  health: string;
  lastError?: string;
  lastEvaluation: string;
}
interface GroupStatus {
  name: string;
  file: string;
  rules: RuleStatus[];
  lastEvaluation: string;
}

test('Prometheus loads every generated group and evaluates all rules without errors', async () => {
  const targets =
    (await waitFor(
      'both targets up',
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
          data: { activeTargets: { labels: Record<string, string>; health: string }[] };
        };
        const t = body.data.activeTargets;
        return t.length === 2 && t.every((x) => x.health === 'up') ? t : undefined;
      },
      20_000,
    )) ?? [];
  assert.deepEqual(
    targets.map((t) => t.labels.cluster),
    ['c1', 'c1'],
    'relabeling adds the cluster label to both jobs',
  );

  const groups =
    (await waitFor(
      'every rule evaluated',
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: GroupStatus[] } };
        const g = body.data.groups;
        const evaluated = g.every((x) => x.rules.every((r) => r.health !== 'unknown'));
        return g.length > 0 && evaluated ? g : undefined;
      },
      20_000,
    )) ?? [];
  const expectedGroups = buildModel(alertsSection.parse({})).groups.map((g) => g.name);
  assert.deepEqual(groups.map((g) => g.name).sort(), [...expectedGroups].sort());
  const bad = groups.flatMap((g) =>
    g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ''}`),
  );
  assert.deepEqual(bad, []);
});
