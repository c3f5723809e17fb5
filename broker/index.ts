// broker/ front door: what other parts use from the reference Kafka cluster. Other parts import
// from here only (tests may reach inside). What the broker itself offers over the network (Kafka
// protocol, /metrics, the launcher's admin API) is described in README.md.
import type { Command } from 'commander';

/** The `kafka-sre up` service: the reference cluster as a child process. */
export { brokerService } from './up-service.js';

/** broker/log's storage engine on its own (bench/log-append.ts measures it without the network). */
export { LogManager, type LogManagerOptions } from './log/index.js';

/**
 * Registers `kafka-sre broker` and the hidden `broker-node`. Loaded on demand (cli/main.ts loads a
 * part only for its own commands): the broker's code stays out of other commands' processes.
 */
export async function loadBrokerCommands(): Promise<(program: Command) => void> {
  return (await import('./cli.js')).registerBrokerCommands;
}
