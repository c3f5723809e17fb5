// The reference cluster as a `kafka-sre up` service: runs `kafka-sre broker --brokers N` as a child
// process (with N > 1 that is the launcher, each broker its own process, so brokers can be killed
// and restarted like real ones), waits until it is ready, and stops it with SIGTERM (SIGKILL once
// the launcher's own stop bound has passed).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { RunningService, ServiceStarter } from '../common/command/index.js';
import { RuntimeFailure, brokerListenerPort, brokerMetricsPort } from '../common/index.js';
import { NODE_KILL_AFTER_MS } from './cluster/stop-bounds.js';

const cliEntry = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kafka-sre.js');

export const brokerService: ServiceStarter = {
  name: 'broker',
  async start({ config, logger }): Promise<RunningService> {
    const b = config.broker;
    const cluster = b.brokers > 1;
    // The child gets the whole resolved `broker` section (ports, timeouts, capacity...), not just
    // the few settings that have flags: written next to the data it belongs to.
    mkdirSync(b.dataDir, { recursive: true });
    const configFile = join(b.dataDir, 'up-broker.yaml');
    writeFileSync(configFile, stringify({ log: config.log, broker: b }));
    const args = [cliEntry, '--config', configFile, 'broker'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    // The launcher prints one line per broker, then the admin API line once all are up.
    const readyLine = cluster ? /cluster launcher admin API on/ : /listening on/;
    const startMs = cluster ? 120_000 : 60_000;
    let out = '';
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(
        () => fail(new RuntimeFailure(`broker did not start within ${startMs / 1000} s:\n${out}`)),
        startMs,
      );
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (readyLine.test(out)) {
          clearTimeout(timer);
          ok();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new RuntimeFailure(`broker exited with code ${code} before it was ready:\n${out}`));
      });
    });
    for (const line of out.split('\n').filter((l) => /listening on|admin API on/.test(l))) logger.info(line.trim());
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    const endpoints = [];
    for (let i = 0; i < b.brokers; i++) {
      endpoints.push({ what: `broker ${i} (Kafka protocol)`, url: `${b.host}:${brokerListenerPort(b.port, i)}` });
      endpoints.push({
        what: `broker ${i} /metrics`,
        url: `http://${b.host}:${brokerMetricsPort(b.metricsPort, i)}/metrics`,
      });
    }
    if (cluster)
      endpoints.push({
        what: 'cluster launcher admin API (GET /nodes, /cluster)',
        url: `http://127.0.0.1:${b.launcherPort}`,
      });
    // The launcher has every node gone within NODE_KILL_AFTER_MS of its SIGTERM; give it that plus slack.
    const graceMs = cluster ? NODE_KILL_AFTER_MS + 5_000 : 10_000;
    return {
      name: 'broker',
      endpoints,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
  },
};
