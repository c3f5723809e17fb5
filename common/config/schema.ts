// The one configuration schema of the toolkit. Each part owns a section file under sections/;
// this module only composes them. Unknown fields are errors (strict objects everywhere).
import { z } from 'zod';
import { alertsSection } from './sections/alerts.js';
import { brokerSection } from './sections/broker.js';
import { dashboardsSection } from './sections/dashboards.js';
import { demoSection } from './sections/demo.js';
import { exporterSection } from './sections/exporter.js';
import { logSection } from './sections/log.js';
import { proxySection } from './sections/proxy.js';

export const configSchema = z.strictObject({
  log: logSection.default(logSection.parse({})),
  broker: brokerSection.default(brokerSection.parse({})),
  alerts: alertsSection.default(alertsSection.parse({})),
  exporter: exporterSection.default(exporterSection.parse({})),
  proxy: proxySection.default(proxySection.parse({})),
  dashboards: dashboardsSection.default(dashboardsSection.parse({})),
  demo: demoSection.default(demoSection.parse({})),
});

export type ToolkitConfig = z.infer<typeof configSchema>;
/** What a file, the environment or flags may give: any subset. */
export type ConfigInput = z.input<typeof configSchema>;
