// The dashboards as a `kafka-sre up` service: writes the Grafana JSON for the running reference
// cluster next to the generated alerting files, so the first hour has something to import.
import { dirname, join, resolve } from 'node:path';
import type { RunningService, ServiceStarter } from '../common/command/index.js';
import { writeDashboards } from './output.js';
import { generateDashboards } from './registry.js';
import { thresholdsFromAlerts } from './thresholds.js';

export const dashboardsService: ServiceStarter = {
  name: 'dashboards',
  async start({ config }): Promise<RunningService> {
    const out = join(dirname(resolve(config.alerts.up.dir)), 'dashboards');
    const dashboards = generateDashboards({
      thresholds: thresholdsFromAlerts(config.alerts),
      runbookBase: config.alerts.runbookBaseUrl,
    });
    writeDashboards(out, dashboards, config.dashboards.kubernetes);
    return {
      name: 'dashboards',
      endpoints: [{ what: `Grafana dashboards (${dashboards.length} JSON to import)`, url: out }],
      stop: async () => {},
    };
  },
};
