// The data check: every record the producers saw acknowledged must be read back by a consumer.
// lost = acknowledged but never consumed; duplicates = extra deliveries of one record (retries
// after a timeout, consumer re-reads after a rebalance). Pure, so the rule is unit-tested alone.

export interface DataCheckResult {
  acknowledged: number;
  consumed: number;
  uniqueConsumed: number;
  lost: number;
  /** First lost record ids (for the report). */
  lostSample: string[];
  duplicates: number;
  /** Consumed records whose send failed or timed out: written but never acknowledged (not loss). */
  unacknowledgedButConsumed: number;
}

export function dataCheck(acknowledged: Iterable<string>, consumed: Iterable<string>, sampleSize = 20): DataCheckResult {
  const acked = new Set(acknowledged);
  const seen = new Map<string, number>();
  let total = 0;
  for (const id of consumed) {
    total++;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of seen.values()) duplicates += n - 1;
  const lostSample: string[] = [];
  let lost = 0;
  for (const id of acked) {
    if (!seen.has(id)) {
      lost++;
      if (lostSample.length < sampleSize) lostSample.push(id);
    }
  }
  let unacknowledgedButConsumed = 0;
  for (const id of seen.keys()) if (!acked.has(id)) unacknowledgedButConsumed++;
  return { acknowledged: acked.size, consumed: total, uniqueConsumed: seen.size, lost, lostSample, duplicates, unacknowledgedButConsumed };
}

/** Pass/fail of the spec's data expectation. */
export function judgeData(r: DataCheckResult, exp: { maxLost: number; maxDuplicates?: number }): { passed: boolean; reason: string } {
  const problems: string[] = [];
  if (r.lost > exp.maxLost) problems.push(`${r.lost} acknowledged records lost (max ${exp.maxLost}), e.g. ${r.lostSample.slice(0, 5).join(', ')}`);
  if (exp.maxDuplicates !== undefined && r.duplicates > exp.maxDuplicates) problems.push(`${r.duplicates} duplicates (max ${exp.maxDuplicates})`);
  if (r.acknowledged === 0) problems.push('no record was acknowledged: the check proves nothing');
  return problems.length ? { passed: false, reason: problems.join('; ') } : { passed: true, reason: `${r.acknowledged} acknowledged, 0 lost, ${r.duplicates} duplicates` };
}
