// The embedded reference cluster a drill runs against (`target.kind: embedded`), at drill speed:
// `kafka-sre broker --brokers N` (the launcher, one OS process per broker) with every client,
// replication and (optionally) controller listener advertised behind a Toxiproxy-compatible proxy
// per broker, the real exporter, and a real Prometheus loaded with the *generated* rules and scrape
// config (`kafka-sre alerts generate`) with 1 s scrape/evaluation intervals, a short `for` on the
// drilled alerts and drill-sized windows, so a drill takes about a minute. The runner starts it
// before the drill and stops every process by PID afterwards; `npm run gameday` and the game-day
// tests use the same stack. Production windows stay the defaults: this is for drills only.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import {
  freePort,
  freePortBase,
  createLogger,
  brokerListenerPort,
  processIdentity,
  signalIfSame,
  type ProcessIdentity,
} from '../../common/index.js';
import { LauncherClient } from '../faults/launcher-client.js';
import { startProxyServer, type RunningProxyServer } from '../proxy/server.js';
import { startChild, type ChildHandle, type StartChild } from './child.js';

const cliEntry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'kafka-sre.js');

/** The cluster label: the generated scrape config's default for the reference cluster. */
export const EMBEDDED_CLUSTER = 'local';

/**
 * Drill-sized rule windows (alerts.windows): event alerts clear ~20 s after the last event instead
 * of 5 minutes; KafkaConsumerGroupRebalancing counts seconds of the last minute (at least 5 s of
 * rebalancing) instead of minutes of the last 15; KafkaBrokerPaused looks at the event-loop stall
 * ratio over 5 s (held 15 s), where one 3 s SIGSTOP is 60 %, while 3 brokers under load on 2 shared
 * cores stall 10-20 % (so also a p99 threshold above that noise).
 */
export const drillWindows: Record<string, string> = {
  rate: '20s',
  pause: '5s',
  pauseHold: '15s',
  rebalancing: '1m',
  rebalancingStep: '1s',
};
export const drillThresholds: Record<string, number> = {
  rebalancingMinutes: 5,
  pauseStallRatio: 0.5,
  pauseP99Seconds: 0.5,
  // KafkaLastStableOffsetStuck after 1 minute (production: 10): F11's hung transaction must show
  // within a transaction timeout that keeps the drill short.
  lsoStuckMinutes: 1,
};
/** A broker kill may take the active controller with it: its re-election gets 10 s, not the drill `for`. */
export const drillForOverrides: Record<string, string> = { KafkaNoActiveController: '10s' };
/**
 * Cluster timing for drills and cluster tests: short heartbeats and session timeouts keep
 * failovers quick, still far above a busy 2-core machine's scheduling noise.
 */
export const drillTimeouts = {
  brokerHeartbeatIntervalMs: 500,
  brokerSessionTimeoutMs: 4000,
  controllerElectionTimeoutMs: 600,
  replicaLagTimeMaxMs: 4000,
  controlledShutdownTimeoutMs: 10_000,
  offsetsTopicPartitions: 6,
};
/** Broker settings of the drill cluster: its timing, and retention every second (a shortened retention deletes within a drill). */
export const drillBroker: Record<string, unknown> = { ...drillTimeouts, logRetentionCheckIntervalMs: 1000 };

export interface EmbeddedStackOptions {
  /** Working directory: config, generated rules, data, Prometheus TSDB. */
  dir: string;
  brokers: number;
  controllers: number;
  /** Alerts the drill names: they get `alertFor` (or their drillForOverrides entry). */
  drillAlerts: string[];
  /** The drilled alerts' `for` (default 2s; production keeps minutes). */
  alertFor?: string;
  /** Per-alert `for` instead of alertFor (default drillForOverrides). */
  forOverrides?: Record<string, string>;
  /** `alerts.thresholds` (default drillThresholds; {} keeps the production ones). */
  thresholds?: Record<string, number>;
  /** `alerts.windows` (default drillWindows; {} keeps the production ones). */
  windows?: Record<string, string>;
  /** Also route the controller (Raft) listener through a proxy (broker-isolate needs it). */
  proxyControllers?: boolean;
  /** Proxy names, as the runner's target.proxyNaming ({broker}, {listener}). */
  proxyNaming?: string;
  /** Extra `broker` config on top of drillBroker (e.g. `security` for SASL + ACLs). */
  broker?: Record<string, unknown>;
  /** Credentials the exporter authenticates with when the client listener is SASL. */
  exporterSasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; passwordEnv: string };
  /** Log level of the cluster's processes (default warn). */
  logLevel?: string;
  /** How children are started (tests pass their fixture's, so it tracks every PID). */
  startChild?: StartChild;
  /** Progress lines ("starting 3 brokers..."). */
  onProgress?: (line: string) => void;
}

export interface EmbeddedStack {
  dir: string;
  /** Client bootstrap addresses (the proxies). */
  bootstrap: string[];
  prometheusUrl: string;
  proxyApiUrl: string;
  launcherUrl: string;
  exporterUrl: string;
  /** Where the game-day runner serves kafka_sre_gameday_* (scraped by this Prometheus). */
  runnerMetricsPort: number;
  launcher: LauncherClient;
  proxy: RunningProxyServer;
  /** PIDs of every process the stack started (the launcher, the exporter, Prometheus; brokers via the launcher). */
  pids(): number[];
  /** An active controller and every running broker unfenced. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Healthy, and Prometheus scrapes every broker and the exporter. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** The launcher's output (broker logs), for a post-mortem. */
  clusterOutput(): string;
  /** Stops everything, newest first; brokers left by the launcher are SIGKILLed by PID (if still theirs). */
  stop(): Promise<void>;
}

/**
 * SIGKILL broker processes a graceful stop left behind, each only while its PID still names the
 * process recorded (same start time): a PID reused by an unrelated process is left alone.
 */
export function killLeftBehind(recorded: readonly ProcessIdentity[]): { killed: number[]; spared: number[] } {
  const killed: number[] = [];
  const spared: number[] = [];
  for (const id of recorded) {
    const outcome = signalIfSame(id, 'SIGKILL');
    if (outcome === 'signalled') killed.push(id.pid);
    else if (outcome === 'replaced') spared.push(id.pid);
  }
  return { killed, spared };
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = `: ${(e as Error).message}`;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`embedded cluster: timed out after ${timeoutMs / 1000} s waiting for ${what}${last}`);
}

async function promValue(url: string, query: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, {
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
  return Number(body.data?.result?.[0]?.value[1] ?? 0);
}

export async function startEmbeddedStack(opts: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const start = opts.startChild ?? startChild;
  const progress = opts.onProgress ?? (() => {});
  const naming = opts.proxyNaming ?? 'broker{broker}-{listener}';
  const base = await freePortBase(opts.brokers, 100, [0, 10, 20]);
  const ports = {
    port: base,
    interBrokerPort: base + 10,
    controllerPort: base + 20,
    metricsPort: await freePortBase(opts.brokers, 1),
    launcherPort: await freePort(),
  };
  const listeners: [name: string, flag: string, base: number][] = [
    ['client', 'client', ports.port],
    ['replication', 'interBroker', ports.interBrokerPort],
    ...(opts.proxyControllers
      ? ([['controller', 'controller', ports.controllerPort]] as [string, string, number][])
      : []),
  ];
  const populate = [];
  const advertise: string[] = [];
  const bootstrap: string[] = [];
  // Every port comes from common/free-ports.ts (reserved, outside the ephemeral range), the proxy
  // listeners too although they are in this process: they must be known before the brokers start
  // (advertised) and a disabled proxy binds its port again when re-enabled.
  for (let i = 0; i < opts.brokers; i++) {
    for (const [name, flag, listenerBase] of listeners) {
      const listen = await freePort();
      if (name === 'client') bootstrap.push(`127.0.0.1:${listen}`);
      populate.push({
        name: naming.replaceAll('{broker}', String(i)).replaceAll('{listener}', name),
        listen: `127.0.0.1:${listen}`,
        upstream: `127.0.0.1:${brokerListenerPort(listenerBase, i)}`,
      });
      advertise.push('--advertise', `${i}:${flag}=127.0.0.1:${listen}`);
    }
  }
  const children: ChildHandle[] = [];
  let launcherChild: ChildHandle | undefined;
  // 'fatal': a killed broker makes the proxy log every refused upstream connection.
  const proxy = await startProxyServer({
    port: 0,
    populate,
    proxyMetrics: true,
    logger: createLogger({ name: 'proxy', level: 'fatal' }),
  });
  const launcher = new LauncherClient(`http://127.0.0.1:${ports.launcherPort}`, 120_000);
  const stop = async () => {
    // PID and start time now, while they are the brokers: after the graceful stop below, a PID may
    // have been reused by an unrelated process, which must not get the SIGKILL.
    const brokers = (await launcher.nodes().catch(() => []))
      .map((n) => (n.pid === null ? null : processIdentity(n.pid)))
      .filter((p): p is ProcessIdentity => p !== null);
    for (const c of [...children].reverse()) {
      // The launcher runs every broker's controlled shutdown: give it the time the launcher allows.
      await c.stop(c === launcherChild ? 60_000 : 10_000).catch(() => undefined);
    }
    killLeftBehind(brokers);
    await proxy.close();
  };
  try {
    const exporterPort = await freePort();
    const runnerMetricsPort = await freePort();
    const configFile = join(opts.dir, 'embedded.yaml');
    await writeFile(
      configFile,
      stringify({
        log: { level: opts.logLevel ?? 'warn' },
        broker: {
          brokers: opts.brokers,
          controllers: opts.controllers,
          dataDir: join(opts.dir, 'cluster'),
          ...ports,
          ...drillBroker,
          ...(opts.broker ?? {}),
        },
        exporter: {
          port: exporterPort,
          clusters: [{ name: EMBEDDED_CLUSTER, bootstrap, ...(opts.exporterSasl ? { sasl: opts.exporterSasl } : {}) }],
        },
        // The generated proxy and runner scrape jobs of the reference cluster point at these ports.
        proxy: { port: proxy.port },
        alerts: {
          evaluationInterval: '1s',
          scrape: { interval: '1s', alertmanagers: [], gamedayMetricsPort: runnerMetricsPort },
          thresholds: opts.thresholds ?? drillThresholds,
          windows: opts.windows ?? drillWindows,
          overrides: Object.fromEntries(
            opts.drillAlerts.map((a) => [
              a,
              { for: (opts.forOverrides ?? drillForOverrides)[a] ?? opts.alertFor ?? '2s' },
            ]),
          ),
        },
      }),
    );
    const alertingDir = join(opts.dir, 'alerting');
    await promisify(execFile)(
      process.execPath,
      [cliEntry, '--config', configFile, 'alerts', 'generate', '--out', alertingDir],
      { timeout: 60_000 },
    ).catch((e: Error & { stderr?: string }) => {
      throw new Error(`embedded cluster: alerts generate failed: ${e.stderr || e.message}`);
    });
    progress(`starting ${opts.brokers} brokers (${opts.controllers} controllers) behind the proxy ${proxy.url}`);
    // Prometheus starts while the cluster comes up (its first scrapes just fail).
    const clusterUp = start(process.execPath, [cliEntry, '--config', configFile, 'broker', ...advertise], {
      name: 'kafka-sre broker',
      logFile: join(opts.dir, 'logs', 'cluster.log'),
      readyWhen: /cluster launcher admin API on/,
      readyTimeoutMs: 120_000,
    });
    const promPort = await freePort();
    const promDir = join(alertingDir, 'prometheus');
    children.push(
      await start(
        'prometheus',
        [
          `--config.file=${join(promDir, 'prometheus.yml')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          `--storage.tsdb.path=${join(opts.dir, 'tsdb')}`,
          '--log.level=warn',
        ],
        {
          name: 'prometheus',
          logFile: join(opts.dir, 'logs', 'prometheus.log'),
          readyPort: promPort,
          cwd: promDir,
        },
      ),
    );
    launcherChild = await clusterUp;
    children.push(launcherChild);
    children.push(
      await start(
        process.execPath,
        [
          cliEntry,
          '--config',
          configFile,
          'exporter',
          '--port',
          String(exporterPort),
          '--host',
          '127.0.0.1',
          '--interval',
          '1000',
          '--no-probe',
        ],
        {
          name: 'kafka-sre exporter',
          logFile: join(opts.dir, 'logs', 'exporter.log'),
          readyPort: exporterPort,
        },
      ),
    );
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    const stack: EmbeddedStack = {
      dir: opts.dir,
      bootstrap,
      prometheusUrl,
      proxyApiUrl: proxy.url,
      launcherUrl: launcher.baseUrl,
      exporterUrl: `http://127.0.0.1:${exporterPort}`,
      runnerMetricsPort,
      launcher,
      proxy,
      pids: () => children.map((c) => c.pid),
      waitHealthy: (timeoutMs = 90_000) =>
        waitUntil(
          'an active controller and every running broker unfenced',
          async () => {
            const c = await launcher.cluster();
            return (
              c.activeController !== null &&
              c.nodes.filter((n) => n.state === 'running').every((n) => n.fenced === false)
            );
          },
          timeoutMs,
          200,
        ),
      async waitReady(timeoutMs = 120_000) {
        const deadline = Date.now() + timeoutMs;
        await stack.waitHealthy(timeoutMs);
        await waitUntil(
          'Prometheus scraping every broker and the exporter',
          async () =>
            (await promValue(prometheusUrl, 'sum(up{job="kafka-broker"})')) === opts.brokers &&
            (await promValue(prometheusUrl, 'sum(kafka_sre_exporter_up)')) >= 1,
          Math.max(1000, deadline - Date.now()),
        );
      },
      clusterOutput: () => launcherChild?.output() ?? '',
      stop,
    };
    return stack;
  } catch (e) {
    await stop();
    throw e;
  }
}
