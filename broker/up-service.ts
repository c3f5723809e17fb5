// The reference broker as a `kafka-sre up` service: runs `kafka-sre broker` as a child process
// (so it can be killed and restarted like a real broker), waits until it prints where it listens,
// and stops it with SIGTERM (SIGKILL after 10 s).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningService, ServiceStarter } from '../cli/services.js';
import { RuntimeFailure } from '../common/exit-codes.js';
import { brokerListenerPort, brokerMetricsPort } from '../common/ports.js';

const cliEntry = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kafka-sre.js');

export const brokerService: ServiceStarter = {
  name: 'broker',
  async start({ config, logger }): Promise<RunningService> {
    const b = config.broker;
    const args = [cliEntry, 'broker', '--brokers', String(b.brokers), '--data-dir', b.dataDir, '--port', String(b.port), '--metrics-port', String(b.metricsPort), '--host', b.host];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const ready = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new RuntimeFailure(`broker did not start within 60 s:\n${out}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => /listening on/.test(l));
        if (line) {
          clearTimeout(timer);
          ok(line);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new RuntimeFailure(`broker exited with code ${code} before it was ready:\n${out}`));
      });
    });
    logger.info(ready.trim());
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    const endpoints = [];
    for (let i = 0; i < b.brokers; i++) {
      endpoints.push({ what: `broker ${i} (Kafka protocol)`, url: `${b.host}:${brokerListenerPort(b.port, i)}` });
      endpoints.push({ what: `broker ${i} /metrics`, url: `http://${b.host}:${brokerMetricsPort(b.metricsPort, i)}/metrics` });
    }
    return {
      name: 'broker',
      endpoints,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
  },
};
