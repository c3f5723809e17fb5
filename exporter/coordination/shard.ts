// Which replica exports which consumer group: pure functions, no Kafka calls.
//
// A group belongs to one partition of the coordination topic, chosen by a hash of its id; the
// coordination group's assignment says which replica holds that partition. The hash must give the
// same answer in every replica, every version and on every platform, so it is spelled out here
// (FNV-1a, 32 bits, over the UTF-8 bytes of the id) rather than taken from a runtime.

/** The coordination-topic partition of a consumer group (0 <= result < partitions). */
export function shardOf(groupId: string, partitions: number): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(groupId, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/**
 * The group leader's assignment: partitions dealt round-robin over the members sorted by id, so
 * every member gets floor or ceil of partitions/members and partition 0 (cluster-wide series)
 * goes to the first member. Deterministic: the same members always get the same partitions.
 */
export function assignShards(memberIds: readonly string[], partitions: number): Map<string, number[]> {
  const members = [...new Set(memberIds)].sort();
  const out = new Map<string, number[]>(members.map((m) => [m, []]));
  if (members.length === 0) return out;
  for (let p = 0; p < partitions; p++) out.get(members[p % members.length])!.push(p);
  return out;
}
