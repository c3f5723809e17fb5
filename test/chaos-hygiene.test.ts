// Drill hygiene against a real Alertmanager (Debian's prometheus-alertmanager): the runner's
// silence for the drill's alerts exists while the drill runs and is expired afterwards.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { processFixture } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startPrometheus, tempDir, type TestPrometheus } from './chaos-fixtures.js';
import { echoServer, proxyServer } from './proxy-fixtures.js';
import { createSilence, expireSilence } from '../chaos/runner/hygiene.js';
import { runGameDay } from '../chaos/runner/runner.js';
import { parseSpec } from '../chaos/schema/parse.js';

const fx = processFixture();
let amUrl: string;
let prom: TestPrometheus;
let proxyUrl: string;
let dir: string;

interface AmSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean }[];
  comment: string;
}
const silences = async () => (await (await fetch(`${amUrl}/api/v2/silences`)).json()) as AmSilence[];

before(async () => {
  dir = await tempDir('chaos-am-');
  const port = await freePort();
  await writeFile(join(dir, 'am.yml'), 'route: { receiver: blackhole }\nreceivers: [{ name: blackhole }]\n');
  const startAm = fx.start(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.path=${join(dir, 'am-data')}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { readyPort: port, name: 'alertmanager' },
  );
  const [, p, echo, proxy] = await Promise.all([startAm, startPrometheus(fx), echoServer(), proxyServer()]);
  amUrl = `http://127.0.0.1:${port}`;
  prom = p;
  proxyUrl = proxy.url;
  await new Toxiproxy(proxyUrl).createProxy({ name: 'broker0-client', listen: '127.0.0.1:0', upstream: echo.address });
});

test('createSilence silences the named alerts; expireSilence ends it', async () => {
  const s = await createSilence(amUrl, ['KafkaBrokerDown', 'Kafka.Weird'], {
    drill: 'd',
    runId: 'r',
    endsAt: new Date(Date.now() + 60_000),
  });
  const active = (await silences()).find((x) => x.id === s.id)!;
  assert.equal(active.status.state, 'active');
  assert.deepEqual(active.matchers[0], {
    name: 'alertname',
    value: 'KafkaBrokerDown|Kafka\\.Weird',
    isRegex: true,
    isEqual: true,
  });
  await expireSilence(s);
  assert.equal((await silences()).find((x) => x.id === s.id)!.status.state, 'expired');
});

test('a drill with hygiene.mode silence creates the silence before injecting and expires it afterwards', async () => {
  const { spec, file } = parseSpec(`version: 1
name: quiet-drill
target: { kind: existing, name: am-target, bootstrapServers: [127.0.0.1:9], prometheusUrl: ${prom.url}, proxyApiUrl: ${proxyUrl}, alertmanagerUrl: ${amUrl} }
pollInterval: 200ms
hygiene: { mode: silence }
faults:
  - { type: network-latency, name: lat, target: { broker: 0 }, duration: 600ms, params: { latency: 5 } }
expectations:
  mustNotFire: [{ alert: ChaosTestNeverFiring }]
`);
  const outcome = await runGameDay({ loaded: { spec, file }, stateDir: dir });
  assert.equal(outcome.exitCode, 0, outcome.journal.reason);
  const types = outcome.journal.events.map((e) => e.type);
  assert.ok(types.indexOf('silence-created') < types.indexOf('fault-injected'));
  assert.ok(types.includes('silence-expired'));
  const mine = (await silences()).filter((s) => s.comment.includes('quiet-drill'));
  assert.equal(mine.length, 1);
  assert.equal(mine[0].status.state, 'expired');
});
