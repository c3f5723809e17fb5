// The exporter as a `kafka-sre up` service: collects the embedded reference cluster (cluster
// label "local", as the generated scrape config expects) with the probe on.
import { referenceBootstrap } from '../common/index.js';
import type { RunningService, ServiceStarter } from '../common/command/index.js';
import { startExporter } from './service.js';

export const LOCAL_CLUSTER = 'local';

export const exporterService: ServiceStarter = {
  name: 'exporter',
  async start({ config, logger }): Promise<RunningService> {
    const bootstrap = referenceBootstrap(config.broker);
    const clusters =
      config.exporter.clusters.length > 0
        ? config.exporter.clusters
        : [{ name: LOCAL_CLUSTER, bootstrap, connectionTimeoutMs: 3000, requestTimeoutMs: 10_000 }];
    const running = await startExporter({
      config: { ...config.exporter, probe: { ...config.exporter.probe, enabled: true } },
      clusters,
      slos: config.alerts.slos,
      logger: logger.child({ part: 'exporter' }),
    });
    return {
      name: 'exporter',
      endpoints: [{ what: 'exporter /metrics', url: `${running.url}/metrics` }],
      stop: () => running.stop(),
    };
  },
};
