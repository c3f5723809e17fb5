// The runner's own /metrics (opt-in, loopback): kafka_sre_gameday_active and
// kafka_sre_gameday_fault_active from the metric catalog, so Prometheus can scrape the drill and
// the game-day dashboard can draw its faults as annotations.
import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { chaosMetrics } from '../../common/metrics/index.js';

export interface RunnerMetrics {
  url: string;
  setActive(active: boolean): void;
  setFault(fault: string, target: string, active: boolean): void;
  close(): Promise<void>;
}

export async function startRunnerMetrics(gameday: string, port: number, host = '127.0.0.1'): Promise<RunnerMetrics> {
  const registry = new Registry();
  const active = new Gauge({
    name: chaosMetrics.gamedayActive.name,
    help: chaosMetrics.gamedayActive.help,
    labelNames: [...chaosMetrics.gamedayActive.labels],
    registers: [registry],
  });
  const fault = new Gauge({
    name: chaosMetrics.faultActive.name,
    help: chaosMetrics.faultActive.help,
    labelNames: [...chaosMetrics.faultActive.labels],
    registers: [registry],
  });
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as { port: number };
  return {
    url: `http://${host}:${addr.port}/metrics`,
    setActive: (on) => active.set({ gameday }, on ? 1 : 0),
    setFault: (name, target, on) => fault.set({ gameday, fault: name, target }, on ? 1 : 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
