// `kafka-sre exporter manifests`: Kubernetes manifests for an exporter fleet (exporter.coordination).
// A Deployment of N replicas in one coordination group, a Service, one Prometheus-Operator scrape
// object (a ServiceMonitor or a PodMonitor, never both: each would scrape every pod once, so
// every series twice), and a PodDisruptionBudget that keeps all but one replica up through node
// drains. Plain objects; the test validates them against the Kubernetes and Prometheus-Operator
// schemas (kubernetes-models).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type MonitorKind = 'servicemonitor' | 'podmonitor';

export interface ManifestOptions {
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  /** Bootstrap brokers host:port,... of the cluster. */
  bootstrap: string;
  clusterName: string;
  coordinationGroup: string;
  monitor: MonitorKind;
  port: number;
  /** Collection interval (ms); the scrape interval is the same. */
  intervalMs: number;
  /**
   * Requests and memory limit. Defaults from bench/README.md: one exporter at 10k partitions and
   * 1k groups holds 206 MB RSS on 2 cores with cycles of about a second; a replica of a fleet
   * still reads every partition's offsets but only its share of the groups.
   */
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
}

export const manifestDefaults: Omit<ManifestOptions, 'bootstrap' | 'image'> = {
  name: 'kafka-sre-exporter',
  namespace: 'kafka-sre',
  replicas: 2,
  clusterName: 'default',
  coordinationGroup: 'kafka-sre-exporter',
  monitor: 'servicemonitor',
  port: 9308,
  intervalMs: 30_000,
  cpuRequest: '250m',
  memoryRequest: '256Mi',
  memoryLimit: '512Mi',
};

export interface Manifest {
  file: string;
  object: Record<string, unknown>;
}

export function exporterManifests(o: ManifestOptions): Manifest[] {
  if (!Number.isInteger(o.replicas) || o.replicas < 1) throw new Error('replicas: at least 1');
  const labels = { 'app.kubernetes.io/name': o.name, 'app.kubernetes.io/component': 'exporter' };
  const metadata = { name: o.name, namespace: o.namespace, labels };
  const scrapeInterval = `${Math.max(1, Math.round(o.intervalMs / 1000))}s`;
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      // One replica at a time: each leaves the coordination group on SIGTERM, its share moves at once.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          // Stop: leave the coordination group (LeaveGroup), then close; bounded at 5 s per step.
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          // Replicas on different nodes, so a node failure costs one share, not the fleet.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } },
                },
              ],
            },
          },
          containers: [
            {
              name: 'exporter',
              image: o.image,
              args: [
                'exporter',
                '--bootstrap',
                o.bootstrap,
                '--cluster-name',
                o.clusterName,
                // The default bind is loopback; inside the pod the kubelet and Prometheus come from outside.
                '--host',
                '0.0.0.0',
                '--port',
                String(o.port),
                '--interval',
                String(o.intervalMs),
                '--coordination-group',
                o.coordinationGroup,
                // The probe is opt-in here; with --probe it runs on the replica holding partition 0 only.
                '--no-probe',
              ],
              ports: [{ name: 'metrics', containerPort: o.port, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/ready', port: 'metrics' }, periodSeconds: 10 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'metrics' },
                periodSeconds: 20,
                failureThreshold: 3,
              },
              resources: {
                requests: { cpu: o.cpuRequest, memory: o.memoryRequest },
                limits: { memory: o.memoryLimit },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector: labels,
      ports: [{ name: 'metrics', port: o.port, targetPort: 'metrics', protocol: 'TCP' }],
    },
  };
  const monitor =
    o.monitor === 'servicemonitor'
      ? {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata,
          spec: {
            selector: { matchLabels: labels },
            namespaceSelector: { matchNames: [o.namespace] },
            endpoints: [{ port: 'metrics', path: '/metrics', interval: scrapeInterval, honorLabels: true }],
          },
        }
      : {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PodMonitor',
          metadata,
          spec: {
            selector: { matchLabels: labels },
            namespaceSelector: { matchNames: [o.namespace] },
            podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: scrapeInterval, honorLabels: true }],
          },
        };
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata,
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  };
  return [
    { file: 'deployment.yaml', object: deployment },
    { file: 'service.yaml', object: service },
    { file: `${o.monitor}.yaml`, object: monitor },
    { file: 'poddisruptionbudget.yaml', object: pdb },
  ];
}

/** Writes one YAML file per object into `dir`; returns the paths. */
export async function writeManifests(dir: string, manifests: readonly Manifest[]): Promise<string[]> {
  // Loaded here: `kafka-sre exporter` loads this module, and a running exporter has no use for yaml.
  const { stringify } = await import('yaml');
  mkdirSync(dir, { recursive: true });
  return manifests.map((m) => {
    const path = join(dir, m.file);
    writeFileSync(path, stringify(m.object, { aliasDuplicateObjects: false }));
    return path;
  });
}
