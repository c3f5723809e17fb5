// broker/ front door: what other parts use from the reference Kafka cluster. Other parts import
// from here only (tests may reach inside). What the broker itself offers over the network (Kafka
// protocol, /metrics, the launcher's admin API) is described in README.md.
/** The `kafka-sre up` service: the reference cluster as a child process. */
export { brokerService } from './up-service.js';

/** broker/log's storage engine on its own (bench/log-append.ts measures it without the network). */
export { LogManager, type LogManagerOptions } from './log/index.js';

/** `kafka-sre broker` and `broker-node`, loaded on demand (broker/load-commands.ts says why). */
export { loadBrokerCommands } from './load-commands.js';
