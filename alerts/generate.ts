// The pipeline: config -> model -> validate -> render. Returns relative path -> content; the
// writer (write.ts) puts them on disk. Pure apart from reading the rule modules.
import type { AlertsConfig, ToolkitConfig } from '../common/config/index.js';
import { UsageError } from '../common/index.js';
import { buildModel, type RuleModel } from './model.js';
import { renderAlertmanager } from './render/alertmanager.js';
import { renderPrometheusRule, renderRuleFiles } from './render/prometheus-rules.js';
import { renderPromtoolTests } from './render/promtool-tests.js';
import { renderRunbooks } from './render/runbooks.js';
import { clusterTargets, renderScrapeConfig, type ReferenceCluster } from './render/scrape-config.js';
import { validateModel } from './validate.js';

export const OUTPUT_LAYOUT = {
  rules: 'prometheus/rules',
  prometheusConfig: 'prometheus/prometheus.yml',
  prometheusRule: 'kubernetes/prometheusrule.yaml',
  alertmanager: 'alertmanager/alertmanager.yml',
  runbooks: 'runbooks',
  tests: 'tests',
} as const;

export interface GenerateOptions {
  /** Where the reference cluster's broker metrics listen (default targets when no clusters are configured). */
  reference: ReferenceCluster;
  /** Also write the promtool unit tests (they assume the default thresholds). */
  withTests?: boolean;
}

/** The reference cluster's scrape targets from the broker, exporter and proxy sections. */
export function referenceCluster(config: ToolkitConfig): ReferenceCluster {
  const loopbackIfAny = (h: string) => (h === '0.0.0.0' ? '127.0.0.1' : h);
  return {
    brokers: config.broker.brokers,
    host: loopbackIfAny(config.broker.host),
    metricsPort: config.broker.metricsPort,
    exporterPort: config.exporter.port,
    proxyHost: loopbackIfAny(config.proxy.host),
    proxyPort: config.proxy.port,
  };
}

/** Build and validate the model; a bad configuration is a usage error listing every problem. */
export function validatedModel(config: AlertsConfig): RuleModel {
  const model = buildModel(config);
  const problems = validateModel(model);
  if (problems.length) throw new UsageError(`alert rules are invalid:\n  ${problems.join('\n  ')}`);
  return model;
}

export function generateFiles(config: AlertsConfig, opts: GenerateOptions): Map<string, string> {
  const model = validatedModel(config);
  const files = new Map<string, string>();
  for (const [name, text] of renderRuleFiles(model)) files.set(`${OUTPUT_LAYOUT.rules}/${name}`, text);
  files.set(OUTPUT_LAYOUT.prometheusConfig, renderScrapeConfig(config, clusterTargets(config, opts.reference)));
  files.set(OUTPUT_LAYOUT.prometheusRule, renderPrometheusRule(model));
  files.set(OUTPUT_LAYOUT.alertmanager, renderAlertmanager(model));
  for (const [name, text] of renderRunbooks(model)) files.set(`${OUTPUT_LAYOUT.runbooks}/${name}`, text);
  if (opts.withTests) {
    // Tests load annotation-free copies of the rule files (promtool compares annotations verbatim).
    for (const [name, text] of renderRuleFiles(model, false)) files.set(`${OUTPUT_LAYOUT.tests}/rules/${name}`, text);
    for (const t of renderPromtoolTests(model, 'rules')) files.set(`${OUTPUT_LAYOUT.tests}/${t.name}`, t.yaml);
  }
  return files;
}
