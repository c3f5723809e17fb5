// Built-in SLIs: how each cycle's observations turn into (events, errors) increments.
// Pure functions; the collector and the probe call them and feed SliAccount.

export const sliKinds = ['produce-availability', 'e2e-latency', 'consumer-lag', 'broker-availability'] as const;
export type SliKind = (typeof sliKinds)[number];

export interface SliIncrement {
  events: number;
  errors: number;
}

/** Probe produce attempts: every attempt is an event, a failed one an error. */
export function produceAvailability(attempts: number, failures: number): SliIncrement {
  return { events: attempts, errors: Math.min(failures, attempts) };
}

/** Probe records that came back (or were declared lost): bad when slower than the threshold or lost. */
export function e2eLatency(roundtripsMs: readonly number[], lost: number, thresholdMs: number): SliIncrement {
  const slow = roundtripsMs.filter((ms) => ms > thresholdMs).length;
  return { events: roundtripsMs.length + lost, errors: slow + lost };
}

/**
 * Consumer lag, time-based: each collection is one event per listed group; it is bad when the
 * group's max lag in seconds is above the threshold, or the group is missing (no data is bad data).
 */
export function consumerLag(groups: readonly string[], maxLagSecondsOf: (group: string) => number | undefined, thresholdSeconds: number): SliIncrement {
  let errors = 0;
  for (const g of groups) {
    const lag = maxLagSecondsOf(g);
    if (lag === undefined || lag > thresholdSeconds) errors++;
  }
  return { events: groups.length, errors };
}

/** Broker availability per collection: expected brokers are events, missing ones errors. */
export function brokerAvailability(expected: number, seen: number | undefined): SliIncrement {
  if (expected <= 0) return { events: 0, errors: 0 };
  const up = seen === undefined ? 0 : Math.min(seen, expected);
  return { events: expected, errors: expected - up };
}
