// `kafka-sre chaos proxy` as a user runs it: flags, the populate file (--config), the toolkit
// YAML (-c before the subcommand), where it listens, clean stop on SIGTERM/SIGINT, exit codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { Toxiproxy } from 'toxiproxy-node-client';
import { processFixture, runCli } from './support/processes.js';
import { freePort } from './support/ports.js';
import { echoServer, portOf, roundTrip, tcpConnect, type TcpServer } from './proxy-fixtures.js';

const procs = processFixture();
const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-proxy-cli-'));
let echo: TcpServer;

before(async () => {
  echo = await echoServer();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('kafka-sre chaos proxy', () => {
  it('starts with a populate file, prints where it listens, serves metrics and stops on SIGTERM', async () => {
    const port = await freePort();
    const populate = join(dir, 'populate.json');
    writeFileSync(
      populate,
      JSON.stringify([
        { name: 'echo', listen: '127.0.0.1:0', upstream: echo.address },
        { name: 'idle', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
      ]),
    );
    const proc = await procs.startCli(
      ['chaos', 'proxy', '--port', String(port), '--config', populate, '--proxy-metrics', '--log-level', 'warn'],
      { readyWhen: /listening on/ },
    );
    assert.match(proc.output(), new RegExp(`Toxiproxy API listening on http://127\\.0\\.0\\.1:${port}`));
    assert.match(proc.output(), /proxy echo: 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/);
    assert.match(proc.output(), /proxy idle: .*\(disabled\)/);
    const client = new Toxiproxy(`http://127.0.0.1:${port}`);
    const proxies = await client.getAll();
    assert.deepEqual(Object.keys(proxies), ['echo', 'idle']);
    await roundTrip(await tcpConnect(portOf(proxies.echo.listen)), 'hi');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /toxiproxy_proxy_received_bytes_total\{direction="upstream",proxy="echo"/);
    await proc.stop();
    assert.deepEqual(await proc.exited, { code: 0, signal: null });
  });

  it('takes settings from the toolkit YAML given before the subcommand', async () => {
    const port = await freePort();
    const yaml = join(dir, 'kafka-sre.yaml');
    writeFileSync(yaml, `proxy:\n  port: ${port}\n  seed: 7\n`);
    const proc = await procs.startCli(['-c', yaml, 'chaos', 'proxy', '--log-level', 'warn'], {
      readyWhen: /listening on/,
    });
    assert.match(proc.output(), new RegExp(`127\\.0\\.0\\.1:${port}`));
    proc.kill('SIGINT');
    assert.equal((await proc.exited).code, 0);
  });

  it('exits 2 for a bad populate file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"name": "not a list"}');
    const r = await runCli(['chaos', 'proxy', '--port', '0', '--config', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--config: .*expected a JSON array/);
    const missing = await runCli(['chaos', 'proxy', '--port', '0', '--config', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
  });

  it('exits 1 when the API port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const r = await runCli(['chaos', 'proxy', '--port', String((blocker.address() as { port: number }).port)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 for a bad port flag', async () => {
    const r = await runCli(['chaos', 'proxy', '--port', 'http']);
    assert.equal(r.code, 2);
  });
});
