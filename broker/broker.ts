// One broker process: loads topic state, opens the logs, starts plugins (group coordinator), the
// client listener and the /metrics endpoint; stops them in reverse order.
import { shareGroupCountOf } from './group/share-plugin.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from '../common/index.js';
import type { BrokerConfig, ClusterSpec } from './config.js';
import { LocalControllerChannel } from './controller/local-channel.js';
import { securityOf } from './security/index.js';
import { QuorumNode } from './controller/quorum-node.js';
import { nodeAdminToken } from './cluster/spec.js';
import { CONTROLLED_SHUTDOWN_MAX_MS } from './cluster/stop-bounds.js';
import { ReplicaFetcherManager } from './replication/fetcher-manager.js';
import { brokerPlugins, servedApis } from './handlers/registry.js';
import type { BrokerEndpoint, BrokerServices } from './services.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import { startMetricsServer } from './metrics/http.js';
import { openLogs } from './replica/log-adapter.js';
import { ReplicaManager } from './replica/replica-manager.js';
import { RequestMemoryPool } from './server/request-memory.js';
import { SocketServer } from './server/socket-server.js';
import { ProducerIdManager } from './state/producer-ids.js';
import { topicConfigNumber } from './state/topic-config.js';
import { TopicStore } from './state/topic-store.js';

/** KafkaServer.BrokerState values (kafka_server_kafkaserver_brokerstate). */
export const BrokerState = {
  notRunning: 0,
  starting: 1,
  recovery: 2,
  running: 3,
  pendingControlledShutdown: 6,
  shuttingDown: 7,
} as const;

export interface StopOptions {
  /**
   * Cluster node: hand leaderships to other replicas first (default true). A node whose launcher
   * is gone skips it: every node is stopping at once, so there is nobody to hand them to.
   */
  controlled?: boolean;
}

export interface RunningBroker {
  readonly nodeId: number;
  readonly port: number;
  readonly metricsPort: number | null;
  readonly services: BrokerServices;
  stop(opts?: StopOptions): Promise<void>;
}

function clusterIdFor(metadataDir: string): string {
  const file = join(metadataDir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // Kafka cluster ids are 22-character URL-safe base64 UUIDs.
  const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * Start one broker. Without `cluster` it is the single broker (`--brokers 1`): its own controller,
 * metadata persisted in topics.json. With `cluster` it is node `config.nodeId` of a replicated
 * cluster: metadata comes from the Raft quorum, replicas follow their leaders. `signal` aborts a
 * start still waiting to be registered (a stop asked for meanwhile): it rejects after cleaning up.
 */
export async function startBroker(
  config: BrokerConfig,
  logger: Logger,
  cluster?: ClusterSpec,
  opts: { signal?: AbortSignal } = {},
): Promise<RunningBroker> {
  let state: number = BrokerState.starting;
  mkdirSync(config.metadataDir, { recursive: true });
  mkdirSync(config.logDir, { recursive: true });
  const clusterId = cluster ? clusterIdFor(config.dataDir) : clusterIdFor(config.metadataDir);
  const topics = new TopicStore(config.metadataDir, config.nodeId, !cluster);
  if (!cluster) topics.load();
  const producerIds = new ProducerIdManager(config.metadataDir, cluster ? config.nodeId : 0, cluster ? 16 : 1);
  producerIds.load();
  const metrics = new BrokerMetrics();
  state = BrokerState.recovery;
  const logs = openLogs(config, logger);
  const quorum = cluster ? new QuorumNode(config, cluster, topics, metrics, logger) : null;
  const channel = quorum ?? new LocalControllerChannel(topics, config.nodeId);
  const replicas = new ReplicaManager(config, topics, logs.provider, metrics, logger, channel, quorum !== null);
  replicas.start();

  const advertisedHost = config.advertisedHost ?? (config.host === '0.0.0.0' ? '127.0.0.1' : config.host);
  const self: BrokerEndpoint = { nodeId: config.nodeId, host: advertisedHost, port: config.listenPort, rack: null };
  const endpointOf = (id: number): BrokerEndpoint | null => {
    if (!quorum) return id === self.nodeId ? self : null;
    const b = quorum.image.brokers.get(id);
    return b && !b.fenced ? { nodeId: id, host: b.client.host, port: b.client.port, rack: b.rack } : null;
  };
  const services: BrokerServices = {
    nodeId: config.nodeId,
    clusterId,
    config,
    logger,
    liveBrokers: () => (quorum ? quorum.image.liveBrokerIds().map((id) => endpointOf(id)!) : [self]),
    broker: endpointOf,
    controllerId: () => (quorum ? quorum.controllerIdForClients() : config.nodeId),
    clustered: quorum !== null,
    interBrokerEndpoint: (id) => {
      const b = quorum?.image.brokers.get(id);
      return b && !b.fenced ? b.interBroker : null;
    },
    controller: channel,
    topics,
    replicas,
    logs: logs.manager,
    producerIds,
    metrics,
    groups: null,
    transactions: null,
  };

  const requestMemory = new RequestMemoryPool(config.queuedMaxRequestBytes);
  const server = new SocketServer(services, servedApis, 'PLAINTEXT', requestMemory);
  const interBroker = cluster ? new SocketServer(services, servedApis, 'REPLICATION', requestMemory) : null;
  const fetchers = quorum
    ? new ReplicaFetcherManager(config, services, replicas, metrics, logger.child({ part: 'replica-fetcher' }))
    : null;
  metrics.setSource({
    partitions: () =>
      replicas.allReplicas().map((r) => {
        const t = topics.get(r.state.topic);
        return {
          topic: r.state.topic,
          partition: r.state.partition,
          leader: r.state.leader === config.nodeId,
          size: r.log.sizeBytes(),
          logEndOffset: r.log.logEndOffset(),
          logStartOffset: r.log.logStartOffset(),
          numSegments: r.log.numSegments(),
          replicas: r.state.replicas.length,
          isr: r.state.isr.length,
          minIsr: topicConfigNumber(t?.configs ?? {}, config, 'min.insync.replicas'),
          lastStableOffsetLag: r.highWatermark - r.lastStableOffset(),
          producerIds: r.log.producerIdCount?.() ?? 0,
        };
      }),
    topicCount: () => topics.list().length,
    logDirs: () => logs.dirs(),
    groups: () => services.groups?.stats() ?? null,
    transactions: () => services.transactions?.metrics() ?? null,
    shareGroupCount: () => shareGroupCountOf(services),
    connections: () => ({ [server.listener]: server.connectionCount }),
    brokerState: () => state,
    isActiveController: () => (quorum ? quorum.controller?.isActive === true : true),
    offlinePartitions: () => topics.list().reduce((n, t) => n + t.partitions.filter((p) => p.leader < 0).length, 0),
    replicaFetcherMaxLag: () => fetchers?.maxLag() ?? 0,
    replicaFetcherFailedPartitions: () => fetchers?.failedPartitions() ?? 0,
    quorum: () =>
      quorum
        ? {
            state: quorum.raft.role,
            leader: quorum.raft.leaderId,
            epoch: quorum.raft.term,
            highWatermark: quorum.raft.commitIndex,
          }
        : { state: 'leader', leader: config.nodeId, epoch: 1, highWatermark: topics.version },
    // A cluster node's Raft node and controller; the single broker runs neither (no samples: NaN, 0).
    quorumStats: () =>
      quorum
        ? {
            commitLatencyAvgMs: quorum.raft.stats.commitLatency.avg,
            commitLatencyMaxMs: quorum.raft.stats.commitLatency.max,
            electionLatencyAvgMs: quorum.raft.stats.electionLatency.avg,
            electionLatencyMaxMs: quorum.raft.stats.electionLatency.max,
            lastAppliedRecordLagMs: quorum.raft.stats.lastAppliedRecordLagMs,
            metadataErrors: quorum.raft.stats.metadataErrors,
            timedOutBrokerHeartbeats: quorum.controller?.timedOutBrokerHeartbeats ?? 0,
            newActiveControllers: quorum.raft.stats.newActiveControllers,
          }
        : {
            commitLatencyAvgMs: NaN,
            commitLatencyMaxMs: NaN,
            electionLatencyAvgMs: NaN,
            electionLatencyMaxMs: NaN,
            lastAppliedRecordLagMs: 0,
            metadataErrors: 0,
            timedOutBrokerHeartbeats: 0,
            newActiveControllers: 0,
          },
    preferredImbalance: () => quorum?.controller?.imbalanced().length ?? 0,
    brokerCounts: () => {
      if (!quorum) return { active: 1, fenced: 0 };
      const all = [...quorum.image.brokers.values()];
      return { active: all.filter((b) => !b.fenced).length, fenced: all.filter((b) => b.fenced).length };
    },
  });

  const started: (typeof brokerPlugins)[number][] = [];
  let metricsServer: Server | null = null;
  let stopped = false;
  const stop = async (opts: StopOptions = {}) => {
    if (stopped) return;
    stopped = true;
    if (quorum && state === BrokerState.running && opts.controlled !== false) {
      // Controlled shutdown: hand leaderships to in-sync replicas before going away; capped so a
      // stop stays bounded (broker/cluster/stop-bounds.ts).
      state = BrokerState.pendingControlledShutdown;
      // (It logs why when it ends without the controller's answer.)
      await quorum.controlledShutdown(Math.min(config.controlledShutdownTimeoutMs, CONTROLLED_SHUTDOWN_MAX_MS));
    }
    state = BrokerState.shuttingDown;
    fetchers?.stop();
    replicas.stop();
    await server.close();
    await interBroker?.close();
    await quorum?.stop();
    replicas.wakeAll();
    for (const p of [...started].reverse()) {
      try {
        await p.stop?.(services);
      } catch (e) {
        logger.error({ err: e }, `stopping ${p.name} failed`);
      }
    }
    logs.close();
    if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
    metrics.close();
    state = BrokerState.notRunning;
  };

  try {
    if (quorum && cluster) {
      const me = cluster.nodes.find((n) => n.nodeId === config.nodeId)!;
      await interBroker!.listen(me.bind.interBroker.host, me.bind.interBroker.port);
      // Committed ACL changes reach this node's authorizer (replayed from the metadata log on start).
      quorum.image.onAcl = (change) => securityOf(services).acls.apply(change);
      await quorum.start();
      fetchers!.start();
    }
    for (const p of brokerPlugins) {
      await p.start(services);
      started.push(p);
    }
    // The client listener opens only once this node may serve (registered, unfenced, controller
    // known), as a KRaft broker enables its acceptors only after it is unfenced: until then a
    // client's connection is refused and it retries, instead of being told "no controller" (which
    // librdkafka's admin client does not recover from) or sent to brokers that are not there yet.
    // So "the port accepts connections" means "this broker serves", for clients and probes alike.
    if (quorum) await quorum.waitReady(Math.max(30_000, config.brokerSessionTimeoutMs * 3), opts.signal);
    const port = await server.listen(config.host, config.listenPort);
    self.port = port;
    let metricsPort: number | null = null;
    if (config.listenMetricsPort >= 0) {
      const admin = quorum
        ? {
            state: () => ({
              nodeId: config.nodeId,
              pid: process.pid,
              brokerState: state,
              raft: {
                role: quorum.raft.role,
                leader: quorum.raft.leaderId,
                term: quorum.raft.term,
                commitIndex: quorum.raft.commitIndex,
              },
              activeController: quorum.controller?.isActive === true,
              fenced: !quorum.image.isLive(config.nodeId),
              logDir: { ...logs.manager.state(), capacityBytes: logs.manager.capacityBytes },
              leaderCount: replicas.allReplicas().filter((r) => r.state.leader === config.nodeId).length,
            }),
            setLogDirCapacity: (bytes: number | null) => logs.manager.setCapacityBytes(bytes),
          }
        : undefined;
      const m = await startMetricsServer(
        metrics,
        config.host,
        config.listenMetricsPort,
        admin,
        cluster ? nodeAdminToken(cluster) : undefined,
      );
      metricsServer = m.server;
      metricsPort = m.port;
    }
    state = BrokerState.running;
    return { nodeId: config.nodeId, port, metricsPort, services, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
