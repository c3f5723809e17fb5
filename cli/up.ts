// `kafka-sre up`: the whole toolkit on the embedded reference cluster, as far as it is built.
// Starts each part's service in order, prints every URL and port, stops all on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { alertingService } from '../alerts/index.js';
import { brokerService } from '../broker/index.js';
import { DEMO_GROUPS, demoWorkloadService } from '../chaos/index.js';
import { RuntimeFailure, referenceBootstrap } from '../common/index.js';
import { dashboardsService } from '../dashboards/index.js';
import { exporterService } from '../exporter/index.js';
import { contextFor, type RunningService, type ServiceStarter } from '../common/command/index.js';

/** Services in start order; each part appends its starter here when it lands. */
export const upServices: ServiceStarter[] = [brokerService, exporterService, alertingService, dashboardsService];
/** Started last, unless `--no-demo` or demo.enabled: false. */
const demoServices: ServiceStarter[] = [demoWorkloadService];

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run the toolkit on the embedded reference cluster (what `npm start` runs)')
    .option('--no-demo', 'no demo workload (producers and consumer groups on demo-* topics)')
    .action(async (opts: { demo: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const config = ctx.config();
      const demo = opts.demo && config.demo.enabled;
      const logger = ctx.logger();
      const started: RunningService[] = [];
      const stopAll = async () => {
        for (const svc of [...started].reverse()) {
          try {
            await svc.stop();
          } catch (e) {
            logger.error({ err: e }, `stopping ${svc.name} failed`);
          }
        }
      };
      let stopping: Promise<void> | undefined;
      const onSignal = (sig: string) => {
        if (stopping) return;
        process.stderr.write(`\nkafka-sre up: ${sig} received, stopping ${started.length} service(s)...\n`);
        stopping = stopAll().then(() => process.exit(0));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      if (upServices.length === 0) throw new RuntimeFailure('no services are available to start yet');
      for (const starter of [...upServices, ...(demo ? demoServices : [])]) {
        try {
          started.push(await starter.start({ config, logger, started }));
        } catch (e) {
          await stopAll();
          throw new RuntimeFailure(`${starter.name} failed to start: ${(e as Error).message}`);
        }
      }
      const lines = ['kafka-sre is up:'];
      const endpoints = started.flatMap((svc) => svc.endpoints);
      const width = Math.max(...endpoints.map((ep) => ep.what.length));
      for (const ep of endpoints) lines.push(`  ${ep.what.padEnd(width)}  ${ep.url}`);
      const bootstrap = referenceBootstrap(config.broker)[0];
      lines.push('Try next:');
      if (demo)
        lines.push(
          `  node bin/kafka-sre.js groups describe ${DEMO_GROUPS.slow} --bootstrap ${bootstrap}   (the demo's slow group: lag in records and seconds)`,
        );
      else lines.push(`  node bin/kafka-sre.js groups list --bootstrap ${bootstrap}`);
      lines.push(
        '  node bin/kafka-sre.js chaos run chaos/scenarios/F3-broker-kill.yaml   (a game day on a cluster of its own, with a report)',
      );
      lines.push('  import the dashboards JSON above into Grafana, with Prometheus above as its data source');
      lines.push('Press Ctrl-C to stop.');
      process.stdout.write(lines.join('\n') + '\n');
      await new Promise(() => {}); // run until a signal arrives
    });
}
