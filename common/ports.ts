// Default ports, the one table (docs/ports.md). Tests never use these: they pick free ports
// (free-ports.ts, outside the kernel's ephemeral range).
export const PORT_STEP_PER_BROKER = 100;

export const defaultPorts = {
  /** Broker i listens for clients on brokerClient + 100*i. */
  brokerClient: 9092,
  /** Inter-broker (replication) listener base with the default client port; else it follows it (port + 10). */
  brokerReplication: 19092,
  /** Controller (Raft) listener base with the default client port; else it follows it (port + 20). */
  brokerController: 29092,
  /** Client-facing proxy listeners when `up` routes clients through the proxy. */
  brokerProxy: 39092,
  /** Broker i serves /metrics on brokerMetrics + i (jmx_exporter's customary 7071). */
  brokerMetrics: 7071,
  /** Cluster launcher admin API. */
  launcherAdmin: 7070,
  /** Toxiproxy-compatible proxy API (Toxiproxy's own default). */
  proxyApi: 8474,
  /** Exporter /metrics (kafka_exporter's default). */
  exporter: 9308,
  /** Game-day runner /metrics (`chaos run --metrics-port`), which the generated Prometheus config scrapes. */
  gamedayMetrics: 9466,
  /** Prometheus and Alertmanager started by `up`. */
  prometheus: 9090,
  alertmanager: 9093,
} as const;

export type PortKind = keyof typeof defaultPorts;

/** Inter-broker listener base relative to a non-default client port (broker i: port + 10 + 100*i). */
export const INTER_BROKER_OFFSET = 10;
/** Controller listener base relative to a non-default client port (broker i: port + 20 + 100*i). */
export const CONTROLLER_OFFSET = 20;

/**
 * The inter-broker and controller listener bases: as given; else, with the default client port
 * (or 0), the defaults 19092 and 29092; else they follow the client port (port + 10, port + 20),
 * so a second cluster started with another --port does not collide with the first one.
 */
export function brokerListenerBases(b: { port: number; interBrokerPort?: number; controllerPort?: number }): {
  interBrokerPort: number;
  controllerPort: number;
} {
  const follow = b.port !== defaultPorts.brokerClient && b.port !== 0;
  return {
    interBrokerPort: b.interBrokerPort ?? (follow ? b.port + INTER_BROKER_OFFSET : defaultPorts.brokerReplication),
    controllerPort: b.controllerPort ?? (follow ? b.port + CONTROLLER_OFFSET : defaultPorts.brokerController),
  };
}

/** Port of listener kind `base` for broker index i (0-based): +100 per broker, metrics +1. */
export function brokerListenerPort(base: number, brokerIndex: number): number {
  return base + PORT_STEP_PER_BROKER * brokerIndex;
}

/** Client addresses of the reference cluster's brokers (a 0.0.0.0 bind is reached on loopback). */
export function referenceBootstrap(broker: { host: string; port: number; brokers: number }): string[] {
  const host = broker.host === '0.0.0.0' ? '127.0.0.1' : broker.host;
  return Array.from({ length: broker.brokers }, (_, i) => `${host}:${brokerListenerPort(broker.port, i)}`);
}

export function brokerMetricsPort(base: number, brokerIndex: number): number {
  return base + brokerIndex;
}

/** Every default port with a description, for `doctor` and the docs. */
export function defaultPortTable(brokers = 3): { port: number; what: string }[] {
  const rows: { port: number; what: string }[] = [];
  for (let i = 0; i < brokers; i++) {
    rows.push({ port: brokerListenerPort(defaultPorts.brokerClient, i), what: `broker ${i} client listener` });
    rows.push({
      port: brokerListenerPort(defaultPorts.brokerReplication, i),
      what: `broker ${i} inter-broker listener (follows --port: port + 10)`,
    });
    rows.push({
      port: brokerListenerPort(defaultPorts.brokerController, i),
      what: `broker ${i} controller listener (follows --port: port + 20)`,
    });
    rows.push({ port: brokerMetricsPort(defaultPorts.brokerMetrics, i), what: `broker ${i} /metrics` });
  }
  rows.push({ port: defaultPorts.launcherAdmin, what: 'cluster launcher admin API' });
  rows.push({ port: defaultPorts.proxyApi, what: 'proxy API (Toxiproxy)' });
  rows.push({ port: defaultPorts.exporter, what: 'exporter /metrics' });
  rows.push({ port: defaultPorts.gamedayMetrics, what: 'game-day runner /metrics (chaos run --metrics-port)' });
  rows.push({ port: defaultPorts.prometheus, what: 'Prometheus (started by up)' });
  rows.push({ port: defaultPorts.alertmanager, what: 'Alertmanager (started by up)' });
  return rows;
}
