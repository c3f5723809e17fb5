// test-budget: 120s
// `kafka-sre up`'s broker service with the default 3 brokers: it runs the launcher, lists every
// broker's endpoints and the admin API, and stopping it leaves no broker process behind. Also:
// broker processes whose launcher is SIGKILLed stop on their own (the launcher pipe closes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { LauncherClient } from '../chaos/faults/launcher-client.js';
import { loadConfig } from '../common/config/load.js';
import { createLogger } from '../common/logging.js';
import { brokerService } from '../broker/up-service.js';
import { pidAlive, waitFor } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { pickClusterPorts } from './cluster-support.js';

const dir = tempDir('cluster-up');

test('the up service starts 3 brokers under the launcher, lists their endpoints, and stops every process', async () => {
  const ports = await pickClusterPorts(3);
  const config = loadConfig({
    env: {},
    flags: {
      broker: {
        dataDir: `${dir}/data`,
        ...ports,
        brokerHeartbeatIntervalMs: 500,
        brokerSessionTimeoutMs: 4000,
        controllerElectionTimeoutMs: 600,
        controlledShutdownTimeoutMs: 5000,
        offsetsTopicPartitions: 3,
      },
    },
  });
  assert.equal(config.broker.brokers, 3, 'the default is a 3-broker cluster');
  const svc = await brokerService.start({ config, logger: createLogger({ level: 'silent' }), started: [] });
  let pids: number[] = [];
  try {
    assert.deepEqual(
      svc.endpoints.map((e) => e.url),
      [0, 1, 2]
        .flatMap((i) => [`127.0.0.1:${ports.port + 100 * i}`, `http://127.0.0.1:${ports.metricsPort + i}/metrics`])
        .concat([`http://127.0.0.1:${ports.launcherPort}`]),
    );
    const admin = new LauncherClient(svc.endpoints.at(-1)!.url);
    const nodes = await admin.nodes();
    pids = nodes.map((n) => n.pid!);
    assert.equal(pids.length, 3);
    assert.ok(pids.every(pidAlive));
    for (const i of [0, 1, 2])
      assert.equal((await fetch(`http://127.0.0.1:${ports.metricsPort + i}/metrics`)).status, 200);
  } finally {
    await svc.stop();
  }
  assert.deepEqual(pids.filter(pidAlive), [], 'no broker process outlives the service');
});

test('broker processes stop on their own when their launcher is SIGKILLed', async () => {
  const ports = await pickClusterPorts(3);
  const config = loadConfig({
    env: {},
    flags: {
      broker: {
        dataDir: `${dir}/orphans`,
        ...ports,
        brokerHeartbeatIntervalMs: 500,
        brokerSessionTimeoutMs: 4000,
        controllerElectionTimeoutMs: 600,
        controlledShutdownTimeoutMs: 3000,
        offsetsTopicPartitions: 3,
      },
    },
  });
  const svc = await brokerService.start({ config, logger: createLogger({ level: 'silent' }), started: [] });
  const pids = (await new LauncherClient(`http://127.0.0.1:${ports.launcherPort}`).nodes()).map((n) => n.pid!);
  // The launcher is the brokers' parent.
  const launcherPid = execFileSync('ps', ['-o', 'ppid=', '-p', String(pids[0])], { encoding: 'utf8' }).trim();
  try {
    process.kill(Number(launcherPid), 'SIGKILL');
    await waitFor('every broker process gone', () => pids.every((p) => !pidAlive(p)), 45_000, 200);
  } finally {
    for (const p of pids.filter(pidAlive)) process.kill(p, 'SIGKILL');
    await svc.stop();
  }
});
