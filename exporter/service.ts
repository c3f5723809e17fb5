// Wires the exporter together: clients per cluster, collector, SLO tracker, probe, HTTP server.
// Used by `kafka-sre exporter` and by `kafka-sre up`.
import type { SloDefinition, ExporterClusterConfig, ExporterConfig } from '../common/config/index.js';
import type { Logger } from '../common/index.js';
import { ClusterClient } from '../kafka-client/index.js';
import { ClusterCollector, Collector } from './collect/collector.js';
import { ShardCoordinator } from './coordination/coordinator.js';
import { ProbeLease } from './coordination/probe-lease.js';
import { collectCycleGarbageBetweenScrapes } from './collect/heap-trim.js';
import { slowDescribes } from './collect/slow-describes.js';
import { anyOf, nameFilter } from './filters.js';
import { startHttp, type ExporterHttp } from './http/server.js';
import { catalogCounter, MetricsHub } from './metrics/exposition.js';
import { startOtel } from './otel.js';
import type { Probe } from './probe/probe.js';
import { SloTracker } from './slo/tracker.js';

export interface RunningExporter {
  readonly url: string;
  readonly port: number;
  readonly hub: MetricsHub;
  readonly collector: Collector;
  readonly probes: readonly Probe[];
  stop(): Promise<void>;
}

export interface ExporterSetup {
  config: ExporterConfig;
  clusters: readonly ExporterClusterConfig[];
  slos: readonly SloDefinition[];
  logger: Logger;
}

export async function startExporter({ config, clusters, slos, logger }: ExporterSetup): Promise<RunningExporter> {
  if (clusters.length === 0) throw new Error('no cluster to collect: pass --bootstrap or set exporter.clusters');
  const names = new Set<string>();
  for (const c of clusters) {
    if (names.has(c.name)) throw new Error(`exporter.clusters: cluster name ${JSON.stringify(c.name)} is used twice`);
    names.add(c.name);
  }
  const filters = {
    topics: nameFilter(config.topics, 'exporter.topics'),
    groups: nameFilter(config.groups, 'exporter.groups'),
    includeInternal: config.includeInternalTopics,
  };
  const readCommitted = anyOf(config.readCommittedGroups, 'exporter.readCommittedGroups');
  const otel = await startOtel(config.otel);

  const hub = new MetricsHub(clusters.map((c) => c.name));
  // The OTLP mirror and the probe are loaded only when configured: an exporter without them does
  // not carry their code.
  if (otel?.metrics)
    (await import('./otel-metrics.js')).bridgeMetricsToOtel(
      hub,
      clusters.map((c) => c.name),
    );
  const slo = new SloTracker(slos, hub.live);
  const tx = config.transactions;
  const transactionReader = tx.enabled
    ? {
        intervalMs: tx.intervalMs ?? DESCRIBE_INTERVALS * config.intervalMs,
        hangingMarginMs: tx.hangingMarginMs,
        maxTransactionalIds: tx.maxTransactionalIds,
        aborts: catalogCounter('transactionAborts', hub.live),
      }
    : undefined;
  // Fleet mode: one coordination-group membership per cluster decides this replica's share.
  const group = config.coordination.group;
  /** Fleet mode with the probe: per cluster, the probe runs on partition 0's holder only. */
  const leases = new Map<string, ProbeLease>();
  const shards = new Map<string, ShardCoordinator>();
  if (group !== undefined)
    for (const c of clusters)
      shards.set(
        c.name,
        new ShardCoordinator(
          c,
          { ...config.coordination, group },
          filters.groups,
          hub.live,
          logger.child({ cluster: c.name, part: 'coordination' }),
          // Called once the group assigns a share, after `collector` exists (start() below).
          () => {
            collector.wake();
            void leases.get(c.name)?.check();
          },
        ),
      );
  const collectors = clusters.map((c) => {
    slo.addCluster(c.name);
    const client: ClusterClient = new ClusterClient(
      c,
      logger.child({ cluster: c.name }),
      slowDescribes(() => client, config.describeIntervalMs ?? DESCRIBE_INTERVALS * config.intervalMs),
    );
    return new ClusterCollector(
      c.name,
      client,
      hub,
      slo,
      { ...config, filters, readCommitted, transactionReader, shard: shards.get(c.name) },
      logger,
    );
  });
  const collector = new Collector(collectors, config.intervalMs);
  for (const s of shards.values()) s.start();
  const http = await startHttp(hub, () => collector.ready(), config.port, config.host);
  collector.start();
  // What starting left behind (compiled module code, config validation: ~10 MB of young
  // generation V8 keeps committed) is garbage once the server listens; the first cycle-end GC may
  // be many seconds away when a cluster is slow or unreachable.
  setTimeout(() => void collectCycleGarbageBetweenScrapes(), STARTUP_TRIM_MS).unref();
  const probes: Probe[] = [];
  if (config.probe.enabled) {
    const { Probe } = await import('./probe/probe.js');
    for (const c of collectors) {
      const newProbe = () =>
        new Probe(c.name, c.client, config.probe, hub.live, slo, logger.child({ cluster: c.name, part: 'probe' }));
      const shard = shards.get(c.name);
      if (shard) {
        const lease = new ProbeLease(
          () => shard.holdsPartitionZero(),
          newProbe,
          logger.child({ cluster: c.name, part: 'probe' }),
          PROBE_LEASE_CHECK_MS,
        );
        leases.set(c.name, lease);
        lease.start();
        continue;
      }
      const probe = newProbe();
      probes.push(probe);
      probe.start();
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    url: http.url,
    port: http.port,
    hub,
    collector,
    probes,
    stop: () =>
      (stopping ??= (async () => {
        // Bounded: with the brokers already gone (Ctrl-C stops a whole `up` at once), kafkajs
        // retries a consumer's leave-group or a cycle's requests for minutes.
        await bounded(Promise.all([...probes, ...leases.values()].map((p) => p.stop())), STOP_STEP_MS);
        // Leaving the coordination group hands this replica's share over at once.
        await bounded(Promise.all([...shards.values()].map((s) => s.stop())), STOP_STEP_MS);
        await bounded(collector.stop(), STOP_STEP_MS);
        await closeQuietly(http);
        await otel?.shutdown().catch(() => undefined);
      })()),
  };
}

const STOP_STEP_MS = 5000;
/** How often a fleet replica re-reads whether it holds partition 0 (it can lose it without a rebalance). */
const PROBE_LEASE_CHECK_MS = 1000;
const STARTUP_TRIM_MS = 1000;
/** Default cadence of DescribeConfigs/DescribeLogDirs, in collection intervals (slow-describes.ts). */
const DESCRIBE_INTERVALS = 4;

/** Waits for `work` at most `ms` (its failure or lateness is not the stop's concern). */
async function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function closeQuietly(http: ExporterHttp): Promise<void> {
  await http.close().catch(() => undefined);
}
