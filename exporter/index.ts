// Front door of exporter/: what other parts use of the exporter (see README.md). The cluster
// client and the cluster model are kafka-client's (kafka-client/index.ts), not the exporter's.

// `kafka-sre exporter` (cli/main.ts) and the exporter as a `kafka-sre up` service (cli/up.ts).
export { registerExporterCommands } from './cli.js';
export { exporterService } from './up-service.js';

// Lag definitions: ops/ `groups describe` computes the numbers /metrics shows.
export { groupLag } from './lag/offset-lag.js';
export { estimateLagSeconds, type LagSecondsMethod } from './lag/lag-seconds.js';
export { shareGroupLag, type ShareGroupLag } from './lag/share-lag.js';
