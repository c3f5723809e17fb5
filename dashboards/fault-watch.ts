// The other half of the fault-only rule: a query allowed to be empty on a healthy cluster must
// show the fault. While a drill runs, this polls every fault-only query at one evaluation time per
// round and counts, per query, the rounds taken while a fault was injected (the game-day
// dashboard's "Game-day faults" annotation query - kafka_sre_gameday_fault_active > 0 - returned
// series) and, of those, the rounds in which the query returned data.
import { gamedayFaultExpr } from './annotations.js';
import { checkDashboardQueries } from './live-check.js';
import { substitute, type DashboardQuery } from './queries.js';
import type { DashboardThresholds } from './thresholds.js';

export interface FaultQueryEvidence {
  query: DashboardQuery;
  /** The expression sent, variables substituted. */
  expr: string;
  /** Rounds in which a fault was active, and of those the ones where this query returned series. */
  faultRounds: number;
  roundsWithData: number;
  /** Most series returned in one round during a fault. */
  maxSeries: number;
  /** Labels of a series returned during a fault. */
  sample?: Record<string, string>;
  /** The last error Prometheus or the request gave for this query. */
  problem?: string;
}

export interface FaultWatch {
  /** Ends the polling (after the round under way) and returns the evidence per fault-only query. */
  stop(): Promise<FaultQueryEvidence[]>;
}

export interface FaultWatchOptions {
  prometheusUrl: string;
  intervalMs?: number;
  thresholds?: DashboardThresholds;
  /** Values for the template variables (default: every filter "All"), e.g. one cluster selected. */
  substitutions?: Readonly<Record<string, string>>;
}

export function watchFaultOnlyQueries(opts: FaultWatchOptions): FaultWatch {
  const faultExpr = substitute(gamedayFaultExpr(), opts.substitutions);
  const evidence = new Map<string, FaultQueryEvidence>();
  let stopped = false;
  let wake: (() => void) | undefined;

  async function round(): Promise<void> {
    const checks = await checkDashboardQueries({
      prometheusUrl: opts.prometheusUrl,
      requireData: false,
      time: new Date(),
      select: (q) => q.faultOnly !== undefined,
      ...(opts.substitutions ? { substitutions: opts.substitutions } : {}),
      ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    });
    const faultActive = checks.some((c) => c.expr === faultExpr && c.series > 0);
    for (const c of checks) {
      const key = `${c.query.dashboard}\u0000${c.query.source}\u0000${c.expr}`;
      const e = evidence.get(key) ?? { query: c.query, expr: c.expr, faultRounds: 0, roundsWithData: 0, maxSeries: 0 };
      evidence.set(key, e);
      if (c.problem) e.problem = c.problem;
      if (!faultActive) continue;
      e.faultRounds++;
      if (c.series === 0) continue;
      e.roundsWithData++;
      e.maxSeries = Math.max(e.maxSeries, c.series);
      e.sample ??= c.firstSeries;
    }
  }

  let failure: Error | undefined;
  const loop = (async () => {
    while (!stopped) {
      // A failed round ends the watch; stop() reports it (no unhandled rejection meanwhile).
      await round().catch((e: Error) => {
        failure = e;
        stopped = true;
      });
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.intervalMs ?? 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      if (failure) throw failure;
      return [...evidence.values()];
    },
  };
}

/** One line per fault-only query that never returned data while a fault was active. */
export function describeMissing(evidence: FaultQueryEvidence[]): string[] {
  return evidence
    .filter((e) => e.roundsWithData === 0)
    .map(
      (e) =>
        `${e.query.dashboard} / ${e.query.source}: no data in ${e.faultRounds} rounds with a fault active${e.problem ? ` (${e.problem})` : ''}\n  ${e.expr}`,
    );
}

/** One line per query: rounds with data / rounds during a fault, most series, a sample series. */
export function describeEvidence(evidence: FaultQueryEvidence[]): string[] {
  return evidence.map(
    (e) =>
      `${e.query.dashboard} / ${e.query.source}: ${e.roundsWithData}/${e.faultRounds} fault rounds with data, up to ${e.maxSeries} series${e.sample ? `, e.g. ${JSON.stringify(e.sample)}` : ''}\n  ${e.expr}`,
  );
}
