// `kafka-sre broker` command line: only one broker for now (usage error otherwise), bad flags are
// usage errors, and SIGINT stops it cleanly with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processFixture, runCli } from './support/processes.js';
import { startBrokerProc, tempDir } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-cli');

test('cluster flags that cannot work are usage errors that say why', async () => {
  const single = await runCli(['broker', '--brokers', '1', '--advertise', '0:client=127.0.0.1:1', '--data-dir', dir]);
  assert.equal(single.code, 2);
  assert.match(single.stderr, /--advertise needs a cluster/);
  const bad = await runCli(['broker', '--brokers', '3', '--advertise', 'zero:client=x', '--data-dir', dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected NODE:LISTENER=HOST:PORT/);
  const zero = await runCli(['broker', '--brokers', '0']);
  assert.equal(zero.code, 2);
});

test('a bad port is a usage error', async () => {
  const r = await runCli(['broker', '--port', 'ninety']);
  assert.equal(r.code, 2);
});

test('SIGINT stops the broker cleanly (exit 0) after printing where it listened', async () => {
  const b = await startBrokerProc(fx, dir);
  assert.match(
    b.proc.output(),
    new RegExp(
      `broker 0 listening on 127\\.0\\.0\\.1:${b.port} .*metrics on http://127\\.0\\.0\\.1:${b.metricsPort}/metrics`,
    ),
  );
  b.proc.kill('SIGINT');
  const exit = await b.proc.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, b.proc.output());
  assert.match(b.proc.output(), /broker 0 stopped/);
});

test('the `up` service starts the broker as a child process, lists its endpoints and stops it', async () => {
  const { brokerService } = await import('../broker/up-service.js');
  const { loadConfig } = await import('../common/config/load.js');
  const { createLogger } = await import('../common/logging.js');
  const { freePort } = await import('./support/ports.js');
  const config = loadConfig({
    flags: { broker: { brokers: 1, dataDir: `${dir}/up`, port: await freePort(), metricsPort: await freePort() } },
  });
  const svc = await brokerService.start({ config, logger: createLogger({ level: 'silent' }), started: [] });
  try {
    assert.deepEqual(
      svc.endpoints.map((e) => e.what),
      ['broker 0 (Kafka protocol)', 'broker 0 /metrics'],
    );
    const metrics = await fetch(svc.endpoints[1].url);
    assert.equal(metrics.status, 200);
  } finally {
    await svc.stop();
  }
});
