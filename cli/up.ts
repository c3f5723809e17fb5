// `kafka-sre up`: the whole toolkit on the embedded reference cluster, as far as it is built.
// Starts each part's service in order, prints every URL and port, stops all on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { alertingService } from '../alerts/index.js';
import { brokerService } from '../broker/index.js';
import { RuntimeFailure } from '../common/index.js';
import { exporterService } from '../exporter/index.js';
import { contextFor, type RunningService, type ServiceStarter } from '../common/command/index.js';

/** Services in start order; each part appends its starter here when it lands. */
export const upServices: ServiceStarter[] = [brokerService, exporterService, alertingService];

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run the toolkit on the embedded reference cluster (what `npm start` runs)')
    .action(async (_opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const config = ctx.config();
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
      for (const starter of upServices) {
        try {
          started.push(await starter.start({ config, logger, started }));
        } catch (e) {
          await stopAll();
          throw new RuntimeFailure(`${starter.name} failed to start: ${(e as Error).message}`);
        }
      }
      const lines = ['kafka-sre is up:'];
      for (const svc of started) for (const ep of svc.endpoints) lines.push(`  ${ep.what.padEnd(36)} ${ep.url}`);
      lines.push('Press Ctrl-C to stop.');
      process.stdout.write(lines.join('\n') + '\n');
      await new Promise(() => {}); // run until a signal arrives
    });
}
