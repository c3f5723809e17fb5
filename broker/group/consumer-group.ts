// One KIP-848 consumer group (pure data + the reconciliation step), and assignment helpers.
//
// Epochs: the group epoch is bumped by every change of membership, subscriptions or subscribed
// topic metadata; the assignment epoch is the group epoch the target assignment was computed at;
// a member's epoch reaches the assignment epoch once it may own its whole target.
// States (as Kafka names them): Empty (no members), Assigning (group epoch > assignment epoch),
// Reconciling (some member not yet at the assignment epoch or still revoking/waiting), Stable.
//
// Reconciliation (one member, on each of its heartbeats):
//   current - target non-empty  -> UNREVOKED_PARTITIONS: the member is told to keep only
//                                  current ∩ target; its epoch stays until it reports (owned
//                                  partitions in a heartbeat) that it let the rest go.
//   otherwise                   -> epoch := assignment epoch; it gets every target partition no
//                                  other member still owns (assigned or pending revocation);
//                                  the others wait: UNRELEASED_PARTITIONS until they are free.
// So a partition never has two owners: it moves only after its previous owner revoked it.
import type { ClassicMemberMetadata } from '../../protocol/index.js';
import type { Assignment } from './assignors.js';

export const MemberState = { STABLE: 0, UNREVOKED_PARTITIONS: 1, UNRELEASED_PARTITIONS: 2 } as const;

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

/** Member epoch -2 = a static member that left temporarily and keeps its assignment. */
export const LEAVE_EPOCH = -1;
export const STATIC_LEAVE_EPOCH = -2;

export interface ConsumerGroupMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  assigned: Assignment;
  pendingRevocation: Assignment;
  /**
   * Non-null for a member still on the classic protocol (JoinGroup/SyncGroup/Heartbeat) inside this
   * consumer group: its session timeout and the assignors it offered (KIP-848 online migration).
   */
  classicMemberMetadata: ClassicMemberMetadata | null;
}

export function newMember(memberId: string, fields: Partial<ConsumerGroupMember> = {}): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: 300_000,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    assigned: new Map(),
    pendingRevocation: new Map(),
    classicMemberMetadata: null,
    ...fields,
  };
}

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  /** memberId -> target assignment at assignmentEpoch. */
  readonly target = new Map<string, Assignment>();
  /** The subscribed topics' ids and partition counts the group epoch was last bumped for. */
  subscriptionSignature = '';
  /** Group epoch and topics `subscriptionSignature` was computed for (the coordinator's cache key). */
  signatureKey = '';
  /** Name of the assignor that computed the target. */
  assignorName = '';

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.memberEpoch === STATIC_LEAVE_EPOCH) continue;
      if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.STABLE) return 'Reconciling';
    }
    return 'Stable';
  }

  /** The member other than `except` that owns (or is still revoking) a partition. */
  ownerOf(topicId: string, partition: number, except: string): string | undefined {
    for (const m of this.members.values()) {
      if (m.memberId === except) continue;
      if (has(m.assigned, topicId, partition) || has(m.pendingRevocation, topicId, partition)) return m.memberId;
    }
    return undefined;
  }

  /** Partitions of the member's target that it does not own yet are all free now (no other owner). */
  pendingPartitionsFree(m: ConsumerGroupMember): boolean {
    const target = this.target.get(m.memberId) ?? new Map<string, number[]>();
    for (const [t, p] of pairs(minus(target, m.assigned)))
      if (this.ownerOf(t, p, m.memberId) !== undefined) return false;
    return true;
  }

  memberByInstanceId(instanceId: string): ConsumerGroupMember | undefined {
    for (const m of this.members.values()) if (m.instanceId === instanceId) return m;
    return undefined;
  }
}

// ---------------------------------------------------------------- assignment helpers

export function has(a: Assignment, topicId: string, p: number): boolean {
  return a.get(topicId)?.includes(p) ?? false;
}

export function size(a: Assignment): number {
  let n = 0;
  for (const ps of a.values()) n += ps.length;
  return n;
}

function build(pairs: Iterable<[string, number]>): Assignment {
  const out: Assignment = new Map();
  for (const [t, p] of pairs) {
    const l = out.get(t);
    if (l) l.push(p);
    else out.set(t, [p]);
  }
  for (const l of out.values()) l.sort((x, y) => x - y);
  return out;
}

function* pairs(a: Assignment): Generator<[string, number]> {
  for (const [t, ps] of a) for (const p of ps) yield [t, p];
}

export function intersect(a: Assignment, b: Assignment): Assignment {
  return build([...pairs(a)].filter(([t, p]) => has(b, t, p)));
}

export function minus(a: Assignment, b: Assignment): Assignment {
  return build([...pairs(a)].filter(([t, p]) => !has(b, t, p)));
}

export function union(a: Assignment, b: Assignment): Assignment {
  return build([...pairs(a), ...[...pairs(b)].filter(([t, p]) => !has(a, t, p))]);
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  return size(a) === size(b) && size(minus(a, b)) === 0;
}

export function fromList(list: { topicId: string; partitions: number[] }[]): Assignment {
  return build(list.flatMap((t) => t.partitions.map((p): [string, number] => [t.topicId, p])));
}

export function toList(a: Assignment): { topicId: string; partitions: number[] }[] {
  return [...a].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
}

// ---------------------------------------------------------------- reconciliation

/**
 * Moves a member one step towards its target assignment. `owned` is what the member reported in
 * this heartbeat (null: not reported). Returns true when the member's epoch, state or assignment
 * changed (the heartbeat answer then carries the new assignment).
 */
export function reconcile(group: ConsumerGroup, m: ConsumerGroupMember, owned: Assignment | null): boolean {
  if (m.memberEpoch === STATIC_LEAVE_EPOCH) return false;
  if (m.state === MemberState.UNREVOKED_PARTITIONS) {
    // Still revoking until the member reports owning none of the partitions it must give up.
    if (owned === null || size(intersect(owned, m.pendingRevocation)) > 0) return false;
    m.pendingRevocation = new Map();
    m.state = MemberState.STABLE;
    advance(group, m);
    return true;
  }
  if (m.state === MemberState.STABLE && m.memberEpoch === group.assignmentEpoch) return false;
  return advance(group, m);
}

function advance(group: ConsumerGroup, m: ConsumerGroupMember): boolean {
  const target = group.target.get(m.memberId) ?? new Map<string, number[]>();
  const before = { epoch: m.memberEpoch, state: m.state, assigned: m.assigned };
  const revoke = minus(m.assigned, target);
  if (size(revoke) > 0) {
    m.assigned = intersect(m.assigned, target);
    m.pendingRevocation = revoke;
    m.state = MemberState.UNREVOKED_PARTITIONS;
    return true;
  }
  const wanted = minus(target, m.assigned);
  const free = build([...pairs(wanted)].filter(([t, p]) => group.ownerOf(t, p, m.memberId) === undefined));
  m.assigned = union(m.assigned, free);
  m.state = size(free) < size(wanted) ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
  if (m.memberEpoch !== group.assignmentEpoch) {
    m.previousMemberEpoch = m.memberEpoch;
    m.memberEpoch = group.assignmentEpoch;
  }
  return before.epoch !== m.memberEpoch || before.state !== m.state || !sameAssignment(before.assigned, m.assigned);
}
