// Server-side partition assignors of KIP-848 consumer groups (group.consumer.assignors; a member
// may pick one by name in ConsumerGroupHeartbeat's server_assignor, else the first configured one).
//
// - uniform (Kafka's default): spreads every subscribed partition so that member loads differ by at
//   most one when subscriptions are the same; sticky: a member keeps what it had (up to its fair
//   share) so a rebalance moves as few partitions as possible. With different subscriptions each
//   partition goes to the least-loaded subscriber.
// - range: per topic, subscribers sorted by member id get contiguous ranges (the first
//   `partitions % members` get one more), so equally partitioned topics are co-partitioned.
//
// Pure functions over plain data: topic ids are strings, an assignment is topicId -> partitions.

export type Assignment = Map<string, number[]>;

export interface AssignorMember {
  memberId: string;
  /** Topic ids this member subscribes to (resolved names and regex matches). */
  topics: ReadonlySet<string>;
  /** The member's previous target assignment (for stickiness). */
  previous: Assignment;
}

export interface AssignorInput {
  members: AssignorMember[];
  /** topicId -> partition count, for every topic some member subscribes to. */
  partitions: ReadonlyMap<string, number>;
}

export interface PartitionAssignor {
  readonly name: string;
  assign(input: AssignorInput): Map<string, Assignment>;
}

function emptyResult(members: AssignorMember[]): Map<string, Assignment> {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(a: Assignment, topicId: string, p: number): void {
  const list = a.get(topicId);
  if (list) list.push(p);
  else a.set(topicId, [p]);
}

function sortAssignment(a: Assignment): void {
  for (const list of a.values()) list.sort((x, y) => x - y);
}

export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign({ members, partitions }) {
    const out = emptyResult(members);
    for (const [topicId, n] of [...partitions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const subs = members.filter((m) => m.topics.has(topicId)).sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
      if (subs.length === 0) continue;
      const base = Math.floor(n / subs.length);
      const extra = n % subs.length;
      let next = 0;
      subs.forEach((m, i) => {
        const count = base + (i < extra ? 1 : 0);
        for (let k = 0; k < count; k++) add(out.get(m.memberId)!, topicId, next++);
      });
    }
    for (const a of out.values()) sortAssignment(a);
    return out;
  },
};

export const uniformAssignor: PartitionAssignor = {
  name: 'uniform',
  assign({ members, partitions }) {
    const out = emptyResult(members);
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    const load = new Map(sorted.map((m) => [m.memberId, 0]));
    // A member's fair share: each partition of its topics split evenly among that topic's subscribers.
    const subscribers = new Map<string, number>();
    for (const m of sorted) for (const t of m.topics) subscribers.set(t, (subscribers.get(t) ?? 0) + 1);
    const fair = new Map<string, number>();
    for (const m of sorted) {
      let share = 0;
      for (const t of m.topics) share += (partitions.get(t) ?? 0) / (subscribers.get(t) ?? 1);
      fair.set(m.memberId, share);
    }
    const taken = new Set<string>();
    const key = (t: string, p: number) => `${t}:${p}`;
    const keep = (m: AssignorMember, cap: (memberId: string) => number) => {
      for (const [t, ps] of [...m.previous].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const n = partitions.get(t);
        if (n === undefined || !m.topics.has(t)) continue;
        for (const p of [...ps].sort((a, b) => a - b)) {
          if (p >= n || taken.has(key(t, p)) || load.get(m.memberId)! >= cap(m.memberId)) continue;
          taken.add(key(t, p));
          add(out.get(m.memberId)!, t, p);
          load.set(m.memberId, load.get(m.memberId)! + 1);
        }
      }
    };
    // Sticky phase 1: keep previous partitions up to the floor of the fair share.
    for (const m of sorted) keep(m, (id) => Math.floor(fair.get(id)! + 1e-9));
    // Phase 2: members still holding previous partitions keep one more while that stays balanced:
    // only as many extras as there are partitions beyond everyone's floor (6 partitions, 4 members:
    // two keep a second one, so a newcomer still gets its share).
    let slack = 0;
    for (const [t, n] of partitions) if (subscribers.has(t)) slack += n;
    for (const m of sorted) slack -= Math.floor(fair.get(m.memberId)! + 1e-9);
    for (const m of sorted) {
      if (slack <= 0) break;
      const before = load.get(m.memberId)!;
      keep(m, (id) => Math.min(Math.ceil(fair.get(id)! - 1e-9), before + 1));
      slack -= load.get(m.memberId)! - before;
    }
    // Everything else goes to the subscriber furthest below its fair share, then the least loaded,
    // then the lowest member id. Topics with fewer subscribers go first (they have fewer choices).
    const deficit = (m: AssignorMember) => fair.get(m.memberId)! - load.get(m.memberId)!;
    const order = [...partitions].sort(
      (a, b) => subscribers.get(a[0])! - subscribers.get(b[0])! || (a[0] < b[0] ? -1 : 1),
    );
    for (const [t, n] of order) {
      const subs = sorted.filter((m) => m.topics.has(t));
      if (subs.length === 0) continue;
      for (let p = 0; p < n; p++) {
        if (taken.has(key(t, p))) continue;
        let best = subs[0];
        for (const m of subs) {
          const d = deficit(m) - deficit(best);
          if (d > 1e-9 || (Math.abs(d) <= 1e-9 && load.get(m.memberId)! < load.get(best.memberId)!)) best = m;
        }
        taken.add(key(t, p));
        add(out.get(best.memberId)!, t, p);
        load.set(best.memberId, load.get(best.memberId)! + 1);
      }
    }
    for (const a of out.values()) sortAssignment(a);
    return out;
  },
};

export const builtinAssignors: readonly PartitionAssignor[] = [uniformAssignor, rangeAssignor];

/** Assignors named in group.consumer.assignors, in order; unknown names are an error. */
export function assignorsByName(names: readonly string[]): PartitionAssignor[] {
  return names.map((n) => {
    const a = builtinAssignors.find((x) => x.name === n.trim());
    if (!a) throw new Error(`unknown consumer group assignor '${n}' (known: uniform, range)`);
    return a;
  });
}
