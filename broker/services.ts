// The broker's service container: what a broker process offers to its parts (handlers, server,
// security, group coordinator, replication), one instance per process, assembled in broker.ts.
//
// Handlers never touch sockets or raw bytes; state lives in BrokerServices (broker/state,
// broker/log, broker/group, broker/replica), so replication (issue 4) changes the services, not the
// handlers. The handler contract itself (HandlerModule) is in broker/handlers/types.ts.
import type { Logger } from '../common/index.js';
import type { GroupCoordinator } from './group/coordinator.js';
import type { TransactionCoordinator } from './txn/coordinator.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';
import type { BrokerConfig } from './config.js';
import type { TopicStore } from './state/topic-store.js';
import type { ReplicaManager } from './replica/replica-manager.js';
import type { ProducerIdManager } from './state/producer-ids.js';
import type { LogManager } from './log/index.js';
import type { ControllerChannel } from './controller/channel.js';

/** A broker as clients see it: id and advertised client endpoint. */
export interface BrokerEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** What every handler can use. One instance per broker process. */
export interface BrokerServices {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly config: BrokerConfig;
  readonly logger: Logger;
  /** Live brokers with advertised client endpoints (Metadata, FindCoordinator). */
  liveBrokers(): BrokerEndpoint[];
  /** Endpoint of one live broker, or null. */
  broker(nodeId: number): BrokerEndpoint | null;
  /** Node id of the active controller (-1 when none). */
  controllerId(): number;
  /** True on a node of a replicated cluster (metadata from the quorum), false on the single broker. */
  readonly clustered: boolean;
  /** Advertised inter-broker (replication) endpoint of a live broker, or null. */
  interBrokerEndpoint(nodeId: number): { host: string; port: number } | null;
  /** Every metadata change goes through here (broker/controller/channel.ts). */
  readonly controller: ControllerChannel;
  /** Topics, partitions, leaders, ISR, leader epochs and topic configs (persisted in the data dir). */
  readonly topics: TopicStore;
  /**
   * Local replicas (each with its broker/log partition log) and the append/read paths with high
   * watermarks and long-poll waiters. Internal writers (the group coordinator) append with
   * `replicas.appendRecords(topic, partition, batch, -1)` and read back with
   * `replicas.replica(topic, partition).log.read(...)`.
   */
  readonly replicas: ReplicaManager;
  /** The broker's log directory (broker/log): health, capacity, DescribeLogDirs data. */
  readonly logs: LogManager;
  /** Producer ids for idempotent producers (InitProducerId). */
  readonly producerIds: ProducerIdManager;
  readonly metrics: BrokerMetrics;
  /** The group coordinator; filled by the group plugin (broker/group) at start, null until then. */
  groups: GroupCoordinator | null;
  /** The transaction coordinator; filled by the txn plugin (broker/txn) at start, null until then. */
  transactions: TransactionCoordinator | null;
}

/** Per-request information the server hands to a handler. */
export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Remote address of the connection. */
  readonly clientHost: string;
  /** Unique per connection within this broker process. */
  readonly connectionId: string;
  /** Authenticated principal ("User:ANONYMOUS" on PLAINTEXT). */
  readonly principal: string;
  /** Listener name the request came in on (e.g. "PLAINTEXT"). */
  readonly listener: string;
  readonly services: BrokerServices;
  /** Send no response for this request (Produce acks=0). */
  skipResponse(): void;
}

/**
 * Something that plugs services into the broker at start (the group coordinator does this:
 * it sets `services.groups`). Listed in broker/handlers/registry.ts; started in list order after
 * the log and topic state are loaded and before the listener opens; stopped in reverse order.
 */
export interface BrokerPlugin {
  readonly name: string;
  start(services: BrokerServices): Promise<void> | void;
  stop?(services: BrokerServices): Promise<void> | void;
}
