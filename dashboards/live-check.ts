// Runs every dashboard query against a Prometheus and reports what failed: a query Prometheus
// rejects always fails; with `requireData`, a query that returns no series fails too unless it
// is a documented fault-only query (those show faults and are empty on a healthy cluster).
import { dashboardQueries, substitute, type DashboardQuery } from './queries.js';
import type { DashboardThresholds } from './thresholds.js';

export interface QueryCheck {
  query: DashboardQuery;
  /** The expression sent, variables substituted. */
  expr: string;
  ok: boolean;
  series: number;
  /** Labels of the first series returned (evidence for reports). */
  firstSeries?: Record<string, string>;
  problem?: string;
}

export interface LiveCheckOptions {
  /** Prometheus base URL, e.g. http://127.0.0.1:9090. */
  prometheusUrl: string;
  requireData: boolean;
  thresholds?: DashboardThresholds;
  /** Evaluation time (default: now). */
  time?: Date;
  timeoutMs?: number;
  /** Values for the template variables (default `substitutions`: every filter "All"). */
  substitutions?: Readonly<Record<string, string>>;
  /** Only the queries this accepts (default: all), e.g. the fault-only ones during a fault drill. */
  select?: (query: DashboardQuery) => boolean;
}

interface PromAnswer {
  status: string;
  errorType?: string;
  error?: string;
  data?: { result?: { metric?: Record<string, string> }[] };
}

export async function checkDashboardQueries(opts: LiveCheckOptions): Promise<QueryCheck[]> {
  const base = opts.prometheusUrl.replace(/\/+$/, '');
  const out: QueryCheck[] = [];
  for (const query of dashboardQueries(opts.thresholds)) {
    if (opts.select && !opts.select(query)) continue;
    const expr = substitute(query.expr, opts.substitutions);
    const params = new URLSearchParams({
      query: expr,
      ...(opts.time ? { time: String(opts.time.getTime() / 1000) } : {}),
    });
    let answer: PromAnswer;
    try {
      const res = await fetch(`${base}/api/v1/query?${params}`, {
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      answer = (await res.json()) as PromAnswer;
    } catch (e) {
      out.push({ query, expr, ok: false, series: 0, problem: `request failed: ${(e as Error).message}` });
      continue;
    }
    if (answer.status !== 'success') {
      out.push({
        query,
        expr,
        ok: false,
        series: 0,
        problem: `${answer.errorType ?? 'error'}: ${answer.error ?? 'unknown'}`,
      });
      continue;
    }
    const series = answer.data?.result?.length ?? 0;
    const first = answer.data?.result?.[0]?.metric;
    const empty = series === 0 && opts.requireData && !query.faultOnly && !query.workloadOnly;
    out.push({
      query,
      expr,
      ok: !empty,
      series,
      ...(first ? { firstSeries: first } : {}),
      ...(empty ? { problem: 'no data on a healthy cluster (not a fault-only or workload-only query)' } : {}),
    });
  }
  return out;
}

/** One line per failed check, for assertion messages and reports. */
export function describeFailures(checks: QueryCheck[]): string[] {
  return checks.filter((c) => !c.ok).map((c) => `${c.query.dashboard} / ${c.query.source}: ${c.problem}\n  ${c.expr}`);
}
