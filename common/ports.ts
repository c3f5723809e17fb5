// Default ports, the one table of DESIGN.md. Tests never use these: they pick free ports.
export const PORT_STEP_PER_BROKER = 100;

export const defaultPorts = {
  /** Broker i listens for clients on brokerClient + 100*i. */
  brokerClient: 9092,
  /** Inter-broker (replication) listener base. */
  brokerReplication: 19092,
  /** Controller (Raft) listener base. */
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

/** Port of listener kind `base` for broker index i (0-based): +100 per broker, metrics +1. */
export function brokerListenerPort(base: number, brokerIndex: number): number {
  return base + PORT_STEP_PER_BROKER * brokerIndex;
}

export function brokerMetricsPort(base: number, brokerIndex: number): number {
  return base + brokerIndex;
}

/** Every default port with a description, for `doctor` and the docs. */
export function defaultPortTable(brokers = 3): { port: number; what: string }[] {
  const rows: { port: number; what: string }[] = [];
  for (let i = 0; i < brokers; i++) {
    rows.push({ port: brokerListenerPort(defaultPorts.brokerClient, i), what: `broker ${i} client listener` });
    rows.push({ port: brokerListenerPort(defaultPorts.brokerReplication, i), what: `broker ${i} inter-broker listener` });
    rows.push({ port: brokerListenerPort(defaultPorts.brokerController, i), what: `broker ${i} controller listener` });
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
