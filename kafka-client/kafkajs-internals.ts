// The part of kafkajs 2.2.4 (pinned exactly in package.json) below its public admin API that the
// cluster client uses: the Cluster object and per-broker requests. kafkajs's admin helpers call
// brokers one after another and fail as a whole when one broker fails; going one level down lets
// us batch per broker, run brokers in parallel and keep a dead broker from spoiling the rest.
// Only the fields we read are typed here.
import { createRequire } from 'node:module';
import type { Admin, Kafka } from 'kafkajs';
import type { KjsConnectionPool } from './raw-transport.js';

export interface KjsPartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas?: number[];
}

export interface KjsMetadata {
  clusterId?: string;
  controllerId?: number;
  brokers: { nodeId: number; host: string; port: number; rack?: string | null }[];
  topicMetadata: {
    topicErrorCode: number;
    topic: string;
    isInternal?: boolean;
    partitionMetadata: KjsPartitionMetadata[];
  }[];
}

export interface KjsListOffsetsResponse {
  responses: {
    topic: string;
    partitions: { partition: number; errorCode: number; offset?: string; timestamp?: string }[];
  }[];
}

export interface KjsMessage {
  offset: string;
  timestamp: string;
}

export interface KjsFetchResponse {
  responses: {
    topicName: string;
    partitions: { partition: number; errorCode: number; highWatermark: string; messages: KjsMessage[] }[];
  }[];
}

export interface KjsDescribeGroupsResponse {
  groups: {
    errorCode: number;
    groupId: string;
    state: string;
    protocolType: string;
    protocol: string;
    members: {
      memberId: string;
      clientId: string;
      clientHost: string;
      memberMetadata: Buffer;
      memberAssignment: Buffer;
    }[];
  }[];
}

export interface KjsOffsetFetchResponse {
  errorCode?: number;
  responses: { topic: string; partitions: { partition: number; offset: string; errorCode: number }[] }[];
}

export interface KjsDescribeConfigsResponse {
  resources: {
    errorCode: number;
    resourceName: string;
    configEntries: { configName: string; configValue: string | null }[];
  }[];
}

export interface KjsBroker {
  nodeId: number;
  /** kafkajs's connections to this broker (used for raw requests, see raw-transport.ts). */
  connectionPool: KjsConnectionPool;
  versions?: Record<string, { minVersion: number; maxVersion: number }>;
  listOffsets(args: {
    replicaId?: number;
    isolationLevel?: number;
    topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[];
  }): Promise<KjsListOffsetsResponse>;
  fetch(args: {
    replicaId?: number;
    isolationLevel?: number;
    maxWaitTime?: number;
    minBytes?: number;
    maxBytes?: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<KjsFetchResponse>;
  listGroups(): Promise<{ errorCode: number; groups: { groupId: string; protocolType: string }[] }>;
  describeGroups(args: { groupIds: string[] }): Promise<KjsDescribeGroupsResponse>;
  offsetFetch(args: {
    groupId: string;
    topics: { topic: string; partitions: { partition: number }[] }[];
  }): Promise<KjsOffsetFetchResponse>;
  metadata(topics?: string[]): Promise<KjsMetadata>;
  describeConfigs(args: {
    resources: { type: number; name: string; configNames?: string[] }[];
    includeSynonyms?: boolean;
  }): Promise<KjsDescribeConfigsResponse>;
  offsetCommit(args: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; errorCode: number }[] }[] }>;
}

export interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  metadata(args?: { topics?: string[] }): Promise<KjsMetadata>;
  refreshMetadata(): Promise<void>;
  findBroker(args: { nodeId: string | number }): Promise<KjsBroker>;
  findGroupCoordinator(args: { groupId: string }): Promise<KjsBroker>;
}

const require = createRequire(import.meta.url);

/** A kafkajs Cluster sharing the Kafka instance's connection settings (TLS, SASL, timeouts). */
export function createInternalCluster(kafka: Kafka): KjsCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!sym) throw new Error('kafkajs internals changed: Kafka#createCluster not found (kafkajs 2.2.4 is required)');
  const create = (kafka as unknown as Record<symbol, (o: Record<string, unknown>) => KjsCluster>)[sym];
  return create({ allowAutoTopicCreation: false });
}

interface KjsBrokerPool {
  brokers: Record<string, KjsBroker>;
  seedBroker?: KjsBroker & { nodeId?: number | string };
  rootLogger: unknown;
  versions: unknown;
  connectionPoolBuilder: { build(a: { host: string; port: number; rack?: string | null }): Promise<unknown> };
  createBroker(o: { logger: unknown; versions: unknown; connectionPool: unknown; nodeId: number }): KjsBroker;
}

/**
 * Tells kafkajs's broker pool about brokers learnt from a Metadata response the project decoded
 * itself. kafkajs refreshes its broker list with a Metadata request for every topic and rejects the
 * whole answer when one partition is offline (LEADER_NOT_AVAILABLE), which would leave every
 * per-broker request failing exactly while a partition is down. Connections still come from
 * kafkajs's own builder, so TLS and SASL settings apply.
 */
export function adoptBrokers(
  cluster: KjsCluster,
  brokers: readonly { id: number; host: string; port: number; rack?: string }[],
): Promise<void> {
  const pool = (cluster as unknown as { brokerPool?: KjsBrokerPool }).brokerPool;
  if (!pool?.createBroker || !pool.connectionPoolBuilder) return Promise.resolve();
  // One adoption at a time per pool: two concurrent ones would each create the same broker.
  const next = (adopting.get(pool) ?? Promise.resolve()).then(() => adoptInto(pool, brokers));
  adopting.set(
    pool,
    next.catch(() => undefined),
  );
  return next;
}

const adopting = new WeakMap<KjsBrokerPool, Promise<void>>();

async function adoptInto(
  pool: KjsBrokerPool,
  brokers: readonly { id: number; host: string; port: number; rack?: string }[],
): Promise<void> {
  const addressOf = (broker: KjsBroker | undefined) =>
    (broker?.connectionPool as { host?: string; port?: number } | undefined) ?? {};
  for (const b of brokers) {
    // Known already (a moved address is left to kafkajs's own refresh: never drop a live connection here).
    if (pool.brokers[b.id]) continue;
    const seed = pool.seedBroker;
    if (seed && addressOf(seed).host === b.host && addressOf(seed).port === b.port) {
      // As kafkajs's own refresh does; a different rack would make it treat the seed as replaced.
      seed.nodeId = b.id;
      (seed.connectionPool as unknown as { rack?: string | null }).rack = b.rack ?? null;
      pool.brokers[b.id] = seed;
      continue;
    }
    pool.brokers[b.id] = pool.createBroker({
      logger: pool.rootLogger,
      versions: pool.versions,
      connectionPool: await pool.connectionPoolBuilder.build({ host: b.host, port: b.port, rack: b.rack ?? null }),
      nodeId: b.id,
    });
  }
}

/** A kafkajs Admin on a given internal Cluster (so both share one set of connections). */
export function createAdminOn(kafka: Kafka, cluster: KjsCluster): Admin {
  const createAdmin = require('kafkajs/src/admin/index.js') as (o: Record<string, unknown>) => Admin;
  const InstrumentationEventEmitter = require('kafkajs/src/instrumentation/emitter.js') as new () => object;
  return createAdmin({
    logger: kafka.logger(),
    instrumentationEmitter: new InstrumentationEventEmitter(),
    retry: { retries: 2 },
    cluster,
  });
}

/** Decode a consumer-protocol member assignment (topics and partitions). */
export function decodeConsumerAssignment(buf: Buffer): { topic: string; partitions: number[] }[] {
  if (!buf || buf.length === 0) return [];
  const { AssignerProtocol } = require('kafkajs') as typeof import('kafkajs');
  const decoded = AssignerProtocol.MemberAssignment.decode(buf);
  if (!decoded) return [];
  return Object.entries(decoded.assignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));
}
