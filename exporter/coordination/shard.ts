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

/** A member of the coordination group as the leader sees it in JoinGroup. */
export interface ShardMember {
  memberId: string;
  /** Coordination partitions it held when it rejoined (its last assignment; none for a new replica). */
  owned: readonly number[];
  /** The generation it was assigned them in (-1: none). */
  generation: number;
}

/**
 * The group leader's assignment, sticky. Balance comes first: every member gets floor or ceil of
 * partitions/members. Within that, each member keeps what it holds, so a rebalance moves only what
 * balance requires: a joiner's share comes from the members above the new share, a leaver's share
 * goes to the rest, nothing else moves. (Every moved group costs a gap or an overlap in the fleet's
 * union and a status-window warm-up on its new replica.)
 *
 * - A partition two members claim (one of them missed a generation) stays with the newer
 *   generation's claim; at equal generations with the smaller member id (a fixed rule, so every
 *   leader decides alike).
 * - The ceil shares go to the members holding the most (ties: smaller id), so the fewest
 *   partitions are given up; a member above its share keeps its lowest partitions, so partition 0
 *   (cluster-wide series, probe) stays where it is unless its holder leaves.
 * - What nobody keeps is dealt in ascending order, each partition to the member with the most room
 *   left (ties: smaller id).
 *
 * Deterministic: the same members with the same claims get the same partitions, in whatever order
 * they are listed.
 */
export function assignShards(members: readonly ShardMember[], partitions: number): Map<string, number[]> {
  // One entry per member id (the newest claim if one is listed twice).
  const byId = new Map<string, ShardMember>();
  for (const m of members) {
    const seen = byId.get(m.memberId);
    if (!seen || m.generation > seen.generation) byId.set(m.memberId, m);
  }
  const ids = [...byId.keys()].sort();
  const out = new Map<string, number[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;

  // Each partition's holder: the newest generation's claim; ids are visited in order, so a tie
  // keeps the smaller id. A claim beyond the topic's partitions (it shrank: recreated) is dropped.
  const holder = new Map<number, ShardMember>();
  for (const id of ids) {
    const m = byId.get(id)!;
    for (const p of m.owned) {
      if (!Number.isInteger(p) || p < 0 || p >= partitions) continue;
      const other = holder.get(p);
      if (!other || m.generation > other.generation) holder.set(p, m);
    }
  }
  const claims = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (const [p, m] of holder) claims.get(m.memberId)!.push(p);
  for (const c of claims.values()) c.sort((a, b) => a - b);

  const base = Math.floor(partitions / ids.length);
  const ceils = partitions % ids.length;
  const quota = new Map<string, number>();
  [...ids]
    .sort((a, b) => claims.get(b)!.length - claims.get(a)!.length || (a < b ? -1 : 1))
    .forEach((id, i) => quota.set(id, base + (i < ceils ? 1 : 0)));

  const kept = new Set<number>();
  for (const id of ids)
    for (const p of claims.get(id)!.slice(0, quota.get(id))) {
      out.get(id)!.push(p);
      kept.add(p);
    }
  // The quotas add up to `partitions`, so every partition left finds a member with room.
  for (let p = 0; p < partitions; p++) {
    if (kept.has(p)) continue;
    let to = ids[0];
    let room = 0;
    for (const id of ids) {
      const r = quota.get(id)! - out.get(id)!.length;
      if (r > room) [to, room] = [id, r];
    }
    out.get(to)!.push(p);
  }
  for (const parts of out.values()) parts.sort((a, b) => a - b);
  return out;
}

/** Partitions an assignment gives to a member that did not claim them (moved, or held by nobody before). */
export function movedPartitions(
  members: readonly ShardMember[],
  assignment: ReadonlyMap<string, readonly number[]>,
): number {
  const claimed = new Map(members.map((m) => [m.memberId, new Set(m.owned)]));
  let n = 0;
  for (const [id, parts] of assignment) for (const p of parts) if (!claimed.get(id)?.has(p)) n++;
  return n;
}
