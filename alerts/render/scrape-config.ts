// The Prometheus configuration the rules and dashboards assume: jobs for brokers, exporters and,
// for game days, the chaos runners and fault proxies, each with a `cluster` label added by
// relabeling (brokers, runners and proxies do not emit it), the generated rule files and the
// Alertmanager to notify.
import type { AlertsConfig } from '../../common/config/index.js';
import { brokerMetricsPort, defaultPorts } from '../../common/index.js';
import { toYaml } from './yaml.js';

/** Hidden target label carrying the cluster name into relabeling (dropped after it). */
export const CLUSTER_TARGET_LABEL = '__kafka_sre_cluster';
export const DEFAULT_CLUSTER = 'local';
/** Where `chaos run --metrics-port` serves (the runner binds loopback only). */
const RUNNER_HOST = '127.0.0.1';

export interface ReferenceCluster {
  readonly brokers: number;
  readonly host: string;
  readonly metricsPort: number;
  /** The exporter's /metrics port (default kafka_exporter's 9308). */
  readonly exporterPort?: number;
  /** The fault proxy's API address, which serves /metrics (default 127.0.0.1:8474; port 0: no proxy job). */
  readonly proxyHost?: string;
  readonly proxyPort?: number;
}

export interface ClusterTargets {
  readonly name: string;
  readonly brokers: readonly string[];
  readonly exporters: readonly string[];
  /** Game-day runners' /metrics (kafka_sre_gameday_*). */
  readonly gameday: readonly string[];
  /** Fault proxies' API ports (toxiproxy_proxy_* on /metrics). */
  readonly proxies: readonly string[];
}

/** Clusters from the config, or the reference cluster when none are listed. */
export function clusterTargets(config: AlertsConfig, reference: ReferenceCluster): ClusterTargets[] {
  if (config.scrape.clusters.length) return config.scrape.clusters;
  const brokers = Array.from(
    { length: reference.brokers },
    (_, i) => `${reference.host}:${brokerMetricsPort(reference.metricsPort, i)}`,
  );
  // Port 0 means "a free port at run time", which no static target can name.
  const proxyPort = reference.proxyPort ?? defaultPorts.proxyApi;
  const runnerPort = config.scrape.gamedayMetricsPort;
  return [
    {
      name: DEFAULT_CLUSTER,
      brokers,
      exporters: [`127.0.0.1:${reference.exporterPort ?? defaultPorts.exporter}`],
      gameday: runnerPort ? [`${RUNNER_HOST}:${runnerPort}`] : [],
      proxies: proxyPort ? [`${reference.proxyHost ?? '127.0.0.1'}:${proxyPort}`] : [],
    },
  ];
}

export function scrapeConfig(
  config: AlertsConfig,
  clusters: readonly ClusterTargets[],
  ruleFiles: readonly string[] = ['rules/*.rules.yaml'],
): Record<string, unknown> {
  const relabel = [{ source_labels: [CLUSTER_TARGET_LABEL], target_label: 'cluster' }];
  const staticConfigs = (pick: (c: ClusterTargets) => readonly string[]) =>
    clusters
      .filter((c) => pick(c).length > 0)
      .map((c) => ({ targets: [...pick(c)], labels: { [CLUSTER_TARGET_LABEL]: c.name } }));
  // Game-day jobs only where some cluster lists targets: a deployment without game days gets none.
  const gamedayJob = (job_name: string, pick: (c: ClusterTargets) => readonly string[]) =>
    clusters.some((c) => pick(c).length > 0)
      ? [{ job_name, static_configs: staticConfigs(pick), relabel_configs: relabel }]
      : [];
  return {
    global: { scrape_interval: config.scrape.interval, evaluation_interval: config.evaluationInterval },
    rule_files: [...ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...config.scrape.alertmanagers] }] }] },
    scrape_configs: [
      { job_name: config.scrape.brokerJob, static_configs: staticConfigs((c) => c.brokers), relabel_configs: relabel },
      // The exporter labels its own series with `cluster`; honor_labels keeps them and `up` gets it from the target.
      {
        job_name: config.scrape.exporterJob,
        honor_labels: true,
        static_configs: staticConfigs((c) => c.exporters),
        relabel_configs: relabel,
      },
      // The runner serves only while a drill runs (its target is down in between); the game-day
      // dashboard reads its gauges unfiltered, `cluster` just says which cluster was drilled.
      ...gamedayJob(config.scrape.gamedayJob, (c) => c.gameday),
      // Proxy series get `cluster` like broker series, so the dashboards' $cluster filter keeps them.
      ...gamedayJob(config.scrape.proxyJob, (c) => c.proxies),
    ],
  };
}

export function renderScrapeConfig(
  config: AlertsConfig,
  clusters: readonly ClusterTargets[],
  ruleFiles?: readonly string[],
): string {
  return toYaml(scrapeConfig(config, clusters, ruleFiles));
}
