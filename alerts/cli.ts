// `kafka-sre alerts ...`: wires config -> generate -> write; no logic of its own.
import type { Command } from 'commander';
import { contextFor } from '../common/command/index.js';
import { UsageError } from '../common/index.js';
import { generateFiles, referenceCluster } from './generate.js';
import { writeFiles } from './write.js';

interface GenerateFlags {
  out?: string;
  withTests?: boolean;
}

export function registerAlertsCommands(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Prometheus rules, SLO burn-rate rules, Alertmanager config and runbooks');
  alerts
    .command('generate')
    .description('write rule files, PrometheusRule manifest, prometheus.yml, alertmanager.yml and runbooks to --out')
    .option('-o, --out <dir>', 'output directory')
    .option('--with-tests', 'also write promtool unit tests (they assume the default thresholds)')
    .exitOverride()
    .action((flags: GenerateFlags, cmd: Command) => {
      if (!flags.out) throw new UsageError('alerts generate: --out <dir> is required');
      const config = contextFor(cmd).config();
      const files = generateFiles(config.alerts, {
        reference: referenceCluster(config),
        withTests: flags.withTests === true,
      });
      const written = writeFiles(flags.out, files);
      process.stdout.write(`kafka-sre alerts: wrote ${written.length} files to ${flags.out}\n`);
    });
}
