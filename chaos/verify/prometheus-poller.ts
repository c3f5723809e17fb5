// The one door to Prometheus during a drill: every poll the runner makes (alert polls, steady-state
// and abort-condition queries, range captures for the report) goes through a PrometheusPoller,
// which records whether each poll answered. Verdicts need that record: a failed poll is no
// evidence, so "the alert never fired" holds only when the polls answered ("evidence of absence"),
// and an expectation decided over failed polls is FAIL (inconclusive), never a pass.
import { alertPollOf, type AlertPoll } from './observe.js';
import type { PrometheusClient, PromSample, PromSeries } from './prometheus.js';

export type PollKind = 'alerts' | 'query' | 'range';

/** One request to Prometheus and how it ended. */
export interface PollRecord {
  kind: PollKind;
  /** When the poll ended (answer or failure), ms since the epoch: verdict windows compare this. */
  at: number;
  ok: boolean;
  /** PromQL of a query or range poll. */
  query?: string;
  error?: string;
  durationMs: number;
}

/** A poll's result: the value, or why there is none. */
export type Polled<T> = { ok: true; at: number; value: T } | { ok: false; at: number; error: string };

/** How many polls of a selection failed, and the last error (what an inconclusive verdict quotes). */
export interface PollAccount {
  total: number;
  failed: number;
  lastError?: string;
  lastErrorAt?: number;
}

export interface PollFilter {
  kind?: PollKind;
  /** Inclusive bounds on PollRecord.at. */
  from?: number;
  to?: number;
}

export class PrometheusPoller {
  private readonly log: PollRecord[] = [];

  constructor(
    readonly client: PrometheusClient,
    private readonly now: () => number = Date.now,
  ) {}

  get url(): string {
    return this.client.baseUrl;
  }

  /** One poll of /api/v1/alerts as the verifier's AlertPoll (alertname split from the labels). */
  alerts(): Promise<Polled<AlertPoll>> {
    return this.record('alerts', undefined, async () => alertPollOf(await this.client.alerts(), this.now()));
  }

  /** Instant query (now, or at `at`). */
  sample(query: string, at?: Date): Promise<Polled<PromSample[]>> {
    return this.record('query', query, () => this.client.query(query, at));
  }

  /** Range query over [startMs, endMs]: the series of a drill window (report charts). */
  range(query: string, startMs: number, endMs: number, stepSeconds: number): Promise<Polled<PromSeries[]>> {
    return this.record('range', query, () =>
      this.client.queryRange(query, new Date(startMs), new Date(endMs), stepSeconds),
    );
  }

  /** Every poll so far (or a selection), oldest first. */
  records(filter: PollFilter = {}): PollRecord[] {
    return this.log.filter(
      (r) =>
        (filter.kind === undefined || r.kind === filter.kind) &&
        (filter.from === undefined || r.at >= filter.from) &&
        (filter.to === undefined || r.at <= filter.to),
    );
  }

  account(filter: PollFilter = {}): PollAccount {
    return accountOf(this.records(filter));
  }

  private async record<T>(kind: PollKind, query: string | undefined, fn: () => Promise<T>): Promise<Polled<T>> {
    const started = this.now();
    try {
      const value = await fn();
      const at = this.now();
      this.log.push({ kind, at, ok: true, ...(query !== undefined ? { query } : {}), durationMs: at - started });
      return { ok: true, at, value };
    } catch (e) {
      const at = this.now();
      const error = (e as Error).message;
      this.log.push({
        kind,
        at,
        ok: false,
        ...(query !== undefined ? { query } : {}),
        error,
        durationMs: at - started,
      });
      return { ok: false, at, error };
    }
  }
}

export function accountOf(records: readonly Pick<PollRecord, 'at' | 'ok' | 'error'>[]): PollAccount {
  const failed = records.filter((r) => !r.ok);
  const last = failed[failed.length - 1];
  return {
    total: records.length,
    failed: failed.length,
    ...(last ? { lastError: last.error ?? 'unknown error', lastErrorAt: last.at } : {}),
  };
}

/** "inconclusive: 4 of 9 polls failed, last error Prometheus at ... unreachable (ECONNREFUSED)" */
export function describeInconclusive(a: PollAccount): string {
  return `inconclusive: ${a.failed} of ${a.total} polls failed, last error ${a.lastError ?? 'unknown'}`;
}
