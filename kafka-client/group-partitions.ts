// The one group-partition selection: which topics and partitions a consumer group covers, read
// off the cluster model. The exporter's lag series and ops/ `groups describe` both use it, so
// their numbers agree.
import { tpKey, type GroupState, type PartitionState } from './model.js';

/** Topics a group consumes: those it committed on (offset >= 0) or is assigned, sorted. */
export function groupTopics(group: GroupState): string[] {
  const topics = new Set<string>();
  // -1 means "no commit": it does not make the topic one the group consumes.
  for (const o of group.offsets) if (o.offset >= 0) topics.add(o.topic);
  for (const m of group.members) for (const a of m.assignments) topics.add(a.topic);
  return [...topics].sort();
}

/** One partition a group covers; `committed` undefined when the group has no commit on it. */
export interface GroupPartition {
  topic: string;
  partition: number;
  committed: number | undefined;
}

/**
 * The partitions a group covers (what its lag is computed over): every partition of every topic
 * it consumes (groupTopics), committed or not.
 */
export function groupPartitions(
  group: GroupState,
  partitionsOf: (topic: string) => readonly PartitionState[] | undefined,
): GroupPartition[] {
  const committed = new Map<string, number>();
  for (const o of group.offsets) if (o.offset >= 0) committed.set(tpKey(o.topic, o.partition), o.offset);
  const out: GroupPartition[] = [];
  for (const topic of groupTopics(group))
    for (const p of partitionsOf(topic) ?? [])
      out.push({ topic, partition: p.partition, committed: committed.get(tpKey(topic, p.partition)) });
  return out;
}
