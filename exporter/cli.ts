// `kafka-sre exporter`: Prometheus scrape target for one or many Kafka-protocol clusters.
import type { Command } from 'commander';
import type { ConfigInput, ToolkitConfig, ExporterClusterConfig } from '../common/config/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { contextFor, parseIntFlag, parsePortFlag } from '../common/command/index.js';
import { parseBootstrap } from '../kafka-client/index.js';
import { exporterManifests, manifestDefaults, writeManifests } from './manifests/kubernetes.js';
import { startExporter } from './service.js';

interface ExporterFlags {
  bootstrap?: string;
  clusterName: string;
  port?: number;
  host?: string;
  interval?: number;
  probe?: boolean;
  seriesLimit?: number;
  topicAllow?: string[];
  topicDeny?: string[];
  groupAllow?: string[];
  groupDeny?: string[];
  aggregateLag?: boolean;
  readCommittedGroup?: string[];
  coordinationGroup?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Clusters to collect: --bootstrap wins, then exporter.clusters, else nothing (an error). */
export function resolveClusters(
  config: ToolkitConfig,
  bootstrap: string | undefined,
  clusterName: string,
): ExporterClusterConfig[] {
  if (bootstrap !== undefined) {
    let list: string[];
    try {
      list = parseBootstrap(bootstrap);
    } catch (e) {
      throw new UsageError(`--bootstrap: ${(e as Error).message}`);
    }
    return [{ name: clusterName, bootstrap: list, connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 }];
  }
  return config.exporter.clusters;
}

export function registerExporterCommands(program: Command): void {
  const exporter = program
    .command('exporter')
    .description(
      'Prometheus exporter: lag in offsets and seconds, partition health, end-to-end probe, SLIs and burn rates',
    )
    .option(
      '--bootstrap <host:port,...>',
      'bootstrap brokers of one cluster (else exporter.clusters from the config file)',
    )
    .option('--cluster-name <name>', 'value of the cluster label for --bootstrap', 'default')
    .option('--port <port>', '/metrics port (default 9308, 0 picks a free one)', parsePortFlag)
    .option('--host <address>', 'bind address of /metrics')
    .option('--interval <ms>', 'collection interval in milliseconds (default 15000)', parseIntFlag)
    .option('--probe', 'run the end-to-end probe')
    .option('--no-probe', 'do not run the end-to-end probe')
    .option('--series-limit <n>', 'cardinality guard: most series per cluster', parseIntFlag)
    .option('--topic-allow <regex>', 'only these topics (repeatable)', collect)
    .option('--topic-deny <regex>', 'never these topics (repeatable)', collect)
    .option('--group-allow <regex>', 'only these consumer groups (repeatable)', collect)
    .option('--group-deny <regex>', 'never these consumer groups (repeatable)', collect)
    .option('--aggregate-lag', 'only topic-level lag series')
    .option(
      '--read-committed-group <regex>',
      'consumer groups that read with isolation.level=read_committed: lag measured to the last stable offset (repeatable)',
      collect,
    )
    .option(
      '--coordination-group <name>',
      'fleet mode: replicas joining this consumer group split the groups between them (exporter.coordination)',
    )
    .action(async (flags: ExporterFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const exporter: NonNullable<ConfigInput['exporter']> = {};
      if (flags.port !== undefined) exporter.port = flags.port;
      if (flags.host !== undefined) exporter.host = flags.host;
      if (flags.interval !== undefined) exporter.intervalMs = flags.interval;
      if (flags.seriesLimit !== undefined) exporter.seriesLimit = flags.seriesLimit;
      if (flags.aggregateLag) exporter.aggregateLagToTopic = true;
      if (flags.readCommittedGroup) exporter.readCommittedGroups = flags.readCommittedGroup;
      if (flags.coordinationGroup !== undefined) exporter.coordination = { group: flags.coordinationGroup };
      if (flags.probe !== undefined) exporter.probe = { enabled: flags.probe };
      if (flags.topicAllow || flags.topicDeny)
        exporter.topics = { allow: flags.topicAllow ?? [], deny: flags.topicDeny ?? [] };
      if (flags.groupAllow || flags.groupDeny)
        exporter.groups = { allow: flags.groupAllow ?? [], deny: flags.groupDeny ?? [] };
      const config = ctx.config({ exporter });
      const logger = ctx.logger();
      const clusters = resolveClusters(config, flags.bootstrap, flags.clusterName);
      if (clusters.length === 0)
        throw new UsageError(
          'no cluster to collect: pass --bootstrap host:port[,...] or list exporter.clusters in the config file',
        );
      let running;
      try {
        running = await startExporter({ config: config.exporter, clusters, slos: config.alerts.slos, logger });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'EADDRINUSE') throw new RuntimeFailure(`port ${config.exporter.port} is already in use`);
        if (/regular expression|used twice|sasl|tls|bootstrap|coordination/.test(err.message))
          throw new UsageError(err.message);
        throw new RuntimeFailure(err.message);
      }
      process.stdout.write(
        `kafka-sre exporter listening on ${running.url}/metrics (clusters: ${clusters.map((c) => `${c.name}=${c.bootstrap.join(',')}`).join(' ')})\n`,
      );
      await new Promise<void>((resolve) => {
        const onSignal = (sig: string) => {
          process.stderr.write(`kafka-sre exporter: ${sig} received, stopping\n`);
          // A client retry timer left by vanished brokers must not keep the process alive.
          void running.stop().then(() => {
            setTimeout(() => process.exit(), 1000).unref();
            resolve();
          });
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
    });
  registerManifestsCommand(exporter);
}

/**
 * Flags of `exporter manifests`. --bootstrap, --cluster-name, --coordination-group, --interval and
 * --port are the exporter's own options (commander hands them to the parent command wherever they
 * stand), read here through optsWithGlobals, and mean the same in the pods.
 */
interface ManifestFlags {
  out: string;
  bootstrap?: string;
  image: string;
  replicas: number;
  clusterName: string;
  coordinationGroup?: string;
  namespace: string;
  name: string;
  monitor: string;
  interval?: number;
  port?: number;
  cpu: string;
  memory: string;
  memoryLimit: string;
}

function registerManifestsCommand(exporter: Command): void {
  const d = manifestDefaults;
  exporter
    .command('manifests')
    .description(
      'Kubernetes manifests of an exporter fleet: Deployment (replicas in one coordination group), Service, ServiceMonitor or PodMonitor, PodDisruptionBudget',
    )
    .requiredOption('--out <dir>', 'directory to write the YAML files into')
    .requiredOption('--image <image>', 'container image that runs `kafka-sre`')
    .option('--replicas <n>', 'exporter replicas', parseIntFlag, d.replicas)
    .option('--namespace <ns>', 'namespace of every object', d.namespace)
    .option('--name <name>', 'name of every object', d.name)
    .option(
      '--monitor <kind>',
      'servicemonitor or podmonitor (one of them: both would scrape each pod twice)',
      d.monitor,
    )
    .option('--cpu <quantity>', 'CPU request', d.cpuRequest)
    .option('--memory <quantity>', 'memory request', d.memoryRequest)
    .option('--memory-limit <quantity>', 'memory limit', d.memoryLimit)
    .addHelpText(
      'after',
      `\nAlso: --bootstrap (required: the brokers as the pods reach them), --cluster-name, --coordination-group (default ${d.coordinationGroup}),\n--interval (default ${d.intervalMs}, also the scrape interval), --port (default ${d.port}): the exporter's flags.`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const f = cmd.optsWithGlobals<ManifestFlags>();
      if (!f.bootstrap) throw new UsageError('exporter manifests: --bootstrap host:port[,...] is required');
      if (f.monitor !== 'servicemonitor' && f.monitor !== 'podmonitor')
        throw new UsageError(`--monitor: servicemonitor or podmonitor, not ${JSON.stringify(f.monitor)}`);
      try {
        parseBootstrap(f.bootstrap);
      } catch (e) {
        throw new UsageError(`--bootstrap: ${(e as Error).message}`);
      }
      if (f.replicas < 1) throw new UsageError('--replicas: at least 1');
      const files = await writeManifests(
        f.out,
        exporterManifests({
          name: f.name,
          namespace: f.namespace,
          image: f.image,
          replicas: f.replicas,
          bootstrap: f.bootstrap,
          clusterName: f.clusterName,
          coordinationGroup: f.coordinationGroup ?? d.coordinationGroup,
          monitor: f.monitor,
          port: f.port ?? d.port,
          intervalMs: f.interval ?? d.intervalMs,
          cpuRequest: f.cpu,
          memoryRequest: f.memory,
          memoryLimit: f.memoryLimit,
        }),
      );
      process.stdout.write(`${files.join('\n')}\n`);
    });
}
