// `kafka-sre broker`: runs the reference cluster in this process (one broker for now; the
// replicated cluster of issue 4 runs each broker as its own process).
//   kafka-sre broker --brokers 1 --data-dir DIR --port 9092 --metrics-port 7071
// Prints where it listens; SIGINT/SIGTERM stop it cleanly (listener closed, logs flushed).
import { InvalidArgumentError, type Command } from 'commander';
import { contextFor, parsePortFlag } from '../cli/context.js';
import type { ConfigInput } from '../common/config/schema.js';
import { RuntimeFailure, UsageError } from '../common/exit-codes.js';
import { brokerListenerPort, brokerMetricsPort } from '../common/ports.js';
import { startBroker } from './broker.js';
import { brokerConfigFor } from './config.js';

interface BrokerFlags {
  brokers?: number;
  dataDir?: string;
  port?: number;
  metricsPort?: number;
  host?: string;
  autoCreateTopics?: boolean;
}

const flag = <T>(parse: (v: string) => T) => (v: string) => {
  try {
    return parse(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

export function registerBrokerCommands(program: Command): void {
  program
    .command('broker')
    .description('run the Kafka-protocol reference broker')
    .option('--brokers <n>', 'number of brokers (only 1 is supported so far)', flag((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${JSON.stringify(v)} is not a positive integer`);
      return n;
    }))
    .option('--data-dir <dir>', 'data directory (broker i keeps its logs in DIR/broker-i)')
    .option('--port <port>', 'client port of broker 0 (+100 per broker)', flag(parsePortFlag))
    .option('--metrics-port <port>', '/metrics port of broker 0 (+1 per broker)', flag(parsePortFlag))
    .option('--host <host>', 'bind address (advertised to clients)')
    .option('--no-auto-create-topics', 'do not create unknown topics on metadata/produce requests')
    .action(async (opts: BrokerFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const flags: ConfigInput = {
        broker: {
          ...(opts.brokers !== undefined ? { brokers: opts.brokers } : {}),
          ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.metricsPort !== undefined ? { metricsPort: opts.metricsPort } : {}),
          ...(opts.host !== undefined ? { host: opts.host } : {}),
          ...(opts.autoCreateTopics === false ? { autoCreateTopics: false } : {}),
        },
      };
      const config = ctx.config(flags);
      const logger = ctx.logger().child({ component: 'broker' });
      const section = config.broker;
      if (section.brokers !== 1) {
        throw new UsageError(`--brokers ${section.brokers}: only a single broker is supported so far (the replicated cluster is issue 4); use --brokers 1`);
      }
      const i = 0;
      const bc = brokerConfigFor(section, i, brokerListenerPort(section.port, i), brokerMetricsPort(section.metricsPort, i));
      // Signal handlers go in before anything is printed: a supervisor may signal as soon as it
      // reads the "listening" line, and without a listener the default action kills the process.
      let signalled: string | null = null;
      let onStopRequest: (() => void) | null = null;
      const onSignal = (sig: string) => {
        if (signalled) return;
        signalled = sig;
        onStopRequest?.();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let broker;
      try {
        broker = await startBroker(bc, logger);
      } catch (e) {
        throw new RuntimeFailure(`broker ${i} failed to start: ${(e as Error).message}`);
      }
      process.stdout.write(
        `broker ${broker.nodeId} listening on ${bc.host}:${broker.port} (data ${bc.brokerDir})` +
          (broker.metricsPort !== null ? `, metrics on http://${bc.host}:${broker.metricsPort}/metrics` : '') +
          '\n',
      );
      const running = broker;
      await new Promise<void>((resolve) => {
        onStopRequest = () => {
          logger.info(`${signalled} received, stopping broker ${running.nodeId}`);
          running.stop().then(
            () => resolve(),
            (e: unknown) => {
              logger.error({ err: e }, 'shutdown failed');
              resolve();
            },
          );
        };
        if (signalled) onStopRequest();
      });
      process.stdout.write(`broker ${broker.nodeId} stopped\n`);
    });
}
