// Built-in SLIs (kinds as in common/config/sections/alerts.ts): how each observation turns into
// (events, errors) increments. Pure functions; the collector and the probe feed SliAccount.
import type { SliKind } from '../../common/config/index.js';

export type { SliKind };

export interface SliIncrement {
  events: number;
  errors: number;
}

/** Probe produce attempts: every attempt is an event, a failed one an error. */
export function produceAvailability(attempts: number, failures: number): SliIncrement {
  return { events: attempts, errors: Math.min(failures, attempts) };
}

/** Probe records that came back (or were declared lost): bad when slower than the threshold or lost. */
export function e2eLatency(roundtripsSeconds: readonly number[], lost: number, thresholdSeconds: number): SliIncrement {
  const slow = roundtripsSeconds.filter((s) => s > thresholdSeconds).length;
  return { events: roundtripsSeconds.length + lost, errors: slow + lost };
}

/**
 * Consumer lag, time-based: each collection contributes one event per measured group/partition
 * sample; it is bad when its lag in seconds is above the threshold.
 */
export function consumerLag(lagSeconds: readonly number[], maxLagSeconds: number): SliIncrement {
  return { events: lagSeconds.length, errors: lagSeconds.filter((s) => s > maxLagSeconds).length };
}

/** Broker availability per collection: expected brokers are events, missing ones errors. */
export function brokerAvailability(expected: number, seen: number | undefined): SliIncrement {
  if (expected <= 0) return { events: 0, errors: 0 };
  const up = seen === undefined ? 0 : Math.min(seen, expected);
  return { events: expected, errors: expected - up };
}
