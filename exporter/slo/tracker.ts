// SLO bookkeeping per cluster: SLI counters for Prometheus (the durable path: the alerts part's
// recording rules turn them into error ratios and burn rates) and the exporter's own burn-rate
// estimate per standard window from in-memory history.
import type { Registry, Counter, Gauge } from 'prom-client';
import type { SloDefinition } from '../../common/config/index.js';
import { catalogCounter, catalogGauge } from '../metrics/exposition.js';
import { SliAccount } from './burn-rate.js';
import type { SliIncrement } from './sli.js';

export class SloTracker {
  private readonly accounts = new Map<string, SliAccount>();
  private readonly events: Counter<string>;
  private readonly errors: Counter<string>;
  private readonly objective: Gauge<string>;
  private readonly burn: Gauge<string>;

  constructor(
    readonly slos: readonly SloDefinition[],
    registry: Registry,
  ) {
    this.events = catalogCounter('sloEvents', registry);
    this.errors = catalogCounter('sloErrors', registry);
    this.objective = catalogGauge('sloObjective', registry);
    this.burn = catalogGauge('sloBurnRate', registry);
  }

  /** Start counting for a cluster: counters appear at 0 so rate() works from the first scrape. */
  addCluster(cluster: string): void {
    for (const slo of this.slos) {
      const l = { cluster, slo: slo.name };
      this.events.inc(l, 0);
      this.errors.inc(l, 0);
      this.objective.set(l, slo.objective);
      this.accounts.set(`${cluster}\u0000${slo.name}`, new SliAccount(slo.objective));
    }
  }

  ofKind<K extends SloDefinition['sli']>(kind: K): Extract<SloDefinition, { sli: K }>[] {
    return this.slos.filter((s): s is Extract<SloDefinition, { sli: K }> => s.sli === kind);
  }

  record(cluster: string, slo: string, inc: SliIncrement, nowMs: number): void {
    const account = this.accounts.get(`${cluster}\u0000${slo}`);
    if (!account || inc.events === 0) return;
    account.record(inc.events, inc.errors, nowMs);
    const l = { cluster, slo };
    this.events.inc(l, inc.events);
    if (inc.errors > 0) this.errors.inc(l, inc.errors);
  }

  /** Refresh the burn-rate gauges (called after each collection). */
  updateBurnRates(cluster: string, nowMs: number): void {
    for (const slo of this.slos) {
      const account = this.accounts.get(`${cluster}\u0000${slo.name}`);
      if (!account) continue;
      account.sample(nowMs);
      for (const r of account.burnRates(nowMs)) this.burn.set({ cluster, slo: slo.name, window: r.window }, r.burnRate);
    }
  }

  account(cluster: string, slo: string): SliAccount | undefined {
    return this.accounts.get(`${cluster}\u0000${slo}`);
  }
}
