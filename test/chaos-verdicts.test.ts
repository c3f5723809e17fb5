// test-budget: 90s
// Strict game-day verdicts, end to end through `kafka-sre chaos run` (real Prometheus, our
// Toxiproxy-compatible proxy in front of a TCP echo server):
//  - a rollback that fails (the proxy API goes away mid-fault) fails the run with exit 1, and
//    stdout, journal, JUnit and HTML name the fault left injected (type, target, error);
//  - a Prometheus that goes away mid-drill (killed by PID) makes the alert expectations FAIL
//    "inconclusive: N of M polls failed, last error ...", never a pass.
// The data check's verdicts (lost-write, duplicate, nonmonotonic-send, indeterminate) are unit
// tests in chaos/load/data-check.test.ts and a broker test in test/chaos-load-broker.test.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { processFixture, waitFor } from './support/processes.js';
import { startPrometheus, tempDir } from './chaos-fixtures.js';
import { echoServer, proxyServer } from './proxy-fixtures.js';
import { lockFileFor } from '../chaos/runner/lock.js';

const fx = processFixture();
let dir: string;

before(async () => {
  dir = await tempDir('chaos-verdicts-');
});

function spec(o: {
  name: string;
  prometheusUrl: string;
  proxyUrl: string;
  duration: string;
  expectations: string;
  extra?: string;
}): string {
  return `version: 1
name: ${o.name}
target: { kind: existing, name: target-${o.name}, bootstrapServers: [127.0.0.1:9], prometheusUrl: ${o.prometheusUrl}, proxyApiUrl: ${o.proxyUrl} }
pollInterval: 250ms
${o.extra ?? ''}faults:
  - { type: network-latency, name: slow, target: { broker: 0, listener: client }, duration: ${o.duration}, params: { latency: 100, stream: both } }
expectations:
${o.expectations}
safety: { maxDuration: 1m }
`;
}

/** A proxy "broker0-client" in front of an echo server, on a proxy API this test may stop. */
async function proxyWithOneProxy(): Promise<{ url: string; close(): Promise<void>; toxics(): Promise<string[]> }> {
  const [echo, proxy] = await Promise.all([echoServer(), proxyServer()]);
  await new Toxiproxy(proxy.url).createProxy({ name: 'broker0-client', listen: '127.0.0.1:0', upstream: echo.address });
  return {
    url: proxy.url,
    close: () => proxy.close(),
    toxics: async () =>
      ((await (await fetch(`${proxy.url}/proxies/broker0-client/toxics`)).json()) as { name: string }[]).map(
        (t) => t.name,
      ),
  };
}

type Journal = { status: string; reason?: string; events: { type: string; [k: string]: unknown }[] };

test('a rollback that fails fails the run (exit 1) and every output names the fault left injected', async () => {
  const [prom, proxy] = await Promise.all([startPrometheus(fx), proxyWithOneProxy()]);
  const f = join(dir, 'rollback.yaml');
  await writeFile(
    f,
    spec({
      name: 'rollback-fails',
      prometheusUrl: prom.url,
      proxyUrl: proxy.url,
      duration: '3s',
      expectations: '  mustNotFire: [{ alert: ChaosTestNeverFiring }]',
    }),
  );
  const report = join(dir, 'report-rollback');
  const run = await fx.startCli(
    ['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet', '--metrics-port', '0'],
    { readyWhen: /game-day metrics on/ },
  );
  await waitFor('the toxics to be injected', async () => (await proxy.toxics()).length === 2, 20_000, 100);
  // The proxy API goes away while the fault is in: its rollback (remove the toxics) cannot succeed.
  await proxy.close();
  const { code } = await run.exited;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(
    out,
    /game day rollback-fails: ABORTED \(fault slow left injected \(network-latency on broker 0, listener client: latency toxic .*\): rollback failed: .+; undo it by hand/,
  );
  assert.match(out, /^ {2}FAIL rollback: fault slow left injected \(network-latency on broker 0, listener client/m);
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as Journal;
  assert.equal(journal.status, 'aborted');
  const left = journal.events.find((e) => e.type === 'fault-left-injected');
  assert.ok(left, JSON.stringify(journal.events.map((e) => e.type)));
  assert.equal(left.faultType, 'network-latency');
  assert.equal(left.fault, 'slow');
  assert.equal(left.target, 'broker 0, listener client');
  assert.match(String(left.error), /./);
  const junit = await readFile(join(report, 'junit.xml'), 'utf8');
  assert.match(
    junit,
    /<testcase [^>]*name="fault slow is rolled back"[^>]*><failure message="fault slow left injected \(network-latency on broker 0/,
  );
  assert.match(await readFile(join(report, 'report.html'), 'utf8'), /fault slow left injected/);
  assert.ok(existsSync(lockFileFor(dir, 'target-rollback-fails')), 'the lock file keeps the leftover for the next run');
});

test('a Prometheus that goes away mid-drill makes the alert expectations FAIL inconclusive, never pass', async () => {
  const [prom, proxy] = await Promise.all([startPrometheus(fx), proxyWithOneProxy()]);
  const f = join(dir, 'prom-gone.yaml');
  await writeFile(
    f,
    spec({
      name: 'prom-gone',
      prometheusUrl: prom.url,
      proxyUrl: proxy.url,
      duration: '3s',
      extra:
        'steadyState:\n  probes:\n    - { type: prometheus, name: answers, query: "vector(1)", comparator: "==", value: 1, when: [before, after] }\n',
      expectations:
        '  alerts:\n    - { alert: ChaosTestNeverFiring, fireWithin: 2s, resolveWithin: 2s }\n  mustNotFire: [{ alert: ChaosTestNeverFiring }]',
    }),
  );
  const report = join(dir, 'report-prom-gone');
  const run = await fx.startCli(
    ['chaos', 'run', f, '--report', report, '--state-dir', dir, '--quiet', '--metrics-port', '0'],
    { readyWhen: /game-day metrics on/ },
  );
  await waitFor('the toxics to be injected', async () => (await proxy.toxics()).length === 2, 20_000, 100);
  prom.proc.kill('SIGKILL');
  await prom.proc.exited;
  const { code } = await run.exited;
  const out = run.output();
  assert.equal(code, 1, out);
  const unreachable =
    'last error Prometheus at http://127\\.0\\.0\\.1:\\d+ unreachable \\((ECONNREFUSED|UND_ERR_SOCKET)\\)';
  // Without the poll accounting these were "did not fire within 2000 ms" and "PASS ... never fired".
  assert.match(
    out,
    new RegExp(
      `FAIL ChaosTestNeverFiring on slow: inconclusive: \\d+ of \\d+ polls failed, ${unreachable}; the polls that answered show: did not fire within 2000 ms of the fault`,
    ),
  );
  assert.match(
    out,
    new RegExp(
      `FAIL ChaosTestNeverFiring must not fire: inconclusive: \\d+ of \\d+ polls failed, ${unreachable}; not firing in the \\d+ polls that answered`,
    ),
  );
  assert.match(out, /prometheus: \d+ of \d+ polls of http:\/\/127\.0\.0\.1:\d+ failed, last error/);
  assert.doesNotMatch(out, /PASS/);
  assert.deepEqual(await proxy.toxics(), [], 'the fault was rolled back all the same');
  const journal = JSON.parse(await readFile(join(report, 'journal.json'), 'utf8')) as Journal;
  assert.equal(journal.status, 'failed');
  assert.match(journal.reason ?? '', /steady state after: answers: inconclusive: vector\(1\) did not answer/);
  assert.ok(journal.events.some((e) => e.type === 'expectation' && e.inconclusive === true));
  assert.match(await readFile(join(report, 'junit.xml'), 'utf8'), /failures="3"/);
});
