// Kubernetes forms of the dashboards: ConfigMaps for the Grafana Helm chart's dashboard sidecar
// (selected by label, one JSON file per ConfigMap key) and grafana-operator v5 GrafanaDashboard
// resources (grafana.integreatly.org/v1beta1, dashboard JSON inline in spec.json).
import type { DashboardsConfig } from '../common/config/index.js';
import type { GeneratedDashboard } from './render.js';

export type KubernetesOptions = DashboardsConfig['kubernetes'];

interface Metadata {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

function metadata(
  name: string,
  opts: KubernetesOptions,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
): Metadata {
  return {
    name,
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    labels: { 'app.kubernetes.io/part-of': 'kafka-sre', ...labels },
    ...(annotations ? { annotations } : {}),
  };
}

export function configMapFor(dash: GeneratedDashboard, opts: KubernetesOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    // The sidecar's folderAnnotation (grafana_folder by default) picks the folder.
    metadata: metadata(dash.uid, opts, opts.configMapLabels, { grafana_folder: opts.folder }),
    data: { [`${dash.uid}.json`]: JSON.stringify(dash, null, 2) },
  };
}

export function grafanaDashboardFor(dash: GeneratedDashboard, opts: KubernetesOptions): Record<string, unknown> {
  return {
    apiVersion: 'grafana.integreatly.org/v1beta1',
    kind: 'GrafanaDashboard',
    metadata: metadata(dash.uid, opts, {}),
    spec: {
      instanceSelector: { matchLabels: opts.instanceSelector },
      folder: opts.folder,
      resyncPeriod: '10m',
      // The operator templates ${DS_...} inputs; our dashboards pick the data source by variable.
      json: JSON.stringify(dash, null, 2),
    },
  };
}
