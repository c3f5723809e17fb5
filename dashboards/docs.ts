// Tables for dashboards/README.md that must stay in step with the code (a test compares them).
import { dashboardQueries } from './queries.js';

/** Markdown table of the queries allowed to be empty on a healthy cluster, one row per panel. */
export function faultOnlyTable(): string {
  const rows = new Map<string, string>();
  for (const q of dashboardQueries())
    if (q.faultOnly) rows.set(`| ${q.dashboard} | ${q.source} | ${q.faultOnly} |`, '');
  return ['| dashboard | panel / query | why it is empty while healthy |', '|---|---|---|', ...rows.keys()].join('\n');
}

/** Markdown table of the queries empty unless the cluster runs a kind of workload (share groups). */
export function workloadOnlyTable(): string {
  const rows = new Map<string, string>();
  for (const q of dashboardQueries())
    if (q.workloadOnly) rows.set(`| ${q.dashboard} | ${q.source} | ${q.workloadOnly} |`, '');
  return ['| dashboard | panel / query | why it may be empty |', '|---|---|---|', ...rows.keys()].join('\n');
}
