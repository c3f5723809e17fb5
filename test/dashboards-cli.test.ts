// `kafka-sre dashboards generate|publish` through the real CLI. No Grafana runs here, so publish
// talks to a small loopback HTTP server that records each request and answers like Grafana's
// POST /api/dashboards/db.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from './support/processes.js';
import { freePort } from './support/ports.js';

const uids = [
  'kafka-sre-executive',
  'kafka-sre-oncall',
  'kafka-sre-debug',
  'kafka-sre-lag',
  'kafka-sre-slo',
  'kafka-sre-gameday',
];

interface Recorded {
  method: string;
  url: string;
  authorization?: string;
  body: {
    dashboard: { uid: string; id: unknown; panels: unknown[] };
    overwrite: boolean;
    folderUid?: string;
    message: string;
  };
}
const recorded: Recorded[] = [];
/** uid -> [status, body] for answers other than success. */
const failWith = new Map<string, [number, object]>();

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

const grafana = createServer(async (req, res) => {
  const body = JSON.parse(await readBody(req)) as Recorded['body'];
  recorded.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
  const uid = body.dashboard.uid;
  const [status, answer] = failWith.get(uid) ?? [
    200,
    { id: recorded.length, uid, url: `/d/${uid}/generated`, status: 'success', version: 3 },
  ];
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
});
await new Promise<void>((resolve) => grafana.listen(0, '127.0.0.1', resolve));
const port = (grafana.address() as { port: number }).port;
after(() => new Promise<void>((resolve) => grafana.close(() => resolve())));

const env = (extra: Record<string, string | undefined> = {}) => {
  const e: NodeJS.ProcessEnv = { ...process.env, GRAFANA_TOKEN: 'glsa_test_token', ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete e[k];
  return { env: e, timeoutMs: 60_000 };
};

test('generate writes one JSON per dashboard and the ConfigMap and GrafanaDashboard forms of the same JSON.', async () => {
  const out = mkdtempSync(join(tmpdir(), 'kafka-sre-dash-'));
  const r = await runCli(['dashboards', 'generate', '--out', out], env());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    readdirSync(out)
      .filter((f) => f.endsWith('.json'))
      .sort(),
    uids.map((u) => `${u}.json`).sort(),
  );
  const files = new Map(uids.map((u) => [u, readFileSync(join(out, `${u}.json`), 'utf8')]));
  for (const [uid, text] of files) assert.equal((JSON.parse(text) as { uid: string }).uid, uid);

  const cms = parseAllDocuments(readFileSync(join(out, 'kubernetes', 'configmaps.yaml'), 'utf8')).map(
    (d) =>
      d.toJS() as {
        kind: string;
        metadata: { name: string; labels: Record<string, string> };
        data: Record<string, string>;
      },
  );
  assert.deepEqual(
    cms.map((c) => [c.kind, c.metadata.name]),
    uids.map((u) => ['ConfigMap', u]),
  );
  for (const c of cms) {
    assert.equal(c.metadata.labels.grafana_dashboard, '1');
    assert.equal(c.data[`${c.metadata.name}.json`].trim(), files.get(c.metadata.name)!.trim());
  }
  const gds = parseAllDocuments(readFileSync(join(out, 'kubernetes', 'grafanadashboards.yaml'), 'utf8')).map(
    (d) =>
      d.toJS() as {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: { json: string; instanceSelector: { matchLabels: Record<string, string> } };
      },
  );
  assert.deepEqual(
    gds.map((g) => [g.apiVersion, g.kind, g.metadata.name]),
    uids.map((u) => ['grafana.integreatly.org/v1beta1', 'GrafanaDashboard', u]),
  );
  for (const g of gds) {
    assert.deepEqual(JSON.parse(g.spec.json), JSON.parse(files.get(g.metadata.name)!));
    assert.deepEqual(g.spec.instanceSelector.matchLabels, { dashboards: 'grafana' });
  }
});

test('publish posts every dashboard to /api/dashboards/db with the token and reports each result.', async () => {
  recorded.length = 0;
  const r = await runCli(
    ['dashboards', 'publish', '--grafana-url', `http://127.0.0.1:${port}/grafana/`, '--folder-uid', 'kafka'],
    env(),
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(
    recorded.map((q) => q.body.dashboard.uid),
    uids,
  );
  for (const q of recorded) {
    assert.equal(q.method, 'POST');
    assert.equal(q.url, '/grafana/api/dashboards/db');
    assert.equal(q.authorization, 'Bearer glsa_test_token');
    assert.equal(q.body.overwrite, true);
    assert.equal(q.body.folderUid, 'kafka');
    assert.equal(q.body.dashboard.id, null);
    assert.ok(q.body.dashboard.panels.length > 5);
  }
  for (const uid of uids)
    assert.match(r.stdout, new RegExp(`^ok\\s+${uid}\\s+200\\s+success /d/${uid}/generated version 3$`, 'm'));
  assert.match(r.stdout, /published 6 dashboards/);
});

test('publish reports a rejected dashboard, still sends the rest, and exits 1.', async () => {
  recorded.length = 0;
  failWith.set('kafka-sre-slo', [
    412,
    { message: 'The dashboard has been changed by someone else', status: 'version-mismatch' },
  ]);
  try {
    const r = await runCli(
      [
        'dashboards',
        'publish',
        '--grafana-url',
        `http://127.0.0.1:${port}`,
        '--only',
        'kafka-sre-lag,kafka-sre-slo,kafka-sre-gameday',
      ],
      env(),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      recorded.map((q) => q.body.dashboard.uid),
      ['kafka-sre-lag', 'kafka-sre-slo', 'kafka-sre-gameday'],
    );
    assert.equal(recorded[0].body.folderUid, undefined);
    assert.match(r.stdout, /^FAIL\s+kafka-sre-slo\s+412\s+The dashboard has been changed by someone else$/m);
    assert.match(r.stdout, /^ok\s+kafka-sre-gameday\s+200/m);
    assert.match(r.stderr, /1 of 3 dashboards were not published/);
  } finally {
    failWith.clear();
  }
});

test('publish without a token or with a bad URL is a usage error; an unreachable Grafana is a runtime failure.', async () => {
  recorded.length = 0;
  const noToken = await runCli(
    ['dashboards', 'publish', '--grafana-url', `http://127.0.0.1:${port}`],
    env({ GRAFANA_TOKEN: undefined }),
  );
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /set GRAFANA_TOKEN/);
  const badUrl = await runCli(['dashboards', 'publish', '--grafana-url', 'localhost:3000'], env());
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /must be http or https|is not a URL/);
  assert.equal(recorded.length, 0);
  const closed = await freePort();
  const down = await runCli(
    ['dashboards', 'publish', '--grafana-url', `http://127.0.0.1:${closed}`, '--only', 'kafka-sre-lag'],
    env(),
  );
  assert.equal(down.code, 1);
  assert.match(down.stdout, /^FAIL\s+kafka-sre-lag\s+-\s+\S/m);
});

test('list names the six dashboards; queries --substitute prints every query with no template variable left.', async () => {
  const list = await runCli(['dashboards', 'list'], env());
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    list.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]),
    uids,
  );
  const qs = await runCli(['dashboards', 'queries', '--substitute'], env());
  assert.equal(qs.code, 0, qs.stderr);
  const lines = qs.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { dashboard: string; expr: string; faultOnly?: string });
  assert.ok(lines.length > 100, `${lines.length} queries`);
  assert.deepEqual(
    lines.filter((l) => l.expr.includes('$')),
    [],
  );
  assert.ok(lines.some((l) => l.faultOnly));
});
