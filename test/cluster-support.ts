// The replicated reference cluster for integration tests: `kafka-sre broker --brokers N` (the
// launcher, each broker its own process) on free loopback ports with short timeouts, driven
// through the launcher's admin API (the same client the chaos runner uses). Stopping it stops the
// launcher by PID and then SIGKILLs any broker process still alive, by PID.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { drillTimeouts } from '../chaos/embedded/stack.js';
import { LauncherClient, type ClusterState } from '../chaos/faults/launcher-client.js';
import type { ProcessFixture, RunningProcess } from './support/processes.js';
import { waitFor } from './support/processes.js';
import { freePort, freePortBase } from './support/ports.js';

export interface ClusterNodePorts {
  id: number;
  port: number;
  metricsPort: number;
}

export interface ClusterProc {
  launcher: RunningProcess;
  admin: LauncherClient;
  bootstrap: string;
  nodes: ClusterNodePorts[];
  dataDir: string;
  configFile: string;
  /** Metrics text of one broker. */
  metrics(id: number): Promise<string>;
  /** Sum of a metric (without labels) over every running broker. */
  sumMetric(name: string): Promise<number>;
  /** Until a controller is active and every running broker is registered and unfenced. */
  waitHealthy(timeoutMs?: number): Promise<ClusterState>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  brokers?: number;
  controllers?: number;
  /** Extra `broker` config fields (overrides the short test timeouts). */
  broker?: Record<string, unknown>;
  /** Base ports chosen up front (a drill that puts proxies in front of the brokers needs them first). */
  ports?: ClusterPorts;
  /** Extra `kafka-sre broker` arguments, e.g. `--advertise 0:client=127.0.0.1:PORT`. */
  args?: string[];
}

/** Base ports of a cluster (+100 per broker for listeners, +1 for metrics, as common/ports.ts lays out). */
export interface ClusterPorts {
  port: number;
  interBrokerPort: number;
  controllerPort: number;
  metricsPort: number;
  launcherPort: number;
}

/** Free base ports for `brokers` nodes: every port the launcher will derive from them is free now. */
export async function pickClusterPorts(brokers: number): Promise<ClusterPorts> {
  const base = await freePortBase(brokers, 100, [0, 10, 20]);
  return {
    port: base,
    interBrokerPort: base + 10,
    controllerPort: base + 20,
    metricsPort: await freePortBase(brokers, 1),
    launcherPort: await freePort(),
  };
}

/** Value of an unlabelled metric in Prometheus text, or null. */
export function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name} ([^\\s]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

export async function startClusterProc(
  fx: ProcessFixture,
  dir: string,
  opts: ClusterOptions = {},
): Promise<ClusterProc> {
  const brokers = opts.brokers ?? 3;
  const ports = opts.ports ?? (await pickClusterPorts(brokers));
  const port = ports.port;
  const dataDir = join(dir, 'cluster');
  const configFile = join(dir, 'cluster.yaml');
  writeFileSync(
    configFile,
    stringify({
      log: { level: process.env.KAFKA_SRE_LOG_LEVEL ?? 'warn' },
      broker: {
        brokers,
        controllers: opts.controllers ?? 3,
        dataDir,
        ...ports,
        // Short timeouts keep drills quick; still far above a busy 2-core machine's scheduling noise.
        ...drillTimeouts,
        ...(opts.broker ?? {}),
      },
    }),
  );
  const launcher = await fx.startCli(['--config', configFile, 'broker', ...(opts.args ?? [])], {
    readyWhen: /cluster launcher admin API on/,
    readyTimeoutMs: 120_000,
    name: 'cluster',
  });
  const admin = new LauncherClient(`http://127.0.0.1:${ports.launcherPort}`, 120_000);
  const nodes = Array.from({ length: brokers }, (_, i) => ({
    id: i,
    port: port + 100 * i,
    metricsPort: ports.metricsPort + i,
  }));
  const metrics = async (id: number) =>
    (await fetch(`http://127.0.0.1:${ports.metricsPort + id}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const proc: ClusterProc = {
    launcher,
    admin,
    bootstrap: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    dataDir,
    configFile,
    metrics,
    async sumMetric(name) {
      const running = (await admin.nodes()).filter((n) => n.state === 'running');
      let sum = 0;
      for (const n of running) sum += metricValue(await metrics(n.id).catch(() => ''), name) ?? 0;
      return sum;
    },
    waitHealthy: async (timeoutMs = 60_000) =>
      (await waitFor(
        'an active controller and every running broker unfenced',
        async () => {
          const c = await admin.cluster();
          const running = c.nodes.filter((n) => n.state === 'running') as (ClusterState['nodes'][number] & {
            fenced?: boolean | null;
          })[];
          return c.activeController !== null && running.every((n) => n.fenced === false) ? c : undefined;
        },
        timeoutMs,
        200,
      )) as ClusterState,
    async stop() {
      const pids = (await admin.nodes().catch(() => [])).map((n) => n.pid).filter((p): p is number => p !== null);
      await launcher.stop(60_000);
      // Kept with the data dirs for a post-mortem (test/chaos-fixtures.ts).
      if (process.env.KAFKA_SRE_KEEP_TMP) writeFileSync(join(dir, 'cluster.log'), launcher.output());
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    },
  };
  await proc.waitHealthy(90_000);
  return proc;
}

/** kafkajs retries that outlast a broker's SIGKILL and restart (leaders and coordinators move). */
export const FAILOVER_RETRY = { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 };

/** A quiet kafkajs client of a cluster (`bootstrap`: comma-separated) that rides out failovers. */
export function failoverKafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: FAILOVER_RETRY });
}

/**
 * kafkajs transactional producers of a test file, connected, whose transactions outlive the file
 * (10-minute timeout: the coordinator never aborts one while the file runs); `close()` disconnects
 * every producer `open()` or `track()` gave.
 */
export class TestTransactionalProducers {
  readonly all: Producer[] = [];

  async open(kafka: Kafka, transactionalId: string): Promise<Producer> {
    const p = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 600_000,
    });
    return this.track(p);
  }

  /** Connects a producer made elsewhere (another client, other options) and closes it with the rest. */
  async track(p: Producer): Promise<Producer> {
    this.all.push(p);
    await p.connect();
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.all) await p.disconnect().catch(() => undefined);
  }
}
