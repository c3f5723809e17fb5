// Dashboard generation and publishing (dashboards/ owns this section). Thresholds and runbook
// links come from the alerts section so panels and alerts agree.
import { z } from 'zod';

export const dashboardsSection = z.strictObject({
  grafanaUrl: z.string().default('').describe('Grafana base URL for `dashboards publish` (flag --grafana-url wins)'),
  folderUid: z.string().default('').describe('Grafana folder uid to publish into (empty: the General folder)'),
  tokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .default('GRAFANA_TOKEN')
    .describe('environment variable that holds the Grafana service-account token'),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(10_000)
    .describe('HTTP timeout per dashboard when publishing'),
  kubernetes: z
    .strictObject({
      namespace: z
        .string()
        .default('')
        .describe('namespace of the ConfigMap / GrafanaDashboard manifests (empty: none set)'),
      configMapLabels: z
        .record(z.string(), z.string())
        .default({ grafana_dashboard: '1' })
        .describe('labels the Grafana sidecar selects dashboard ConfigMaps by'),
      instanceSelector: z
        .record(z.string(), z.string())
        .default({ dashboards: 'grafana' })
        .describe('grafana-operator GrafanaDashboard spec.instanceSelector.matchLabels'),
      folder: z.string().default('Kafka').describe('Grafana folder title for the operator and sidecar forms'),
    })
    .prefault({}),
});
export type DashboardsConfig = z.infer<typeof dashboardsSection>;
