// KIP-932 share groups: membership on the group's coordinator (the leader of its
// `__consumer_offsets` partition, as for every group type). ShareGroupHeartbeat joins (epoch 0),
// heartbeats and leaves (epoch -1); the coordinator assigns partitions with Kafka's "simple"
// share assignor, where a partition may go to several members at once (records, not partitions,
// are what members share). States: Empty (no members), Stable; Dead once deleted.
//
// - Epochs: the group epoch is bumped by a join, a leave or expiry, a subscription change and a
//   change in the partition count of a subscribed topic; the next heartbeat then recomputes the
//   target assignment (assignment epoch := group epoch, counted as a rebalance). No revocation is
//   needed (a partition can have several owners), so a member takes its new assignment at once
//   with the assignment epoch as its member epoch.
// - A heartbeat with another epoch than the member's gets FENCED_MEMBER_EPOCH; an unknown member
//   with epoch != 0 UNKNOWN_MEMBER_ID (the client rejoins with epoch 0).
// - Session timeout (group.share.session.timeout.ms): every heartbeat restarts it; on expiry the
//   member is removed.
// - Size (group.share.max.size, default 200): a new member past it gets GROUP_MAX_SIZE_REACHED
//   (a rejoin of a known member id is not a new member).
// Membership is kept in memory: after a coordinator move the members rejoin (UNKNOWN_MEMBER_ID ->
// epoch 0); what must survive, the share-partition state, lives with the partitions
// (share-partitions.ts) and in `__share_group_state`.
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type ShareGroupDescribeResponse,
  type ShareGroupHeartbeatRequest,
  type ShareGroupHeartbeatResponse,
  type TopicIdPartitions,
} from '../../protocol/index.js';
import type { ClientInfo } from './coordinator.js';
import type { Clock } from './clock.js';

export interface ShareGroupConfig {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** group.share.max.size: members at most (Kafka's default 200); a join past it gets GROUP_MAX_SIZE_REACHED. */
  maxSize?: number;
}
const DEFAULT_MAX_SIZE = 200;
export interface ShareTopicInfo {
  name: string;
  topicId: string;
  partitions: number;
  internal: boolean;
}

interface ShareMember {
  memberId: string;
  memberEpoch: number;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  /** topic id -> partitions */
  assignment: Map<string, number[]>;
  /** The assignment as last sent to the member (JSON), to answer with changes only. */
  sent: string | null;
  timer: { cancel(): void } | null;
}

export interface ShareGroupState {
  groupId: string;
  groupEpoch: number;
  assignmentEpoch: number;
  members: Map<string, ShareMember>;
  /** topic name -> partition count the assignment was computed with. */
  subscribedPartitions: Map<string, number>;
}

export type ShareGroupStateName = 'Empty' | 'Stable';

const assignmentKey = (a: Map<string, number[]>): string =>
  JSON.stringify([...a].sort(([x], [y]) => x.localeCompare(y)).map(([t, ps]) => [t, [...ps].sort((p, q) => p - q)]));

/**
 * Kafka's simple share assignor for homogeneous and heterogeneous subscriptions alike: per topic,
 * its partitions are dealt round-robin over the members subscribed to it (sorted by member id); when
 * a topic has fewer partitions than members, the partitions are dealt again until every member has
 * one, so a partition is shared by ceil(members / partitions) members at most.
 */
export function simpleShareAssign(
  members: { memberId: string; topics: string[] }[],
  topics: Map<string, { topicId: string; partitions: number }>,
): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>(members.map((m) => [m.memberId, new Map()]));
  const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
  for (const [name, t] of [...topics].sort(([a], [b]) => a.localeCompare(b))) {
    const subs = sorted.filter((m) => m.topics.includes(name));
    if (subs.length === 0 || t.partitions === 0) continue;
    const slots = Math.max(t.partitions, subs.length);
    for (let i = 0; i < slots; i++) {
      const m = out.get(subs[i % subs.length].memberId)!;
      const p = i % t.partitions;
      const list = m.get(t.topicId) ?? [];
      if (!list.includes(p)) list.push(p);
      m.set(t.topicId, list);
    }
  }
  return out;
}

export class ShareGroupCoordinator {
  private readonly groups = new Map<string, ShareGroupState>();
  rebalancesTotal = 0;
  /** When the recent rebalances happened (for the rebalance rate), oldest first. */
  private readonly rebalanceTimes: number[] = [];

  constructor(
    private readonly config: ShareGroupConfig,
    private readonly clock: Clock,
    private readonly topics: () => ShareTopicInfo[],
  ) {}

  /** Rebalances since a time (within the last hour). */
  rebalancesSince(t: number): number {
    return this.rebalanceTimes.filter((x) => x >= t).length;
  }

  group(groupId: string): ShareGroupState | undefined {
    return this.groups.get(groupId);
  }

  stateOf(g: ShareGroupState): ShareGroupStateName {
    return g.members.size === 0 ? 'Empty' : 'Stable';
  }

  list(): { groupId: string; state: ShareGroupStateName }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, state: this.stateOf(g) }));
  }

  heartbeat(req: ShareGroupHeartbeatRequest, client: ClientInfo): Omit<ShareGroupHeartbeatResponse, 'throttleTimeMs'> {
    const fail = (errorCode: number, errorMessage: string | null = null) => ({
      errorCode,
      errorMessage,
      memberId: null,
      memberEpoch: -1,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    if (!req.groupId) return fail(ErrorCode.INVALID_REQUEST, 'GroupId can not be empty.');
    let g = this.groups.get(req.groupId);
    if (req.memberEpoch === -1) {
      const m = g?.members.get(req.memberId);
      if (g && m) this.removeMember(g, m);
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        memberId: req.memberId,
        memberEpoch: -1,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
    if (req.memberEpoch === 0) {
      if (req.subscribedTopicNames === null || req.subscribedTopicNames.length === 0)
        return fail(ErrorCode.INVALID_REQUEST, 'SubscribedTopicNames must be set in first request.');
      if (!g) {
        g = {
          groupId: req.groupId,
          groupEpoch: 0,
          assignmentEpoch: 0,
          members: new Map(),
          subscribedPartitions: new Map(),
        };
        this.groups.set(req.groupId, g);
      }
      const memberId = req.memberId || randomUUID();
      const old = g.members.get(memberId);
      const maxSize = this.config.maxSize ?? DEFAULT_MAX_SIZE;
      if (!old && g.members.size >= maxSize)
        return fail(
          ErrorCode.GROUP_MAX_SIZE_REACHED,
          `The share group has reached its maximum capacity of ${maxSize} members.`,
        );
      if (old) this.removeMember(g, old);
      const m: ShareMember = {
        memberId,
        memberEpoch: 0,
        rackId: req.rackId,
        clientId: client.clientId,
        clientHost: client.clientHost,
        subscribedTopicNames: [...req.subscribedTopicNames],
        assignment: new Map(),
        sent: null,
        timer: null,
      };
      g.members.set(memberId, m);
      g.groupEpoch++;
      return this.answer(g, m);
    }
    const m = g?.members.get(req.memberId);
    if (!g || !m) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `member ${req.memberId} is not in group ${req.groupId}`);
    if (req.memberEpoch !== m.memberEpoch) return fail(ErrorCode.FENCED_MEMBER_EPOCH);
    if (req.rackId !== null) m.rackId = req.rackId;
    if (req.subscribedTopicNames !== null) {
      const next = [...req.subscribedTopicNames].sort();
      if (JSON.stringify(next) !== JSON.stringify([...m.subscribedTopicNames].sort())) {
        m.subscribedTopicNames = next;
        g.groupEpoch++;
      }
    }
    return this.answer(g, m);
  }

  private answer(g: ShareGroupState, m: ShareMember): Omit<ShareGroupHeartbeatResponse, 'throttleTimeMs'> {
    this.refreshTarget(g);
    this.touch(g, m);
    m.memberEpoch = g.assignmentEpoch;
    const key = assignmentKey(m.assignment);
    let assignment: TopicIdPartitions[] | null = null;
    if (key !== m.sent) {
      assignment = [...m.assignment].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
      m.sent = key;
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment,
    };
  }

  /** Recomputes the target assignment when the group epoch moved or a subscribed topic changed. */
  private refreshTarget(g: ShareGroupState): void {
    const all = new Map(this.topics().map((t) => [t.name, t]));
    const subscribed = new Set([...g.members.values()].flatMap((m) => m.subscribedTopicNames));
    const counts = new Map<string, number>();
    for (const name of subscribed) {
      const t = all.get(name);
      if (t && !t.internal) counts.set(name, t.partitions);
    }
    if (JSON.stringify([...counts].sort()) !== JSON.stringify([...g.subscribedPartitions].sort())) {
      g.subscribedPartitions = counts;
      g.groupEpoch++;
    }
    if (g.assignmentEpoch === g.groupEpoch) return;
    const topics = new Map(
      [...counts].map(([name, partitions]) => [name, { topicId: all.get(name)!.topicId, partitions }]),
    );
    const target = simpleShareAssign(
      [...g.members.values()].map((m) => ({ memberId: m.memberId, topics: m.subscribedTopicNames })),
      topics,
    );
    for (const m of g.members.values()) m.assignment = target.get(m.memberId) ?? new Map();
    g.assignmentEpoch = g.groupEpoch;
    this.rebalancesTotal++;
    const now = this.clock.now();
    this.rebalanceTimes.push(now);
    while (this.rebalanceTimes.length > 0 && this.rebalanceTimes[0] < now - 3_600_000) this.rebalanceTimes.shift();
  }

  private touch(g: ShareGroupState, m: ShareMember): void {
    m.timer?.cancel();
    m.timer = this.clock.schedule(this.config.sessionTimeoutMs, () => {
      if (g.members.get(m.memberId) === m) this.removeMember(g, m);
    });
  }

  private removeMember(g: ShareGroupState, m: ShareMember): void {
    m.timer?.cancel();
    g.members.delete(m.memberId);
    g.groupEpoch++;
  }

  describe(groupId: string): ShareGroupDescribeResponse['groups'][number] {
    const g = this.groups.get(groupId);
    const names = new Map(this.topics().map((t) => [t.topicId, t.name]));
    if (!g) return undescribedShareGroup(groupId, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
    // Read-only: a describe shows the group as it is; epochs move on the members' heartbeats only
    // (recomputing the target here would bump epochs and count rebalances for a mere read).
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: this.stateOf(g),
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: 'simple',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...m.subscribedTopicNames],
        assignment: [...m.assignment].map(([topicId, partitions]) => ({
          topicId,
          topicName: names.get(topicId) ?? '',
          partitions: [...partitions].sort((a, b) => a - b),
        })),
      })),
      authorizedOperations: -2147483648,
    };
  }

  /** Topic partitions the group's members are assigned (for DescribeShareGroupOffsets with null topics). */
  assignedTopics(groupId: string): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    for (const m of this.groups.get(groupId)?.members.values() ?? [])
      for (const [t, ps] of m.assignment) for (const p of ps) (out.get(t) ?? out.set(t, new Set()).get(t)!).add(p);
    return out;
  }

  /** Forgets the groups of an offsets partition this node no longer coordinates. */
  unload(belongs: (groupId: string) => boolean): void {
    for (const [id, g] of this.groups) {
      if (!belongs(id)) continue;
      for (const m of g.members.values()) m.timer?.cancel();
      this.groups.delete(id);
    }
  }

  shutdown(): void {
    for (const g of this.groups.values()) for (const m of g.members.values()) m.timer?.cancel();
    this.groups.clear();
  }
}

export function undescribedShareGroup(
  groupId: string,
  errorCode: number,
  errorMessage: string | null = null,
): ShareGroupDescribeResponse['groups'][number] {
  return {
    errorCode,
    errorMessage,
    groupId,
    groupState: errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 'Dead' : '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: -2147483648,
  };
}
