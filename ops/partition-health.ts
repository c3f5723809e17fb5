// Partition health as `topics describe` filters see it (the same definitions the exporter uses
// for its URP / offline / under-min-ISR series).
import type { PartitionState } from '../kafka-client/index.js';

export const healthFilters = [
  'underReplicated',
  'unavailable',
  'underMinIsr',
  'atMinIsr',
  'unpreferredLeader',
] as const;
export type HealthFilter = (typeof healthFilters)[number];

/** Problems of one partition; minIsr undefined when DescribeConfigs could not be read. */
export function partitionProblems(
  p: Pick<PartitionState, 'leader' | 'replicas' | 'isr'>,
  minIsr: number | undefined,
): Set<HealthFilter> {
  const out = new Set<HealthFilter>();
  if (p.isr.length < p.replicas.length) out.add('underReplicated');
  if (p.leader < 0) out.add('unavailable');
  if (minIsr !== undefined && p.isr.length < minIsr) out.add('underMinIsr');
  if (minIsr !== undefined && p.isr.length === minIsr) out.add('atMinIsr');
  if (p.leader >= 0 && p.replicas.length > 0 && p.leader !== p.replicas[0]) out.add('unpreferredLeader');
  return out;
}

/** True when the partition matches any requested filter (no filter: everything matches). */
export function matchesFilters(problems: ReadonlySet<HealthFilter>, wanted: readonly HealthFilter[]): boolean {
  return wanted.length === 0 || wanted.some((f) => problems.has(f));
}
