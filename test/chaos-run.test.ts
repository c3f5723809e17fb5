// test-budget: 90s
// `kafka-sre chaos run` end to end against real processes: a real Prometheus (always-firing and
// never-firing rules) and our Toxiproxy-compatible proxy in front of a TCP echo server. Proves:
// bad specs and pre-flight problems stop before anything is injected (exit 2), a passing drill
// exits 0 and writes its reports, a wrong expectation exits 1 with a failing JUnit case, SIGINT
// mid-fault still removes the toxic, and a crashed run's leftover toxic is cleaned up next time.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { processFixture, runCli, waitFor } from './support/processes.js';
import { freePort } from './support/ports.js';
import { startPrometheus, tempDir, type TestPrometheus } from './chaos-fixtures.js';
import { echoServer, proxyServer } from './proxy-fixtures.js';
import { lockFileFor } from '../chaos/runner/lock.js';

const fx = processFixture();
let prom: TestPrometheus;
let proxyUrl: string;
let tp: Toxiproxy;
let dir: string;

before(async () => {
  dir = await tempDir('chaos-run-');
  const [p, echo, proxy] = await Promise.all([startPrometheus(fx), echoServer(), proxyServer()]);
  prom = p;
  proxyUrl = proxy.url;
  tp = new Toxiproxy(proxyUrl);
  await tp.createProxy({ name: 'broker0-client', listen: '127.0.0.1:0', upstream: echo.address });
});

function spec(opts: {
  name: string;
  duration?: string;
  expectations?: string;
  prometheusUrl?: string;
  faultType?: string;
}): string {
  return `version: 1
name: ${opts.name}
target:
  kind: existing
  name: test-target-${opts.name}
  bootstrapServers: [127.0.0.1:9]
  prometheusUrl: ${opts.prometheusUrl ?? prom.url}
  proxyApiUrl: ${proxyUrl}
pollInterval: 250ms
faults:
  - type: ${opts.faultType ?? 'network-latency'}
    name: slow
    target: { broker: 0, listener: client }
    duration: ${opts.duration ?? '1500ms'}
    params: { latency: 200, stream: both }
expectations:
${opts.expectations ?? '  mustNotFire:\n    - alert: ChaosTestNeverFiring\n'}
safety:
  maxDuration: 2m
`;
}

async function writeSpec(name: string, text: string): Promise<string> {
  const f = join(dir, `${name}.yaml`);
  await writeFile(f, text);
  return f;
}

const toxicsNow = async () => (await (await tp.get('broker0-client')).toJson()).toxics ?? [];
async function toxicNames(): Promise<string[]> {
  const res = await fetch(`${proxyUrl}/proxies/broker0-client/toxics`);
  return ((await res.json()) as { name: string }[]).map((t) => t.name);
}

test('an unknown fault type fails with exit 2, naming the field and line', async () => {
  const f = await writeSpec('bad-type', spec({ name: 'bad-type', faultType: 'network-lagg' }));
  const r = await runCli(['chaos', 'run', f, '--state-dir', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bad-type\.yaml:\d+:\d+: faults\[0\]\.type: unknown fault type/);
});

test('an unreachable Prometheus fails the pre-flight with exit 2 before anything is injected', async () => {
  const f = await writeSpec(
    'no-prom',
    spec({ name: 'no-prom', prometheusUrl: `http://127.0.0.1:${await freePort()}` }),
  );
  const r = await runCli(['chaos', 'run', f, '--state-dir', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /pre-flight failed, nothing was injected[\s\S]*target\.prometheusUrl: Prometheus at .* unreachable \(ECONNREFUSED\)/,
  );
  assert.deepEqual(await toxicsNow(), []);
});

test('a non-loopback host is refused by the default allow-list', async () => {
  const f = await writeSpec('far', spec({ name: 'far' }).replace('127.0.0.1:9]', '10.1.2.3:9092]'));
  const r = await runCli(['chaos', 'run', f, '--state-dir', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bootstrap server host 10\.1\.2\.3 is not on target\.allowedHosts/);
});

test('--dry-run prints the plan and touches nothing', async () => {
  const f = await writeSpec('dry', spec({ name: 'dry' }));
  const r = await runCli(['chaos', 'run', f, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /latency toxic \{"latency":200,"jitter":0\} on proxy broker0-client \(upstream\+downstream/);
  assert.match(r.stdout, /ChaosTestNeverFiring must not fire/);
});

test('a drill whose expectations hold exits 0, injects and rolls back the toxic, and writes its reports', async () => {
  const f = await writeSpec('ok', spec({ name: 'ok' }));
  const report = join(dir, 'report-ok');
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /game day ok: PASSED/);
  assert.deepEqual(await toxicNames(), []);
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as {
    status: string;
    events: { type: string; t: number }[];
  };
  assert.equal(journal.status, 'passed');
  const types = journal.events.map((e) => e.type);
  for (const t of ['pre-flight-ok', 'fault-injected', 'fault-rolled-back', 'run-finished'])
    assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
  const injected = journal.events.find((e) => e.type === 'fault-injected')!.t;
  const back = journal.events.find((e) => e.type === 'fault-rolled-back')!.t;
  assert.ok(back - injected >= 1400, `fault lasted ${back - injected} ms`);
  const junit = await readFile(join(report, 'junit.xml'), 'utf8');
  assert.match(junit, /tests="1" failures="0"/);
  const html = await readFile(join(report, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.match(html, /fault slow/);
  assert.match(html, /alert ChaosTestAlwaysFiring/, 'the timeline shows the alert that fired during the drill');
});

test('a wrong expectation fails the run with exit 1 and a failing JUnit test case', async () => {
  const f = await writeSpec(
    'broken',
    spec({
      name: 'broken',
      expectations:
        '  alerts:\n    - alert: ChaosTestNeverFiring\n      fireWithin: 1s\n      resolveWithin: 1s\n  mustNotFire:\n    - alert: ChaosTestAlwaysFiring\n',
    }),
  );
  const report = join(dir, 'report-broken');
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /FAIL ChaosTestNeverFiring on slow: did not fire within 1000 ms/);
  assert.match(r.stdout, /FAIL ChaosTestAlwaysFiring must not fire: fired at/);
  const junit = await readFile(join(report, 'junit.xml'), 'utf8');
  assert.match(junit, /tests="2" failures="2"/);
  assert.match(junit, /<failure message="did not fire within 1000 ms of the fault"/);
  assert.deepEqual(await toxicNames(), []);
});

test('SIGINT mid-fault rolls the toxic back and reports the drill as aborted', async () => {
  const f = await writeSpec('sigint', spec({ name: 'sigint', duration: '60s' }));
  const report = join(dir, 'report-sigint');
  const proc = await fx.startCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--metrics-port', '0'], {
    readyWhen: /game-day metrics on (\S+)/,
  });
  const metricsUrl = /game-day metrics on (\S+)/.exec(proc.output())![1];
  await waitFor('the toxic to be injected', async () => (await toxicNames()).length === 2, 20_000, 100);
  // The annotation metric the game-day dashboard reads.
  const scraped = await waitFor(
    'fault_active = 1',
    async () => {
      const text = await (await fetch(metricsUrl)).text();
      return /kafka_sre_gameday_fault_active\{gameday="sigint",fault="slow",target="test-target-sigint"\} 1/.test(text)
        ? text
        : undefined;
    },
    5000,
    100,
  );
  assert.match(scraped!, /kafka_sre_gameday_active\{gameday="sigint"\} 1/);
  proc.kill('SIGINT');
  const { code } = await proc.exited;
  assert.equal(code, 1, proc.output());
  assert.deepEqual(await toxicNames(), []);
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as {
    status: string;
    reason: string;
  };
  assert.equal(journal.status, 'aborted');
  assert.match(journal.reason, /interrupted \(SIGINT\)/);
  await assert.rejects(readFile(lockFileFor(dir, 'test-target-sigint')), /ENOENT/, 'the lock is released');
});

test('leftovers of a crashed run are cleaned up at the next start', async () => {
  const proxy = await tp.get('broker0-client');
  await proxy.addToxic({
    name: 'gameday-crashed-downstream',
    type: 'timeout',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 0 },
  });
  const lockFile = lockFileFor(dir, 'test-target-crash');
  await mkdir(join(dir, 'locks'), { recursive: true });
  await writeFile(
    lockFile,
    JSON.stringify({
      runId: 'dead-run',
      pid: 2 ** 22 + 11,
      host: hostname(),
      spec: 'crash',
      target: 'test-target-crash',
      startedAt: new Date().toISOString(),
      leftovers: [
        {
          fault: 'crashed',
          type: 'network-timeout',
          data: { proxies: ['broker0-client'], toxics: ['gameday-crashed-downstream'] },
        },
      ],
    }),
  );
  const f = await writeSpec('crash', spec({ name: 'crash', duration: '300ms' }));
  const report = join(dir, 'report-crash');
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as {
    events: { type: string; fault?: string }[];
  };
  assert.ok(
    journal.events.some((e) => e.type === 'leftover-cleaned' && e.fault === 'crashed'),
    JSON.stringify(journal.events),
  );
  assert.deepEqual(await toxicNames(), []);
});

test('an abort condition that holds stops the drill early, rolls back and exits 1', async () => {
  const text = spec({ name: 'abort', duration: '60s' })
    .replace(
      'safety:\n  maxDuration: 2m\n',
      'safety:\n  maxDuration: 2m\n  abortWhen:\n    - { name: always-bad, query: "vector(1)", comparator: ">", value: 0, consecutive: 2 }\n',
    )
    .replace('pollInterval: 250ms\n', 'pollInterval: 250ms\nsteadyState: { interval: 300ms }\n');
  const f = await writeSpec('abort', text);
  const report = join(dir, 'report-abort');
  const started = Date.now();
  const r = await runCli(['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(Date.now() - started < 30_000);
  assert.match(r.stdout, /ABORTED \(abort condition always-bad held 2 times in a row/);
  assert.deepEqual(await toxicNames(), []);
  assert.match(await readFile(join(report, 'junit.xml'), 'utf8'), /drill ran to completion/);
});
