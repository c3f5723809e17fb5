// The runtime configuration of one broker process: the toolkit's `broker` config section plus
// what the launcher decides per broker (node id, ports, directories).
import { join } from 'node:path';
import type { brokerSection } from '../common/config/index.js';
import type { z } from 'zod';

export type BrokerSectionConfig = z.infer<typeof brokerSection>;

export interface BrokerConfig extends BrokerSectionConfig {
  nodeId: number;
  /** Client listener port of this broker (port + 100*i). */
  listenPort: number;
  /** /metrics port of this broker (metricsPort + i); 0 = pick a free one, -1 = none. */
  listenMetricsPort: number;
  /** This broker's own directory (<dataDir>/broker-<id>). */
  brokerDir: string;
  /** Kafka log directory (topic-partition directories) inside brokerDir. */
  logDir: string;
  /** Broker-owned metadata (topics, producer ids) inside brokerDir. */
  metadataDir: string;
}

export function brokerConfigFor(
  section: BrokerSectionConfig,
  nodeId: number,
  listenPort: number,
  listenMetricsPort: number,
): BrokerConfig {
  const brokerDir = join(section.dataDir, `broker-${nodeId}`);
  return {
    ...section,
    nodeId,
    listenPort,
    listenMetricsPort,
    brokerDir,
    logDir: join(brokerDir, 'logs'),
    metadataDir: join(brokerDir, 'metadata'),
  };
}

/** host:port pair. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * One node of a cluster as the launcher lays it out (DIR/cluster.json). Bind addresses are where
 * the node listens; advertised ones are what other nodes and clients are told (a proxy in between
 * when a drill routes traffic through one).
 */
export interface NodeSpec {
  nodeId: number;
  /** Raft voter (controller) as well as broker. */
  voter: boolean;
  bind: { client: HostPort; interBroker: HostPort; controller: HostPort; metrics: HostPort };
  advertised: { client: HostPort; interBroker: HostPort; controller: HostPort };
}

/** DIR/cluster.json: the resolved broker section plus every node. */
export interface ClusterSpec {
  broker: BrokerSectionConfig;
  nodes: NodeSpec[];
  /**
   * Per-cluster secret (hex) that signs every controller RPC (HMAC-SHA256), made by the launcher
   * for each cluster it lays out; cluster.json is written readable by its owner only.
   */
  secret?: string;
}
