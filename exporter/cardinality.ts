// Cardinality guard: a hard limit on series per cluster snapshot. Series are admitted in
// priority order (cluster and topic health first, then group totals, then per-partition lag),
// so when the limit is hit the least aggregated series are the ones dropped. The guard reports
// how many were dropped so a self-metric and a warning can say so.

export class SeriesBudget {
  private used = 0;
  private dropped = 0;

  constructor(readonly limit: number) {
    if (!(limit > 0)) throw new Error(`series limit must be positive, got ${limit}`);
  }

  /** Reserve `n` series; false (and counted as dropped) when that would pass the limit. */
  take(n = 1): boolean {
    if (this.used + n > this.limit) {
      this.dropped += n;
      return false;
    }
    this.used += n;
    return true;
  }

  get admitted(): number {
    return this.used;
  }

  get droppedSeries(): number {
    return this.dropped;
  }

  get limitReached(): boolean {
    return this.dropped > 0;
  }
}
