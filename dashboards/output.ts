// Writes the generated dashboards: one Grafana JSON file per dashboard, plus the Kubernetes
// forms as multi-document YAML under kubernetes/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { configMapFor, grafanaDashboardFor, type KubernetesOptions } from './kubernetes.js';
import type { GeneratedDashboard } from './render.js';

export interface WrittenFile {
  path: string;
  what: string;
}

function yamlDocuments(docs: Record<string, unknown>[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

export function writeDashboards(
  outDir: string,
  dashboards: GeneratedDashboard[],
  k8s: KubernetesOptions,
): WrittenFile[] {
  const written: WrittenFile[] = [];
  mkdirSync(join(outDir, 'kubernetes'), { recursive: true });
  for (const d of dashboards) {
    const path = join(outDir, `${d.uid}.json`);
    writeFileSync(path, JSON.stringify(d, null, 2) + '\n');
    written.push({ path, what: `dashboard "${d.title}" (${d.panels.length} panels)` });
  }
  const configMaps = join(outDir, 'kubernetes', 'configmaps.yaml');
  writeFileSync(configMaps, yamlDocuments(dashboards.map((d) => configMapFor(d, k8s))));
  written.push({ path: configMaps, what: `${dashboards.length} ConfigMaps for the Grafana dashboard sidecar` });
  const operator = join(outDir, 'kubernetes', 'grafanadashboards.yaml');
  writeFileSync(operator, yamlDocuments(dashboards.map((d) => grafanaDashboardFor(d, k8s))));
  written.push({ path: operator, what: `${dashboards.length} GrafanaDashboard resources (grafana-operator v5)` });
  return written;
}
