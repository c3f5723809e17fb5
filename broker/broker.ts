// One broker process: loads topic state, opens the logs, starts plugins (group coordinator), the
// client listener and the /metrics endpoint; stops them in reverse order.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from '../common/logging.js';
import type { BrokerConfig } from './config.js';
import { brokerPlugins } from './handlers/registry.js';
import type { BrokerEndpoint, BrokerServices } from './handlers/types.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import { startMetricsServer } from './metrics/http.js';
import { openLogs } from './replica/log-adapter.js';
import { ReplicaManager } from './replica/replica-manager.js';
import { SocketServer } from './server/socket-server.js';
import { ProducerIdManager } from './state/producer-ids.js';
import { topicConfigNumber } from './state/topic-config.js';
import { TopicStore } from './state/topic-store.js';

/** KafkaServer.BrokerState values (kafka_server_kafkaserver_brokerstate). */
export const BrokerState = { notRunning: 0, starting: 1, recovery: 2, running: 3, pendingControlledShutdown: 6, shuttingDown: 7 } as const;

export interface RunningBroker {
  readonly nodeId: number;
  readonly port: number;
  readonly metricsPort: number | null;
  readonly services: BrokerServices;
  stop(): Promise<void>;
}

function clusterIdFor(metadataDir: string): string {
  const file = join(metadataDir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // Kafka cluster ids are 22-character URL-safe base64 UUIDs.
  const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  writeFileSync(file, `${id}\n`);
  return id;
}

export async function startBroker(config: BrokerConfig, logger: Logger): Promise<RunningBroker> {
  let state: number = BrokerState.starting;
  mkdirSync(config.metadataDir, { recursive: true });
  mkdirSync(config.logDir, { recursive: true });
  const clusterId = clusterIdFor(config.metadataDir);
  const topics = new TopicStore(config.metadataDir, config.nodeId);
  topics.load();
  const producerIds = new ProducerIdManager(config.metadataDir);
  producerIds.load();
  const metrics = new BrokerMetrics();
  state = BrokerState.recovery;
  const logs = openLogs(config, logger);
  const replicas = new ReplicaManager(config, topics, logs.provider, metrics, logger);
  replicas.start();

  const advertisedHost = config.advertisedHost ?? (config.host === '0.0.0.0' ? '127.0.0.1' : config.host);
  const self: BrokerEndpoint = { nodeId: config.nodeId, host: advertisedHost, port: config.listenPort, rack: null };
  const services: BrokerServices = {
    nodeId: config.nodeId,
    clusterId,
    config,
    logger,
    liveBrokers: () => [self],
    broker: (id) => (id === self.nodeId ? self : null),
    controllerId: () => config.nodeId,
    topics,
    replicas,
    logs: logs.manager,
    producerIds,
    metrics,
    groups: null,
  };

  const server = new SocketServer(services);
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
        };
      }),
    topicCount: () => topics.list().length,
    logDirs: () => logs.dirs(),
    groups: () => services.groups?.stats() ?? null,
    connections: () => ({ [server.listener]: server.connectionCount }),
    brokerState: () => state,
    isActiveController: () => services.controllerId() === config.nodeId,
    offlinePartitions: () => topics.list().reduce((n, t) => n + t.partitions.filter((p) => p.leader < 0).length, 0),
    replicaFetcherMaxLag: () => 0,
    quorum: () => ({ state: 'leader', leader: config.nodeId, epoch: 1, highWatermark: topics.version }),
  });

  const started: typeof brokerPlugins[number][] = [];
  let metricsServer: Server | null = null;
  const stop = async () => {
    state = BrokerState.shuttingDown;
    await server.close();
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
    for (const p of brokerPlugins) {
      await p.start(services);
      started.push(p);
    }
    const port = await server.listen(config.host, config.listenPort);
    self.port = port;
    let metricsPort: number | null = null;
    if (config.listenMetricsPort >= 0) {
      const m = await startMetricsServer(metrics, config.host, config.listenMetricsPort);
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
