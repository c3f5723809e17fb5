// `kafka-sre dashboards ...`: generate Grafana JSON (+ Kubernetes forms), publish through
// Grafana's HTTP API, list the dashboards, print their queries.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ToolkitConfig } from '../common/config/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { contextFor } from '../common/command/index.js';
import { writeDashboards } from './output.js';
import { dashboardsApiUrl, publishDashboards } from './publish.js';
import { dashboardQueries, substitute } from './queries.js';
import { generateDashboards } from './registry.js';
import type { GeneratedDashboard } from './render.js';
import { thresholdsFromAlerts } from './thresholds.js';

function selected(config: ToolkitConfig, only: string | undefined): GeneratedDashboard[] {
  const all = generateDashboards({
    thresholds: thresholdsFromAlerts(config.alerts),
    runbookBase: config.alerts.runbookBaseUrl,
  });
  if (!only) return all;
  const wanted = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((u) => !all.some((d) => d.uid === u));
  if (unknown.length)
    throw new UsageError(
      `--only: unknown dashboard uid ${unknown.join(', ')} (known: ${all.map((d) => d.uid).join(', ')})`,
    );
  return all.filter((d) => wanted.includes(d.uid));
}

export function registerDashboardsCommands(program: Command): void {
  const cmd = program
    .command('dashboards')
    .description('Grafana dashboards: generate JSON and Kubernetes manifests, publish to Grafana');

  cmd
    .command('generate')
    .description(
      'write one Grafana JSON per dashboard plus kubernetes/configmaps.yaml and kubernetes/grafanadashboards.yaml',
    )
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option('--only <uids>', 'comma-separated dashboard uids')
    .action((opts: { out: string; only?: string }, sub: Command) => {
      const config = contextFor(sub).config();
      const out = resolve(opts.out);
      for (const f of writeDashboards(out, selected(config, opts.only), config.dashboards.kubernetes))
        process.stdout.write(`wrote ${f.path}: ${f.what}\n`);
    });

  cmd
    .command('publish')
    .description(
      'push the dashboards to Grafana (POST /api/dashboards/db, overwrite by uid); token from $GRAFANA_TOKEN (dashboards.tokenEnv)',
    )
    .option('--grafana-url <url>', 'Grafana base URL, e.g. http://localhost:3000 (default: dashboards.grafanaUrl)')
    .option('--folder-uid <uid>', 'folder to publish into (default: dashboards.folderUid, else General)')
    .option('--only <uids>', 'comma-separated dashboard uids')
    .action(async (opts: { grafanaUrl?: string; folderUid?: string; only?: string }, sub: Command) => {
      const config = contextFor(sub).config();
      const grafanaUrl = opts.grafanaUrl ?? config.dashboards.grafanaUrl;
      if (!grafanaUrl) throw new UsageError('no Grafana URL: pass --grafana-url or set dashboards.grafanaUrl');
      try {
        dashboardsApiUrl(grafanaUrl);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const tokenEnv = config.dashboards.tokenEnv;
      const token = process.env[tokenEnv];
      if (!token)
        throw new UsageError(
          `no Grafana token: set ${tokenEnv} to a service-account token with dashboard write permission`,
        );
      const dashboards = selected(config, opts.only);
      const results = await publishDashboards(dashboards, {
        grafanaUrl,
        token,
        folderUid: opts.folderUid ?? (config.dashboards.folderUid || undefined),
        timeoutMs: config.dashboards.timeoutMs,
      });
      for (const r of results)
        process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.uid.padEnd(20)} ${r.status ?? '-'}  ${r.detail}\n`);
      const failed = results.filter((r) => !r.ok);
      if (failed.length)
        throw new RuntimeFailure(`${failed.length} of ${results.length} dashboards were not published`);
      process.stdout.write(`published ${results.length} dashboards to ${grafanaUrl}\n`);
    });

  cmd
    .command('list')
    .description('list the dashboards (uid, title, panels)')
    .action((_opts: unknown, sub: Command) => {
      for (const d of selected(contextFor(sub).config(), undefined))
        process.stdout.write(
          `${d.uid.padEnd(20)} ${d.title}  (${d.panels.filter((p) => p.type !== 'row').length} panels)\n`,
        );
    });

  cmd
    .command('queries')
    .description(
      'print every PromQL query the dashboards send, as JSON lines (variables set to "All" with --substitute)',
    )
    .option('--substitute', 'replace template variables with the values the checks use')
    .action((opts: { substitute?: boolean }, sub: Command) => {
      const config = contextFor(sub).config();
      for (const q of dashboardQueries(thresholdsFromAlerts(config.alerts)))
        process.stdout.write(JSON.stringify(opts.substitute ? { ...q, expr: substitute(q.expr) } : q) + '\n');
    });
}
