// Shared pieces of the rule modules: the context with selectors and case builders.
import type { AlertsConfig, AlertWindows } from '../../common/config/index.js';
import { caseKit, type CaseKit } from '../schema/cases.js';
import { selectorsFor, type Selectors } from '../schema/promql.js';
import type { RuleContext } from '../schema/types.js';

export interface RuleKit extends RuleContext {
  readonly s: Selectors;
  readonly k: CaseKit;
  /** Look-back windows (alerts.windows): production defaults, shortened for game days. */
  readonly w: AlertWindows;
}

export function ruleKit(config: AlertsConfig): RuleKit {
  return { config, t: config.thresholds, s: selectorsFor(config), k: caseKit(config), w: config.windows };
}

/** Minutes in a simple duration (1h -> 60), for sizing test series. */
export function minutes(d: string): number {
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) throw new Error(`not a simple duration: ${d}`);
  const n = Number(m[1]);
  return m[2] === 's' ? Math.ceil(n / 60) : m[2] === 'm' ? n : m[2] === 'h' ? n * 60 : n * 1440;
}

/** A simple duration in words for descriptions (15m -> "15 minutes"); compound ones stay as written. */
export function spoken(d: string): string {
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) return d;
  const unit = { s: 'second', m: 'minute', h: 'hour', d: 'day' }[m[2] as 's' | 'm' | 'h' | 'd'];
  return `${m[1]} ${unit}${m[1] === '1' ? '' : 's'}`;
}

/**
 * Exporter fleets (exporter.coordination): a consumer group's series, and partition 0's
 * cluster-wide series, move to another replica on a rebalance, under a new `instance`/`pod`. A
 * rule reading them aggregates those labels away, and reads each series' last sample within this
 * window, so the gap between the old replica's last scrape and the new replica's first (scrape
 * interval + session timeout 10 s + a collection interval + scrape interval, about 1.5 minutes at
 * worst with 30 s scrapes) neither resolves a firing alert nor restarts a pending one's `for`.
 * A series still exported reads as its current value; only a vanished one (deleted group, dead
 * replica) keeps its last value this long, and during a handover the old replica's last value
 * counts alongside the new one's (max) for at most this long.
 */
export const HANDOVER_WINDOW = '2m';

/** `last_over_time(<selector>[HANDOVER_WINDOW])`: a moving series bridged across its handover. */
export const handover = (selector: string) => `last_over_time(${selector}[${HANDOVER_WINDOW}])`;
