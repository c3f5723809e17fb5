// The KIP-848 ("consumer" protocol) group coordinator: ConsumerGroupHeartbeat, ConsumerGroupDescribe,
// member-epoch checks of OffsetCommit/OffsetFetch, the group records in `__consumer_offsets` and
// their replay. It lives beside the classic GroupCoordinator (which owns it, keeps the committed
// offsets and routes the shared APIs); a group id is either classic or consumer at a time.
//
// Every heartbeat: validate -> update the member (join / leave / subscription) -> bump the group
// epoch on membership, subscription or subscribed-topic-metadata changes -> recompute the target
// assignment when the group epoch is ahead of the assignment epoch -> reconcile this member one
// step (consumer-group.ts) -> append the changed records -> answer. State changes only here, on the
// broker's single event loop.
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  ConsumerGroupRecordType as RT,
  type ConsumerGroupDescribeGroup,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  type DescribedTopicPartitions,
  type HeartbeatRequest,
  type JoinGroupRequest,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type SyncGroupRequest,
  decodeConsumerAssignment,
  decodeConsumerSubscription,
  encodeConsumerAssignment,
  encodeGroupMetadataKey,
  decodeConsumerGroupKey,
  decodeCurrentAssignmentValue,
  decodeEpochValue,
  decodeMemberMetadataValue,
  decodeTargetAssignmentMemberValue,
  encodeConsumerGroupKey,
  encodeCurrentAssignmentValue,
  encodeEpochValue,
  encodeMemberMetadataValue,
  encodeTargetAssignmentMemberValue,
} from '../../protocol/index.js';
import { assignorsByName, type Assignment, type PartitionAssignor } from './assignors.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import {
  ConsumerGroup,
  LEAVE_EPOCH,
  MemberState,
  STATIC_LEAVE_EPOCH,
  fromList,
  intersect,
  newMember,
  reconcile,
  sameAssignment,
  size,
  toList,
  type ConsumerGroupMember,
} from './consumer-group.js';
import { persistGroupRecords } from './offsets-store.js';
import { InvalidRegexError, translateRe2 } from './regex.js';
import type { ClientInfo, GroupStore, StoredRecord } from './coordinator.js';
import type { JoinResult, SyncResult } from './group.js';

/** What the coordinator needs to know about topics (the broker's topic store). */
export interface TopicView {
  name: string;
  topicId: string;
  partitions: number;
  internal: boolean;
}
export type TopicsSource = () => TopicView[];

export interface ConsumerGroupConfig {
  /** group.consumer.session.timeout.ms (45 s). */
  sessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms (5 s). */
  heartbeatIntervalMs: number;
  /** group.consumer.assignors; the first is used when a member names none. */
  assignors: string[];
  /**
   * group.consumer.migration.policy (Kafka 4 default bidirectional): whether a classic group with
   * members is upgraded when a consumer-protocol member joins, and a consumer group downgraded when
   * its last consumer-protocol member leaves and only classic-protocol members remain.
   */
  migrationPolicy: MigrationPolicy;
}

export type MigrationPolicy = 'bidirectional' | 'upgrade' | 'downgrade' | 'disabled';

/** A classic group's members as the two coordinators hand them to each other on a conversion. */
export interface ClassicGroupSnapshot {
  groupId: string;
  generation: number;
  protocolType: string | null;
  /** The selected assignor (null on a downgrade: the classic coordinator picks it). */
  protocol: string | null;
  members: ClassicMemberSnapshot[];
}

export interface ClassicMemberSnapshot {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  /** ConsumerProtocolAssignment bytes of the member's current assignment. */
  assignment: Buffer;
}

export const defaultConsumerGroupConfig: ConsumerGroupConfig = {
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 5000,
  assignors: ['uniform', 'range'],
  migrationPolicy: 'bidirectional',
};

/** Kafka's metrics sample window (2 samples of 30 s) for consumer-group-rebalance-rate. */
const REBALANCE_RATE_WINDOW_MS = 60_000;

export interface ConsumerGroupStats {
  numGroups: number;
  members: number;
  /** Kafka's consumer-group-count states; Dead is always 0 here (a deleted group is gone at once). */
  groupsByState: Record<string, number>;
  rebalancesTotal: number;
  /** Rebalances per second over the last 60 s. */
  rebalanceRate: number;
}

export interface ConsumerClientInfo {
  clientId: string;
  clientHost: string;
}

type HeartbeatResult = Omit<ConsumerGroupHeartbeatResponse, 'throttleTimeMs'>;

function fail(errorCode: number, errorMessage: string | null, memberId: string | null = null): HeartbeatResult {
  return { errorCode, errorMessage, memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
}

export class ConsumerGroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly sessionTimers = new Map<string, TimerHandle>();
  private readonly rebalanceTimers = new Map<string, TimerHandle>();
  /**
   * Classic-protocol members, as Kafka's coordinator times them: one told to rejoin (Heartbeat
   * REBALANCE_IN_PROGRESS) must send JoinGroup, and one answered by JoinGroup must send SyncGroup,
   * within its rebalance timeout, else it is removed (its heartbeats do not keep it).
   */
  private readonly joinTimers = new Map<string, TimerHandle>();
  private readonly syncTimers = new Map<string, TimerHandle>();
  private readonly assignors: PartitionAssignor[];
  private readonly config: ConsumerGroupConfig;
  /** Set by the classic coordinator: whether a classic group with members (or a rebalance) holds the id. */
  classicInUse: (groupId: string) => boolean = () => false;
  /** Set by the classic coordinator: forget an empty classic group taken over by the consumer protocol. */
  dropEmptyClassic: (groupId: string) => void = () => undefined;
  /** Set by the classic coordinator: its group with members, for an online upgrade (undefined: none). */
  classicSnapshot: (groupId: string) => ClassicGroupSnapshot | undefined = () => undefined;
  /** Set by the classic coordinator: drop its group (parked joins/syncs get REBALANCE_IN_PROGRESS). */
  dropClassic: (groupId: string) => void = () => undefined;
  /** Set by the classic coordinator: take over a downgraded group and start a classic rebalance. */
  installClassic: (snapshot: ClassicGroupSnapshot) => void = () => undefined;
  /** Rebalances (group epoch bumps) since start: Kafka's consumer-group-rebalance-count. */
  rebalances = 0;
  /** When the rebalances of the last REBALANCE_RATE_WINDOW_MS happened (consumer-group-rebalance-rate). */
  private readonly rebalanceTimes: number[] = [];

  constructor(
    private readonly store: GroupStore | null,
    private readonly topics: TopicsSource,
    private readonly partitionFor: (groupId: string) => number,
    config: Partial<ConsumerGroupConfig> = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.config = { ...defaultConsumerGroupConfig, ...config };
    this.assignors = assignorsByName(this.config.assignors);
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  /** True when the id belongs to a consumer group with members (classic requests are refused). */
  inUse(groupId: string): boolean {
    return (this.groups.get(groupId)?.members.size ?? 0) > 0;
  }

  // ---------------------------------------------------------------- ConsumerGroupHeartbeat

  async heartbeat(req: ConsumerGroupHeartbeatRequest, client: ConsumerClientInfo): Promise<HeartbeatResult> {
    if (req.groupId === '') return fail(ErrorCode.INVALID_REQUEST, 'GroupId can not be empty.');
    if (req.memberEpoch < STATIC_LEAVE_EPOCH) return fail(ErrorCode.INVALID_REQUEST, 'MemberEpoch is invalid.');
    if (req.memberEpoch !== 0 && req.memberId === '')
      return fail(ErrorCode.INVALID_REQUEST, 'MemberId can not be empty.');
    if (req.memberEpoch === STATIC_LEAVE_EPOCH && req.instanceId === null)
      return fail(ErrorCode.INVALID_REQUEST, 'InstanceId can not be null if MemberEpoch is -2.');
    if (req.serverAssignor !== null && !this.assignors.some((a) => a.name === req.serverAssignor))
      return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported.`);
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '') {
      try {
        translateRe2(req.subscribedTopicRegex);
      } catch (e) {
        return fail(
          ErrorCode.INVALID_REGULAR_EXPRESSION,
          `SubscribedTopicRegex \`${req.subscribedTopicRegex}\` is not a valid regular expression: ${(e as Error).message}.`,
        );
      }
    }
    if (req.memberEpoch === 0 && req.subscribedTopicNames === null && req.subscribedTopicRegex === null)
      return fail(
        ErrorCode.INVALID_REQUEST,
        'SubscribedTopicNames or SubscribedTopicRegex must be set in first request.',
      );

    let group = this.groups.get(req.groupId);
    let upgrade = false;
    if (!group) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${req.groupId} not found.`);
      upgrade = this.classicInUse(req.groupId);
      if (upgrade) {
        const refused = this.validateUpgrade(req.groupId);
        if (typeof refused === 'string') return fail(ErrorCode.GROUP_ID_NOT_FOUND, refused);
        group = refused;
      } else {
        this.dropEmptyClassic(req.groupId);
        group = new ConsumerGroup(req.groupId);
      }
    }
    const records: StoredRecord[] = [];
    if (upgrade) {
      // The classic group becomes this consumer group: its members stay as classic-protocol members
      // at their generation, with their current assignment as target; the joining member then bumps
      // the group epoch like any join, so they rejoin (Heartbeat answers REBALANCE_IN_PROGRESS).
      this.dropClassic(req.groupId);
      this.groups.set(req.groupId, group);
      records.push({ key: encodeGroupMetadataKey(req.groupId), value: null }, ...this.allRecords(group));
      for (const cm of group.members.values()) this.armTimers(group, cm);
    } else this.groups.set(req.groupId, group);
    const epochBefore = group.groupEpoch;

    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) {
      const m = group.members.get(req.memberId);
      if (!m) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of the group.`);
      if (req.memberEpoch === STATIC_LEAVE_EPOCH && m.instanceId !== null) {
        // A static member leaving for a while keeps its assignment until its session expires.
        if (m.memberEpoch !== STATIC_LEAVE_EPOCH) m.previousMemberEpoch = m.memberEpoch;
        m.memberEpoch = STATIC_LEAVE_EPOCH;
        records.push(this.currentAssignmentRecord(group, m));
      } else if (!this.maybeDowngrade(group, m, records)) {
        this.removeMember(group, m, records);
      }
      const err = await this.persist(group.groupId, records);
      if (err) return fail(err, null, req.memberId);
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        memberId: req.memberId,
        memberEpoch: req.memberEpoch,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }

    let m: ConsumerGroupMember | undefined;
    let joined = false;
    if (req.memberEpoch === 0) {
      const memberId = req.memberId !== '' ? req.memberId : randomUUID();
      const byInstance = req.instanceId !== null ? group.memberByInstanceId(req.instanceId) : undefined;
      if (byInstance && byInstance.memberId !== memberId) {
        if (byInstance.memberEpoch !== STATIC_LEAVE_EPOCH)
          return fail(
            ErrorCode.UNRELEASED_INSTANCE_ID,
            `Static member ${byInstance.memberId} with instance id ${req.instanceId} is not released.`,
          );
        // The static member comes back under a new member id: it takes over the old one's assignment.
        const target = group.target.get(byInstance.memberId);
        m = { ...byInstance, memberId, memberEpoch: byInstance.previousMemberEpoch };
        this.forgetMember(group, byInstance, records);
        group.members.set(memberId, m);
        if (target) group.target.set(memberId, target);
        records.push(...this.targetMemberRecords(group, m));
      } else {
        const old = group.members.get(memberId);
        if (old) this.removeMember(group, old, records); // a rejoin with epoch 0 starts afresh
        m = newMember(memberId);
        group.members.set(memberId, m);
        this.bumpEpoch(group);
      }
      joined = true;
    } else {
      m = group.members.get(req.memberId);
      if (!m) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of the group.`);
      if (req.memberEpoch !== m.memberEpoch) {
        // The member may have missed our last answer: its previous epoch is fine if it owns no more
        // than it is assigned now.
        const owned = req.topicPartitions ? fromList(req.topicPartitions) : null;
        const retry =
          req.memberEpoch === m.previousMemberEpoch &&
          owned !== null &&
          size(intersect(owned, m.assigned)) === size(owned);
        if (!retry)
          return fail(
            ErrorCode.FENCED_MEMBER_EPOCH,
            `The consumer group member has a smaller member epoch (${req.memberEpoch}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`,
            m.memberId,
          );
      }
    }

    // Member metadata (null fields: unchanged).
    const before = JSON.stringify([m.subscribedTopicNames, m.subscribedTopicRegex, m.serverAssignor]);
    const metaBefore = JSON.stringify([m.instanceId, m.rackId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, before]);
    if (req.instanceId !== null) m.instanceId = req.instanceId;
    if (req.rackId !== null) m.rackId = req.rackId;
    if (req.rebalanceTimeoutMs > 0) m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.subscribedTopicNames !== null) m.subscribedTopicNames = [...req.subscribedTopicNames].sort();
    if (req.subscribedTopicRegex !== null)
      m.subscribedTopicRegex = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
    if (req.serverAssignor !== null) m.serverAssignor = req.serverAssignor;
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
    const after = JSON.stringify([m.subscribedTopicNames, m.subscribedTopicRegex, m.serverAssignor]);
    if (after !== before && !joined) this.bumpEpoch(group);
    if (
      joined ||
      metaBefore !== JSON.stringify([m.instanceId, m.rackId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, after])
    )
      records.push(this.memberMetadataRecord(group, m));

    // Subscribed topics created, deleted or grown since the last bump: a new group epoch.
    const signature = this.signature(group);
    if (signature !== group.subscriptionSignature) {
      group.subscriptionSignature = signature;
      if (group.groupEpoch === epochBefore) this.bumpEpoch(group);
    }
    if (group.groupEpoch !== epochBefore) records.push(this.groupEpochRecord(group));
    if (group.groupEpoch > group.assignmentEpoch) this.computeTarget(group, m.serverAssignor, records);

    const assignedBefore = m.assigned;
    const changed = reconcile(group, m, req.topicPartitions ? fromList(req.topicPartitions) : null);
    if (changed || joined) records.push(this.currentAssignmentRecord(group, m));
    this.armTimers(group, m);

    const err = await this.persist(group.groupId, records);
    if (err) return fail(err, null, m.memberId);
    const reported = req.topicPartitions ? fromList(req.topicPartitions) : null;
    const send =
      joined ||
      changed ||
      !sameAssignment(assignedBefore, m.assigned) ||
      (reported !== null && !sameAssignment(reported, m.assigned));
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment: send ? toList(m.assigned) : null,
    };
  }

  /** Topic ids a member subscribes to: its names that exist plus every non-internal regex match. */
  private subscribedTopicIds(m: ConsumerGroupMember, all: TopicView[]): Set<string> {
    const ids = new Set<string>();
    const names = new Set(m.subscribedTopicNames);
    let re: RegExp | null = null;
    if (m.subscribedTopicRegex) {
      try {
        re = translateRe2(m.subscribedTopicRegex);
      } catch (e) {
        if (!(e instanceof InvalidRegexError)) throw e;
      }
    }
    for (const t of all) if (names.has(t.name) || (re !== null && !t.internal && re.test(t.name))) ids.add(t.topicId);
    return ids;
  }

  /**
   * The subscribed topics' ids and partition counts. Walking every member's subscription (and
   * regex) on every heartbeat would cost O(members x topics) per heartbeat; it is redone only when
   * the topics or the group epoch (it moves with every join, leave and subscription change)
   * changed since the last time. Callers store the result in `subscriptionSignature`.
   */
  private signature(group: ConsumerGroup): string {
    const all = this.topics();
    let topicsKey = `${group.groupEpoch}|`;
    for (const t of all) topicsKey += `${t.topicId}:${t.partitions},`;
    if (group.signatureKey === topicsKey) return group.subscriptionSignature;
    const wanted = new Set<string>();
    for (const m of group.members.values()) for (const id of this.subscribedTopicIds(m, all)) wanted.add(id);
    group.signatureKey = topicsKey;
    return all
      .filter((t) => wanted.has(t.topicId))
      .map((t) => `${t.topicId}:${t.partitions}`)
      .sort()
      .join(',');
  }

  private computeTarget(group: ConsumerGroup, preferred: string | null, records: StoredRecord[]): void {
    const all = this.topics();
    const byId = new Map(all.map((t) => [t.topicId, t.partitions]));
    // Kafka uses the assignor most members asked for, else the default (first configured) one.
    const votes = new Map<string, number>();
    for (const m of group.members.values())
      if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let name = preferred ?? this.assignors[0].name;
    let best = -1;
    for (const [n, v] of votes) if (v > best) [name, best] = [n, v];
    const assignor = this.assignors.find((a) => a.name === name) ?? this.assignors[0];
    const members = [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      topics: this.subscribedTopicIds(m, all),
      previous: group.target.get(m.memberId) ?? new Map<string, number[]>(),
    }));
    const partitions = new Map<string, number>();
    for (const m of members) for (const t of m.topics) partitions.set(t, byId.get(t) ?? 0);
    const result = assignor.assign({ members, partitions });
    group.target.clear();
    for (const [memberId, a] of result) {
      group.target.set(memberId, a);
      records.push({
        key: encodeConsumerGroupKey(RT.TargetAssignmentMember, group.groupId, memberId),
        value: encodeTargetAssignmentMemberValue(toList(a)),
      });
    }
    group.assignmentEpoch = group.groupEpoch;
    group.assignorName = assignor.name;
    records.push({
      key: encodeConsumerGroupKey(RT.TargetAssignmentMetadata, group.groupId),
      value: encodeEpochValue(group.assignmentEpoch),
    });
  }

  // ---------------------------------------------------------------- online migration (KIP-848)

  private upgradeEnabled(): boolean {
    return this.config.migrationPolicy === 'bidirectional' || this.config.migrationPolicy === 'upgrade';
  }

  private downgradeEnabled(): boolean {
    return this.config.migrationPolicy === 'bidirectional' || this.config.migrationPolicy === 'downgrade';
  }

  /** Names -> ids of the partitions of existing topics (unknown topics are dropped). */
  private byIds(list: { topic: string; partitions: number[] }[]): Assignment {
    const ids = new Map(this.topics().map((t) => [t.name, t.topicId]));
    return fromList(
      list.flatMap((t) => {
        const topicId = ids.get(t.topic);
        return topicId ? [{ topicId, partitions: t.partitions }] : [];
      }),
    );
  }

  private byNames(a: Assignment): { topic: string; partitions: number[] }[] {
    const names = new Map(this.topics().map((t) => [t.topicId, t.name]));
    return toList(a).flatMap((t) => {
      const topic = names.get(t.topicId);
      return topic ? [{ topic, partitions: t.partitions }] : [];
    });
  }

  /**
   * Kafka's checks before a classic group with members becomes a consumer group (the messages are
   * Kafka's); the converted group, not yet installed, or why not.
   */
  private validateUpgrade(groupId: string): ConsumerGroup | string {
    const snap = this.classicSnapshot(groupId);
    if (!this.upgradeEnabled() || !snap)
      return `Cannot upgrade classic group ${groupId} to consumer group because online upgrade is disabled.`;
    if (snap.protocolType !== 'consumer')
      return `Cannot upgrade classic group ${groupId} to consumer group because the group does not use the consumer embedded protocol.`;
    const group = new ConsumerGroup(groupId);
    group.groupEpoch = snap.generation;
    group.assignmentEpoch = snap.generation;
    for (const cm of snap.members) {
      let topics: string[];
      let assigned: Assignment;
      try {
        const chosen = cm.protocols.find((p) => p.name === snap.protocol) ?? cm.protocols[0];
        topics = chosen ? decodeConsumerSubscription(chosen.metadata).topics : [];
        const a = decodeConsumerAssignment(cm.assignment);
        if (a.userData !== null && a.userData.length > 0)
          return `Cannot upgrade classic group ${groupId} to consumer group because an unsupported custom assignor is in use. Please refer to the documentation or switch to a default assignor before re-attempting the upgrade.`;
        assigned = this.byIds(a.assignedPartitions);
      } catch {
        return `Cannot upgrade classic group ${groupId} to consumer group because the embedded consumer protocol is malformed.`;
      }
      const m = newMember(cm.memberId, {
        instanceId: cm.instanceId,
        clientId: cm.clientId,
        clientHost: cm.clientHost,
        subscribedTopicNames: [...topics].sort(),
        rebalanceTimeoutMs: cm.rebalanceTimeoutMs,
        memberEpoch: snap.generation,
        previousMemberEpoch: snap.generation,
        assigned,
        classicMemberMetadata: { sessionTimeoutMs: cm.sessionTimeoutMs, supportedProtocols: cm.protocols },
      });
      group.members.set(m.memberId, m);
      group.target.set(m.memberId, assigned);
    }
    group.subscriptionSignature = this.signature(group);
    return group;
  }

  /** Every record that describes the group now (written when a classic group is converted). */
  private allRecords(group: ConsumerGroup): StoredRecord[] {
    const out: StoredRecord[] = [this.groupEpochRecord(group)];
    for (const m of group.members.values()) out.push(...this.targetMemberRecords(group, m));
    out.push({
      key: encodeConsumerGroupKey(RT.TargetAssignmentMetadata, group.groupId),
      value: encodeEpochValue(group.assignmentEpoch),
    });
    for (const m of group.members.values()) out.push(this.currentAssignmentRecord(group, m));
    return out;
  }

  /**
   * When `leaving` is the last consumer-protocol member and classic-protocol members remain, the
   * group becomes a classic group at the current group epoch (instead of a bump) and the classic
   * coordinator starts a rebalance, as Kafka 4 does. Returns true when it did.
   */
  private maybeDowngrade(group: ConsumerGroup, leaving: ConsumerGroupMember, records: StoredRecord[]): boolean {
    if (!this.downgradeEnabled() || leaving.classicMemberMetadata) return false;
    const rest = [...group.members.values()].filter((m) => m.memberId !== leaving.memberId);
    if (rest.length === 0 || rest.some((m) => !m.classicMemberMetadata)) return false;
    const snapshot: ClassicGroupSnapshot = {
      groupId: group.groupId,
      generation: group.groupEpoch,
      protocolType: 'consumer',
      protocol: null,
      members: rest.map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.classicMemberMetadata?.sessionTimeoutMs ?? this.config.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        protocols: m.classicMemberMetadata?.supportedProtocols ?? [],
        assignment: encodeConsumerAssignment(this.byNames(m.assigned)),
      })),
    };
    // Tombstones in an order whose replay leaves no group behind: members, then the epochs.
    for (const m of [...group.members.values()]) this.forgetMember(group, m, records);
    records.push(
      { key: encodeConsumerGroupKey(RT.TargetAssignmentMetadata, group.groupId), value: null },
      { key: encodeConsumerGroupKey(RT.GroupMetadata, group.groupId), value: null },
    );
    this.groups.delete(group.groupId);
    // The classic group's record follows ours in the log (installClassic persists it).
    queueMicrotask(() => this.installClassic(snapshot));
    return true;
  }

  /** The member a classic request names: UNKNOWN_MEMBER_ID unless a classic-protocol member. */
  private classicMember(groupId: string, memberId: string): [ConsumerGroup, ConsumerGroupMember] | number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m || !m.classicMemberMetadata) return ErrorCode.UNKNOWN_MEMBER_ID;
    return [g, m];
  }

  /**
   * JoinGroup of a classic member into this consumer group (with members). The broker assigns: the
   * member is never the leader, its generation is its member epoch, and the partitions it reports
   * owning (subscription v1+) tell whether it revoked what it must give up. Answered at once.
   */
  async classicJoin(req: JoinGroupRequest, version: number, client: ClientInfo): Promise<JoinResult> {
    const group = this.groups.get(req.groupId);
    const err = (errorCode: number, memberId = req.memberId): JoinResult => ({
      errorCode,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId,
      members: [],
    });
    if (!group) return err(ErrorCode.UNKNOWN_MEMBER_ID);
    // Protocol type "consumer" and an assignor every classic member offers.
    let common: string[] | null = null;
    for (const m of group.members.values()) {
      if (!m.classicMemberMetadata || m.memberId === req.memberId) continue;
      const names = m.classicMemberMetadata.supportedProtocols.map((p) => p.name);
      common = common === null ? names : common.filter((n) => names.includes(n));
    }
    const offered = common;
    if (
      req.protocolType !== 'consumer' ||
      req.protocols.length === 0 ||
      (offered !== null && !req.protocols.some((p) => offered.includes(p.name)))
    )
      return err(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    let subscription;
    try {
      subscription = decodeConsumerSubscription(req.protocols[0].metadata);
    } catch {
      return err(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const memberId = req.memberId !== '' ? req.memberId : randomUUID();
    // KIP-394: a v4+ member without an id gets one first (not tracked: any id may join afterwards).
    if (req.memberId === '' && version >= 4) return err(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    const existing = group.members.get(memberId);
    if (existing && !existing.classicMemberMetadata) return err(ErrorCode.UNKNOWN_MEMBER_ID);

    const records: StoredRecord[] = [];
    const epochBefore = group.groupEpoch;
    const m = existing ?? newMember(memberId);
    const before = JSON.stringify(m.subscribedTopicNames);
    if (!existing) {
      group.members.set(memberId, m);
      this.bumpEpoch(group);
    }
    m.instanceId = req.groupInstanceId;
    if (subscription.rackId !== null) m.rackId = subscription.rackId;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
    m.subscribedTopicNames = [...subscription.topics].sort();
    m.classicMemberMetadata = {
      sessionTimeoutMs: req.sessionTimeoutMs,
      supportedProtocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    };
    if (existing && JSON.stringify(m.subscribedTopicNames) !== before) this.bumpEpoch(group);
    records.push(this.memberMetadataRecord(group, m));
    const signature = this.signature(group);
    if (signature !== group.subscriptionSignature) {
      group.subscriptionSignature = signature;
      if (group.groupEpoch === epochBefore) this.bumpEpoch(group);
    }
    if (group.groupEpoch !== epochBefore) records.push(this.groupEpochRecord(group));
    if (group.groupEpoch > group.assignmentEpoch) this.computeTarget(group, null, records);
    // Eager members revoke everything before joining: a revocation asked for in the first step may
    // already be done, which the second step sees.
    const owned = this.byIds(subscription.ownedPartitions);
    let changed = reconcile(group, m, owned);
    if (m.state === MemberState.UNREVOKED_PARTITIONS) changed = reconcile(group, m, owned) || changed;
    if (changed || !existing) records.push(this.currentAssignmentRecord(group, m));
    this.armTimers(group, m);
    this.classicTimer(this.joinTimers, group, m, null);
    this.classicTimer(this.syncTimers, group, m, 'sync timeout');
    const code = await this.persist(group.groupId, records);
    if (code) return err(code, memberId);
    return {
      errorCode: ErrorCode.NONE,
      generationId: m.memberEpoch,
      protocolName: req.protocols[0].name,
      leader: '',
      memberId,
      members: [],
    };
  }

  /** SyncGroup of a classic-protocol member: its current assignment (the broker computed it). */
  classicSync(req: SyncGroupRequest): SyncResult {
    const found = this.classicMember(req.groupId, req.memberId);
    if (typeof found === 'number') return { errorCode: found, assignment: Buffer.alloc(0) };
    const [g, m] = found;
    if (req.generationId !== m.memberEpoch)
      return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: Buffer.alloc(0) };
    this.armTimers(g, m);
    this.classicTimer(this.syncTimers, g, m, null);
    return { errorCode: ErrorCode.NONE, assignment: encodeConsumerAssignment(this.byNames(m.assigned)) };
  }

  /**
   * Heartbeat of a classic-protocol member. REBALANCE_IN_PROGRESS (rejoin) when the group epoch
   * moved past it, when it must revoke, or when partitions it waits for are free now (Kafka's rules).
   */
  classicHeartbeat(req: HeartbeatRequest): number {
    const found = this.classicMember(req.groupId, req.memberId);
    if (typeof found === 'number') return found;
    const [g, m] = found;
    if (req.generationId !== m.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
    this.armTimers(g, m);
    if (
      m.memberEpoch < g.groupEpoch ||
      m.state === MemberState.UNREVOKED_PARTITIONS ||
      (m.state === MemberState.UNRELEASED_PARTITIONS && g.pendingPartitionsFree(m))
    ) {
      // The first rejoin request starts its join timeout; later heartbeats do not restart it.
      if (!this.joinTimers.has(this.timerKey(g, m.memberId))) this.classicTimer(this.joinTimers, g, m, 'join timeout');
      return ErrorCode.REBALANCE_IN_PROGRESS;
    }
    return ErrorCode.NONE;
  }

  /** LeaveGroup of classic-protocol members: they leave at once, their partitions are free. */
  classicLeave(req: LeaveGroupRequest): Omit<LeaveGroupResponse, 'throttleTimeMs'> {
    const g = this.groups.get(req.groupId);
    const records: StoredRecord[] = [];
    const members = req.members.map((lm) => {
      const m = g?.members.get(lm.memberId);
      if (!g || !m) return { ...lm, errorCode: ErrorCode.UNKNOWN_MEMBER_ID as number };
      this.removeMember(g, m, records);
      return { ...lm, errorCode: ErrorCode.NONE as number };
    });
    if (g && records.length > 0) void this.persist(g.groupId, records);
    const errorCode = req.members.length === 1 ? members[0].errorCode : ErrorCode.NONE;
    return { errorCode, members };
  }

  // ---------------------------------------------------------------- members and timers

  private timerKey(group: ConsumerGroup, memberId: string): string {
    return `${group.groupId}\u0000${memberId}`;
  }

  private armTimers(group: ConsumerGroup, m: ConsumerGroupMember): void {
    const key = this.timerKey(group, m.memberId);
    this.sessionTimers.get(key)?.cancel();
    this.sessionTimers.set(
      key,
      this.clock.schedule(m.classicMemberMetadata?.sessionTimeoutMs ?? this.config.sessionTimeoutMs, () =>
        this.expire(group, m.memberId, 'session timeout'),
      ),
    );
    const revoking = m.state === MemberState.UNREVOKED_PARTITIONS;
    if (!revoking) {
      this.rebalanceTimers.get(key)?.cancel();
      this.rebalanceTimers.delete(key);
    } else if (!this.rebalanceTimers.has(key)) {
      const epoch = m.memberEpoch;
      this.rebalanceTimers.set(
        key,
        this.clock.schedule(m.rebalanceTimeoutMs, () => {
          this.rebalanceTimers.delete(key);
          const cur = group.members.get(m.memberId);
          if (cur && cur.state === MemberState.UNREVOKED_PARTITIONS && cur.memberEpoch === epoch)
            this.expire(group, m.memberId, 'rebalance timeout');
        }),
      );
    }
  }

  /** Cancels a classic member's join or sync timer and, with a reason, starts it afresh. */
  private classicTimer(
    timers: Map<string, TimerHandle>,
    group: ConsumerGroup,
    m: ConsumerGroupMember,
    why: 'join timeout' | 'sync timeout' | null,
  ): void {
    const key = this.timerKey(group, m.memberId);
    timers.get(key)?.cancel();
    timers.delete(key);
    if (why === null) return;
    timers.set(
      key,
      this.clock.schedule(m.rebalanceTimeoutMs, () => {
        timers.delete(key);
        this.expire(group, m.memberId, why);
      }),
    );
  }

  private expire(group: ConsumerGroup, memberId: string, _why: string): void {
    if (this.groups.get(group.groupId) !== group) return;
    const m = group.members.get(memberId);
    if (!m) return;
    const records: StoredRecord[] = [];
    if (!this.maybeDowngrade(group, m, records)) this.removeMember(group, m, records);
    void this.persist(group.groupId, records);
  }

  /** Removes a member (its partitions become free), bumps the group epoch. */
  private removeMember(group: ConsumerGroup, m: ConsumerGroupMember, records: StoredRecord[]): void {
    this.forgetMember(group, m, records);
    this.bumpEpoch(group);
    records.push(this.groupEpochRecord(group));
  }

  private bumpEpoch(group: ConsumerGroup): void {
    group.groupEpoch += 1;
    this.rebalances += 1;
    this.rebalanceTimes.push(this.clock.now());
    this.pruneRebalanceTimes();
  }

  private pruneRebalanceTimes(): void {
    const from = this.clock.now() - REBALANCE_RATE_WINDOW_MS;
    let i = 0;
    while (i < this.rebalanceTimes.length && this.rebalanceTimes[i] <= from) i++;
    if (i > 0) this.rebalanceTimes.splice(0, i);
  }

  private forgetMember(group: ConsumerGroup, m: ConsumerGroupMember, records: StoredRecord[]): void {
    this.cancelMemberTimers(group, m.memberId);
    group.members.delete(m.memberId);
    group.target.delete(m.memberId);
    for (const t of [RT.CurrentMemberAssignment, RT.TargetAssignmentMember, RT.MemberMetadata])
      records.push({ key: encodeConsumerGroupKey(t, group.groupId, m.memberId), value: null });
  }

  // ---------------------------------------------------------------- records

  private groupEpochRecord(group: ConsumerGroup): StoredRecord {
    return { key: encodeConsumerGroupKey(RT.GroupMetadata, group.groupId), value: encodeEpochValue(group.groupEpoch) };
  }

  private memberMetadataRecord(group: ConsumerGroup, m: ConsumerGroupMember): StoredRecord {
    return {
      key: encodeConsumerGroupKey(RT.MemberMetadata, group.groupId, m.memberId),
      value: encodeMemberMetadataValue(m),
    };
  }

  private currentAssignmentRecord(group: ConsumerGroup, m: ConsumerGroupMember): StoredRecord {
    return {
      key: encodeConsumerGroupKey(RT.CurrentMemberAssignment, group.groupId, m.memberId),
      value: encodeCurrentAssignmentValue({
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: m.state,
        assigned: toList(m.assigned),
        pendingRevocation: toList(m.pendingRevocation),
      }),
    };
  }

  private targetMemberRecords(group: ConsumerGroup, m: ConsumerGroupMember): StoredRecord[] {
    return [
      this.memberMetadataRecord(group, m),
      {
        key: encodeConsumerGroupKey(RT.TargetAssignmentMember, group.groupId, m.memberId),
        value: encodeTargetAssignmentMemberValue(toList(group.target.get(m.memberId) ?? new Map())),
      },
    ];
  }

  private persist(groupId: string, records: StoredRecord[]): Promise<number> {
    return persistGroupRecords(this.store, this.partitionFor(groupId), records);
  }

  /**
   * Replays consumer-group records (log order) of `__consumer_offsets`. Members come back with
   * their epochs and assignments and fresh session timers: live members carry on heartbeating,
   * vanished ones expire. Returns [applied, skipped].
   */
  load(records: Iterable<StoredRecord>): { applied: number; skipped: number } {
    let applied = 0;
    let skipped = 0;
    const touched = new Set<ConsumerGroup>();
    const get = (id: string) => {
      let g = this.groups.get(id);
      if (!g) this.groups.set(id, (g = new ConsumerGroup(id)));
      touched.add(g);
      return g;
    };
    const member = (g: ConsumerGroup, id: string) => {
      let m = g.members.get(id);
      if (!m) g.members.set(id, (m = newMember(id)));
      return m;
    };
    for (const rec of records) {
      try {
        const k = decodeConsumerGroupKey(rec.key);
        const g = get(k.group);
        switch (k.type) {
          case RT.GroupMetadata:
            if (rec.value === null) this.groups.delete(k.group);
            else g.groupEpoch = decodeEpochValue(rec.value);
            break;
          case RT.TargetAssignmentMetadata:
            if (rec.value !== null) g.assignmentEpoch = decodeEpochValue(rec.value);
            break;
          case RT.MemberMetadata:
            if (rec.value === null) g.members.delete(k.memberId);
            else Object.assign(member(g, k.memberId), decodeMemberMetadataValue(rec.value));
            break;
          case RT.TargetAssignmentMember:
            if (rec.value === null) g.target.delete(k.memberId);
            else g.target.set(k.memberId, fromList(decodeTargetAssignmentMemberValue(rec.value)));
            break;
          case RT.CurrentMemberAssignment:
            if (rec.value !== null) {
              const v = decodeCurrentAssignmentValue(rec.value);
              Object.assign(member(g, k.memberId), {
                memberEpoch: v.memberEpoch,
                previousMemberEpoch: v.previousMemberEpoch,
                state: v.state,
                assigned: fromList(v.assigned),
                pendingRevocation: fromList(v.pendingRevocation),
              });
            }
            break;
          default: // 4: subscription metadata, recomputed from the topic store instead
        }
        applied += 1;
      } catch {
        skipped += 1;
      }
    }
    for (const g of touched) {
      if (this.groups.get(g.groupId) !== g) continue;
      g.subscriptionSignature = this.signature(g);
      for (const m of g.members.values()) this.armTimers(g, m);
    }
    return { applied, skipped };
  }

  /** Forgets the groups of a partition this broker no longer leads. */
  unloadPartition(partition: number): number {
    let n = 0;
    for (const [id, g] of this.groups) {
      if (this.partitionFor(id) !== partition) continue;
      this.cancelTimers(g);
      this.groups.delete(id);
      n += 1;
    }
    return n;
  }

  private cancelTimers(g: ConsumerGroup): void {
    for (const m of g.members.values()) this.cancelMemberTimers(g, m.memberId);
  }

  private cancelMemberTimers(g: ConsumerGroup, memberId: string): void {
    const key = this.timerKey(g, memberId);
    for (const timers of [this.sessionTimers, this.rebalanceTimers, this.joinTimers, this.syncTimers]) {
      timers.get(key)?.cancel();
      timers.delete(key);
    }
  }

  shutdown(): void {
    for (const g of this.groups.values()) this.cancelTimers(g);
  }

  /** Deletes an empty consumer group (DeleteGroups, or a classic join taking the id over). */
  async deleteEmpty(groupId: string): Promise<number> {
    const g = this.groups.get(groupId);
    if (!g) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    return this.persist(groupId, [
      { key: encodeConsumerGroupKey(RT.TargetAssignmentMetadata, groupId), value: null },
      { key: encodeConsumerGroupKey(RT.GroupMetadata, groupId), value: null },
    ]);
  }

  // ---------------------------------------------------------------- offsets, describe, list

  /**
   * OffsetCommit/OffsetFetch member checks for a consumer group (undefined: not a consumer group,
   * the classic rules apply). Commits without a member (epoch < 0, empty member id) are accepted
   * only while the group is empty.
   */
  validateMember(groupId: string, memberId: string | null, memberEpoch: number): number | undefined {
    const g = this.groups.get(groupId);
    if (!g) return undefined;
    if (memberEpoch < 0 && (memberId === null || memberId === ''))
      return g.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    const m = memberId !== null ? g.members.get(memberId) : undefined;
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (m.classicMemberMetadata) {
      // A classic-protocol member commits with its generation (= member epoch), as in a classic group.
      if (memberEpoch !== m.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
      this.armTimers(g, m);
      return ErrorCode.NONE;
    }
    if (memberEpoch !== m.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
    return ErrorCode.NONE;
  }

  describe(groupId: string): ConsumerGroupDescribeGroup {
    const g = this.groups.get(groupId);
    const base = {
      groupId,
      groupEpoch: 0,
      assignmentEpoch: 0,
      assignorName: '',
      members: [],
      authorizedOperations: -2147483648,
    };
    if (!g)
      return {
        ...base,
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: `Group ${groupId} not found.`,
        groupState: 'Dead',
      };
    const names = new Map(this.topics().map((t) => [t.topicId, t.name]));
    const described = (a: Assignment): DescribedTopicPartitions[] =>
      toList(a).map((t) => ({ topicId: t.topicId, topicName: names.get(t.topicId) ?? '', partitions: t.partitions }));
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupState: g.state,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: g.assignorName || this.assignors[0].name,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: described(m.assigned),
        targetAssignment: described(g.target.get(m.memberId) ?? new Map()),
        // 0: classic protocol, 1: consumer protocol (ConsumerGroupDescribe v1 MemberType).
        memberType: m.classicMemberMetadata ? 0 : 1,
      })),
    };
  }

  list(): { groupId: string; state: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, state: g.state }));
  }

  stats(): ConsumerGroupStats {
    let members = 0;
    const groupsByState: Record<string, number> = { Empty: 0, Assigning: 0, Reconciling: 0, Stable: 0, Dead: 0 };
    for (const g of this.groups.values()) {
      members += g.members.size;
      groupsByState[g.state] += 1;
    }
    this.pruneRebalanceTimes();
    return {
      numGroups: this.groups.size,
      members,
      groupsByState,
      rebalancesTotal: this.rebalances,
      rebalanceRate: this.rebalanceTimes.length / (REBALANCE_RATE_WINDOW_MS / 1000),
    };
  }
}
