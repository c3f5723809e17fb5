// The Prometheus configuration the rules assume: one job for brokers, one for exporters, a
// `cluster` label added by relabeling (brokers do not emit it), the generated rule files and
// the Alertmanager to notify.
import type { AlertsConfig } from '../../common/config/sections/alerts.js';
import { brokerMetricsPort, defaultPorts } from '../../common/ports.js';
import { toYaml } from './yaml.js';

/** Hidden target label carrying the cluster name into relabeling (dropped after it). */
export const CLUSTER_TARGET_LABEL = '__kafka_sre_cluster';
export const DEFAULT_CLUSTER = 'local';

export interface ReferenceCluster {
  readonly brokers: number;
  readonly host: string;
  readonly metricsPort: number;
  /** The exporter's /metrics port (default kafka_exporter's 9308). */
  readonly exporterPort?: number;
}

export interface ClusterTargets {
  readonly name: string;
  readonly brokers: readonly string[];
  readonly exporters: readonly string[];
}

/** Clusters from the config, or the reference cluster when none are listed. */
export function clusterTargets(config: AlertsConfig, reference: ReferenceCluster): ClusterTargets[] {
  if (config.scrape.clusters.length) return config.scrape.clusters;
  const brokers = Array.from({ length: reference.brokers }, (_, i) => `${reference.host}:${brokerMetricsPort(reference.metricsPort, i)}`);
  return [{ name: DEFAULT_CLUSTER, brokers, exporters: [`127.0.0.1:${reference.exporterPort ?? defaultPorts.exporter}`] }];
}

export function scrapeConfig(config: AlertsConfig, clusters: readonly ClusterTargets[], ruleFiles: readonly string[] = ['rules/*.rules.yaml']): Record<string, unknown> {
  const relabel = [{ source_labels: [CLUSTER_TARGET_LABEL], target_label: 'cluster' }];
  const staticConfigs = (pick: (c: ClusterTargets) => readonly string[]) =>
    clusters.filter((c) => pick(c).length > 0).map((c) => ({ targets: [...pick(c)], labels: { [CLUSTER_TARGET_LABEL]: c.name } }));
  return {
    global: { scrape_interval: config.scrape.interval, evaluation_interval: config.evaluationInterval },
    rule_files: [...ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...config.scrape.alertmanagers] }] }] },
    scrape_configs: [
      { job_name: config.scrape.brokerJob, static_configs: staticConfigs((c) => c.brokers), relabel_configs: relabel },
      // The exporter labels its own series with `cluster`; honor_labels keeps them and `up` gets it from the target.
      { job_name: config.scrape.exporterJob, honor_labels: true, static_configs: staticConfigs((c) => c.exporters), relabel_configs: relabel },
    ],
  };
}

export function renderScrapeConfig(config: AlertsConfig, clusters: readonly ClusterTargets[], ruleFiles?: readonly string[]): string {
  return toYaml(scrapeConfig(config, clusters, ruleFiles));
}
