// The group coordinator: every consumer group and committed offset this broker coordinates, and
// the classic group protocol state machine over them:
//
//   Empty --join--> PreparingRebalance --all joined / rebalance timeout--> CompletingRebalance
//   CompletingRebalance --leader's SyncGroup--> Stable --join, leave, session expiry--> PreparingRebalance
//   PreparingRebalance --everyone gone--> Empty;  Empty --DeleteGroups--> Dead
//
// All state lives here and is changed only by these plain methods, called from the broker's single
// event loop: no locks. JoinGroup and SyncGroup answers wait for other members, so those return
// promises that resolve when the round completes. Offsets and group metadata are appended to
// `__consumer_offsets` through a GroupStore and replayed with load() on startup.
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type JoinGroupRequest,
  type SyncGroupRequest,
  type HeartbeatRequest,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
  type DescribedGroup,
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  offsetsPartitionFor,
  isConsumerGroupKey,
} from '../../protocol/index.js';
import type { ClassicGroupSnapshot, ConsumerGroupCoordinator, ConsumerGroupStats } from './consumer-coordinator.js';
import { systemClock, type Clock } from './clock.js';
import { persistGroupRecords } from './offsets-store.js';
import { Group, GroupStates, type GroupState, type JoinResult, type Member, type SyncResult } from './group.js';

/** A record of `__consumer_offsets` (null value = tombstone). */
export interface StoredRecord {
  key: Buffer;
  value: Buffer | null;
}

/** Where the coordinator persists: the `__consumer_offsets` partitions of the log. */
export interface GroupStore {
  /** Resolves once the records are appended to the partition's log. */
  append(partition: number, records: StoredRecord[]): Promise<void>;
  /**
   * Appends records as one transactional batch of a producer (TxnOffsetCommit): `onAppended` runs
   * once the batch is in the log, and the promise resolves once the in-sync replicas have it.
   */
  appendTransactional?(
    partition: number,
    records: StoredRecord[],
    producer: { producerId: number; producerEpoch: number },
    onAppended: () => void,
  ): Promise<void>;
}

export interface CoordinatorConfig {
  /** offsets.topic.num.partitions (Kafka default 50). */
  offsetsTopicPartitions: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms. */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms: how long a new group's first round waits for more members. */
  initialRebalanceDelayMs: number;
  /** offset.metadata.max.bytes. */
  offsetMetadataMaxBytes: number;
}

export const defaultCoordinatorConfig: CoordinatorConfig = {
  offsetsTopicPartitions: 50,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 0,
  offsetMetadataMaxBytes: 4096,
};

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface GroupCoordinatorStats {
  numGroups: number;
  groupsByState: Record<GroupState, number>;
  numOffsets: number;
  rebalancesTotal: number;
  /** Classic groups only by state (ids held by a consumer-protocol group are left out). */
  classicGroupsByState: Record<GroupState, number>;
  /** The KIP-848 coordinator's groups (null: not attached). */
  consumer: ConsumerGroupStats | null;
}

export interface ClientInfo {
  clientId: string;
  clientHost: string;
}

const NO_MEMBERS: JoinResult['members'] = [];

function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: NO_MEMBERS };
}

/** An offset-commit record of `__consumer_offsets` as the coordinator keeps it (replay, plain or transactional). */
function storedOffset(
  key: { topic: string; partition: number },
  value: Buffer,
): CommittedOffset & { topic: string; partition: number } {
  const v = decodeOffsetCommitValue(value);
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: v.commitTimestamp,
    topic: key.topic,
    partition: key.partition,
  };
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly offsets = new Map<string, Map<string, CommittedOffset & { topic: string; partition: number }>>();
  /** Transactional offset commits awaiting their marker: producer id -> group -> partition -> offset. */
  private readonly txnOffsets = new Map<
    number,
    Map<string, Map<string, CommittedOffset & { topic: string; partition: number }>>
  >();
  private rebalances = 0;
  private readonly config: CoordinatorConfig;
  /** True while `__consumer_offsets` is being replayed: requests get COORDINATOR_LOAD_IN_PROGRESS. */
  loading = false;
  /**
   * Cluster mode: whether this broker leads the given `__consumer_offsets` partition now. A request
   * for a group of another partition gets NOT_COORDINATOR, so the client looks the coordinator up
   * again instead of building a second copy of the group here. Null (single broker): every group.
   */
  owns: ((partition: number) => boolean) | null = null;
  /** The KIP-848 coordinator beside this one (null: consumer protocol not served). */
  consumer: ConsumerGroupCoordinator | null = null;

  constructor(
    private readonly store: GroupStore | null = null,
    config: Partial<CoordinatorConfig> = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.config = { ...defaultCoordinatorConfig, ...config };
    if (!Number.isInteger(this.config.offsetsTopicPartitions) || this.config.offsetsTopicPartitions < 1) {
      throw new RangeError(
        `offsetsTopicPartitions must be a positive integer, got ${this.config.offsetsTopicPartitions}`,
      );
    }
  }

  /** The `__consumer_offsets` partition that holds this group (its coordinator is that partition's leader). */
  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.config.offsetsTopicPartitions);
  }

  /** Why this broker cannot serve a group's request now (an error code), or NONE (0) when it can. */
  unavailable(groupId: string): number {
    if (this.loading) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (this.owns && !this.owns(this.partitionFor(groupId))) return ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }

  get offsetsTopicPartitions(): number {
    return this.config.offsetsTopicPartitions;
  }

  /** Puts a KIP-848 coordinator beside this one: a group id is then either classic or consumer. */
  attachConsumerGroups(cgc: ConsumerGroupCoordinator): void {
    this.consumer = cgc;
    cgc.classicInUse = (groupId) => {
      const g = this.groups.get(groupId);
      return g !== undefined && (g.state !== 'Empty' || g.members.size > 0 || g.pending.size > 0);
    };
    // An empty classic group (offsets only) is converted: its committed offsets stay.
    cgc.dropEmptyClassic = (groupId) => {
      const g = this.groups.get(groupId);
      if (g && g.state === 'Empty' && g.members.size === 0) this.groups.delete(groupId);
    };
    // Online migration (KIP-848): the classic group handed over on an upgrade, taken back on a downgrade.
    cgc.classicSnapshot = (groupId) => {
      const g = this.groups.get(groupId);
      if (!g || g.members.size === 0) return undefined;
      return {
        groupId,
        generation: g.generation,
        protocolType: g.protocolType,
        protocol: g.protocol,
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          instanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          sessionTimeoutMs: m.sessionTimeoutMs,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          protocols: m.protocols,
          assignment: m.assignment,
        })),
      };
    };
    cgc.dropClassic = (groupId) => {
      const g = this.groups.get(groupId);
      if (!g) return;
      // Members parked in a join round or a sync rejoin the consumer group.
      this.release(g, ErrorCode.REBALANCE_IN_PROGRESS);
      for (const id of g.pending.keys()) g.pending.delete(id);
      this.groups.delete(groupId);
    };
    cgc.installClassic = (snapshot) => this.installClassic(snapshot);
  }

  /** A consumer group downgraded to classic: its members, then a rebalance they all rejoin. */
  private installClassic(snapshot: ClassicGroupSnapshot): void {
    const group = new Group(snapshot.groupId);
    group.generation = snapshot.generation;
    group.protocolType = snapshot.protocolType;
    for (const sm of snapshot.members) {
      const member: Member = {
        memberId: sm.memberId,
        groupInstanceId: sm.instanceId,
        clientId: sm.clientId,
        clientHost: sm.clientHost,
        sessionTimeoutMs: sm.sessionTimeoutMs,
        rebalanceTimeoutMs: sm.rebalanceTimeoutMs,
        protocolType: snapshot.protocolType ?? 'consumer',
        protocols: sm.protocols,
        assignment: sm.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        sessionTimer: null,
      };
      group.members.set(member.memberId, member);
      this.touch(group, member);
    }
    group.leaderId = group.members.keys().next().value ?? null;
    group.protocol = snapshot.protocol ?? group.selectProtocol();
    group.state = 'Stable';
    this.groups.set(group.groupId, group);
    void this.persistGroup(group);
    this.prepareRebalance(group);
  }

  // ---------------------------------------------------------------- JoinGroup

  joinGroup(req: JoinGroupRequest, version: number, client: ClientInfo): Promise<JoinResult> {
    const { groupId, memberId } = req;
    if (groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, memberId));
    if (
      req.sessionTimeoutMs < this.config.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.config.maxSessionTimeoutMs
    ) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, memberId));
    }
    if (this.consumer?.group(groupId)) {
      // A consumer group with members takes the classic member in (online migration); an empty one
      // becomes a classic group.
      if (this.consumer.inUse(groupId)) return this.consumer.classicJoin(req, version, client);
      void this.consumer.deleteEmpty(groupId);
    }
    let group = this.groups.get(groupId);
    if (!group) {
      if (memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    if (group.state === 'Dead') return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }

    if (memberId === '') {
      const newId = `${client.clientId}-${randomUUID()}`;
      if (version >= 4) {
        // KIP-394: hand out the id first; the member must come back with it within its session timeout.
        const g = group;
        group.pending.set(
          newId,
          this.clock.schedule(req.sessionTimeoutMs, () => this.expirePending(g, newId)),
        );
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newId));
      }
      return this.addMemberAndRebalance(group, newId, req, client);
    }

    const pendingTimer = group.pending.get(memberId);
    if (pendingTimer) {
      pendingTimer.cancel();
      group.pending.delete(memberId);
      return this.addMemberAndRebalance(group, memberId, req, client);
    }

    const member = group.members.get(memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    const sameProtocols = sameProtocolList(member.protocols, req.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req);
      case 'CompletingRebalance':
        if (sameProtocols) return Promise.resolve(this.currentJoinResult(group, member));
        return this.updateMemberAndRebalance(group, member, req);
      default: // Stable (Empty has no members)
        if (member.memberId === group.leaderId || !sameProtocols)
          return this.updateMemberAndRebalance(group, member, req);
        this.touch(group, member);
        return Promise.resolve(this.currentJoinResult(group, member));
    }
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    req: JoinGroupRequest,
    client: ClientInfo,
  ): Promise<JoinResult> {
    return new Promise((resolve) => {
      const member: Member = {
        memberId,
        groupInstanceId: req.groupInstanceId,
        clientId: client.clientId,
        clientHost: client.clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        assignment: Buffer.alloc(0),
        awaitingJoin: resolve,
        awaitingSync: null,
        sessionTimer: null,
      };
      if (group.members.size === 0) group.protocolType = req.protocolType;
      group.members.set(memberId, member);
      if (group.leaderId === null) group.leaderId = memberId;
      this.touch(group, member);
      if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
      else this.prepareRebalance(group);
    });
  }

  private updateMemberAndRebalance(group: Group, member: Member, req: JoinGroupRequest): Promise<JoinResult> {
    return new Promise((resolve) => {
      member.protocols = req.protocols;
      member.sessionTimeoutMs = req.sessionTimeoutMs;
      member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
      // A member that joins again while already waiting replaces its earlier wait.
      member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
      member.awaitingJoin = resolve;
      this.touch(group, member);
      if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
      else this.prepareRebalance(group);
    });
  }

  private currentJoinResult(group: Group, member: Member): JoinResult {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generation,
      protocolName: group.protocol ?? '',
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader ? this.memberList(group) : NO_MEMBERS,
    };
  }

  private memberList(group: Group): JoinResult['members'] {
    return [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: group.metadataFor(m),
    }));
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      // The assignment being synced is stale now: members waiting on SyncGroup must rejoin.
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        this.answerSync(m, { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
      }
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.rebalances += 1;
    group.rebalanceTimer?.cancel();
    if (wasEmpty && this.config.initialRebalanceDelayMs > 0) {
      group.initialDelayUntil = this.clock.now() + this.config.initialRebalanceDelayMs;
      const delay = Math.min(this.config.initialRebalanceDelayMs, group.rebalanceTimeoutMs());
      group.rebalanceTimer = this.clock.schedule(delay, () => {
        group.initialDelayUntil = 0;
        group.rebalanceTimer = this.clock.schedule(Math.max(0, group.rebalanceTimeoutMs() - delay), () =>
          this.completeJoin(group),
        );
        this.maybeCompleteJoin(group);
      });
      return;
    }
    group.initialDelayUntil = 0;
    group.rebalanceTimer = this.clock.schedule(group.rebalanceTimeoutMs(), () => this.completeJoin(group));
    this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelayUntil > this.clock.now()) return;
    if (group.allJoined()) this.completeJoin(group);
  }

  /** End of a join round (everyone rejoined, or the rebalance timeout fired). */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    group.rebalanceTimer?.cancel();
    group.rebalanceTimer = null;
    group.initialDelayUntil = 0;
    for (const [id, timer] of group.pending) {
      timer.cancel();
      group.pending.delete(id);
    }
    for (const m of [...group.members.values()]) if (!m.awaitingJoin) this.dropMember(group, m);
    group.generation += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocol = null;
      group.leaderId = null;
      void this.persistGroup(group);
      return;
    }
    if (group.leaderId === null || !group.members.has(group.leaderId))
      group.leaderId = group.members.keys().next().value ?? null;
    group.protocol = group.selectProtocol();
    group.state = 'CompletingRebalance';
    for (const m of group.members.values()) {
      const answer = m.awaitingJoin;
      m.awaitingJoin = null;
      this.touch(group, m);
      answer?.(this.currentJoinResult(group, m));
    }
  }

  private expirePending(group: Group, memberId: string): void {
    if (!group.pending.delete(memberId)) return;
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    this.maybeForget(group);
  }

  // ---------------------------------------------------------------- SyncGroup

  syncGroup(req: SyncGroupRequest): Promise<SyncResult> {
    const fail = (errorCode: number): Promise<SyncResult> =>
      Promise.resolve({ errorCode, assignment: Buffer.alloc(0) });
    if (this.consumer?.group(req.groupId)) return Promise.resolve(this.consumer.classicSync(req));
    const group = this.groups.get(req.groupId);
    if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const member = group.members.get(req.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generation) return fail(ErrorCode.ILLEGAL_GENERATION);
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.touch(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance':
        return new Promise((resolve) => {
          member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
          member.awaitingSync = resolve;
          this.touch(group, member);
          if (member.memberId === group.leaderId) this.completeSync(group, req);
        });
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private completeSync(group: Group, req: SyncGroupRequest): void {
    const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? Buffer.alloc(0);
    const generation = group.generation;
    // Kafka stores the group before answering; a failed write sends members back to rejoin.
    void this.persistGroup(group).then((errorCode) => {
      if (group.state !== 'CompletingRebalance' || group.generation !== generation) return;
      if (errorCode !== ErrorCode.NONE) {
        for (const m of group.members.values()) this.answerSync(m, { errorCode, assignment: Buffer.alloc(0) });
        this.prepareRebalance(group);
        return;
      }
      group.state = 'Stable';
      for (const m of group.members.values())
        this.answerSync(m, { errorCode: ErrorCode.NONE, assignment: m.assignment });
    });
  }

  private answerSync(m: Member, result: SyncResult): void {
    const answer = m.awaitingSync;
    m.awaitingSync = null;
    answer?.(result);
  }

  // ---------------------------------------------------------------- Heartbeat, LeaveGroup, expiry

  heartbeat(req: HeartbeatRequest): number {
    if (this.consumer?.group(req.groupId)) return this.consumer.classicHeartbeat(req);
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = group.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leaveGroup(req: LeaveGroupRequest): Omit<LeaveGroupResponse, 'throttleTimeMs'> {
    if (this.consumer?.group(req.groupId)) return this.consumer.classicLeave(req);
    const group = this.groups.get(req.groupId);
    if (!group || group.state === 'Dead') {
      const members = req.members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
      return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members };
    }
    const members = req.members.map((m) => {
      const pendingTimer = group.pending.get(m.memberId);
      if (pendingTimer) {
        pendingTimer.cancel();
        group.pending.delete(m.memberId);
        if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
        return { ...m, errorCode: ErrorCode.NONE };
      }
      const member = group.members.get(m.memberId);
      if (!member) return { ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.removeMemberAndRebalance(group, member);
      return { ...m, errorCode: ErrorCode.NONE };
    });
    // v0-2 carry one member: its error is the response's error.
    const errorCode = req.members.length === 1 ? members[0].errorCode : ErrorCode.NONE;
    this.maybeForget(group);
    return { errorCode, members };
  }

  private removeMemberAndRebalance(group: Group, member: Member): void {
    this.dropMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  private dropMember(group: Group, member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = null;
    group.members.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingJoin = null;
    this.answerSync(member, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
  }

  /** (Re)start the member's session timer: any request from it proves it alive. */
  private touch(group: Group, member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.clock.schedule(member.sessionTimeoutMs, () => this.expireSession(group, member));
  }

  private expireSession(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    // Members parked in JoinGroup/SyncGroup are waiting on us, not silent: keep them.
    if (member.awaitingJoin || member.awaitingSync) {
      this.touch(group, member);
      return;
    }
    this.removeMemberAndRebalance(group, member);
  }

  /** A group with no members, no pending joins and no offsets is not worth keeping (Kafka expires it). */
  private maybeForget(group: Group): void {
    if (
      group.state === 'Empty' &&
      group.members.size === 0 &&
      group.pending.size === 0 &&
      !this.offsets.get(group.groupId)?.size &&
      group.generation === 0
    ) {
      this.groups.delete(group.groupId);
    }
  }

  // ---------------------------------------------------------------- Offsets

  async commitOffsets(req: OffsetCommitRequest): Promise<Omit<OffsetCommitResponse, 'throttleTimeMs'>> {
    const all = (errorCode: number) => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      })),
    });
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    // A consumer-protocol group: generation_id is the member epoch (v9 semantics).
    const consumerCheck = this.consumer?.validateMember(req.groupId, req.memberId, req.generationId);
    if (consumerCheck !== undefined) {
      if (consumerCheck !== ErrorCode.NONE) return all(consumerCheck);
    } else {
      let group = this.groups.get(req.groupId);
      if (!group) {
        if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
        group = new Group(req.groupId);
        this.groups.set(req.groupId, group);
      }
      if (group.state === 'Dead') return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      if (req.generationId < 0) {
        // Standalone (assign()) consumers commit without a generation, only into a group with no members.
        if (group.members.size > 0) return all(ErrorCode.UNKNOWN_MEMBER_ID);
      } else {
        if (group.state === 'CompletingRebalance') return all(ErrorCode.REBALANCE_IN_PROGRESS);
        const member = group.members.get(req.memberId);
        if (!member) return all(ErrorCode.UNKNOWN_MEMBER_ID);
        if (req.generationId !== group.generation) return all(ErrorCode.ILLEGAL_GENERATION);
        this.touch(group, member);
      }
    }

    const { topics, records, accepted } = this.offsetCommitRecords(req.groupId, req.topics);
    const errorCode = await this.persist(req.groupId, records);
    if (errorCode !== ErrorCode.NONE) {
      for (const t of topics) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = errorCode;
      return { topics };
    }
    const byGroup = this.offsetsOf(req.groupId);
    for (const a of accepted) byGroup.set(tpKey(a.topic, a.partition), a);
    return { topics };
  }

  /**
   * The records and per-partition answers of an offset commit, plain or transactional: metadata
   * over `offsetMetadataMaxBytes` is refused per partition; the rest becomes one offset-commit
   * record each, stamped now. Nothing is stored yet: the caller persists, then applies `accepted`.
   */
  private offsetCommitRecords(
    groupId: string,
    requested: {
      name: string;
      partitions: {
        partitionIndex: number;
        committedOffset: number;
        committedLeaderEpoch: number;
        committedMetadata: string | null;
      }[];
    }[],
  ) {
    const now = this.clock.now();
    const records: StoredRecord[] = [];
    const accepted: (CommittedOffset & { topic: string; partition: number })[] = [];
    const topics = requested.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const metadata = p.committedMetadata ?? '';
        if (Buffer.byteLength(metadata) > this.config.offsetMetadataMaxBytes)
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE as number };
        const entry = {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata,
          commitTimestamp: now,
        };
        accepted.push({ ...entry, topic: t.name, partition: p.partitionIndex });
        records.push({
          key: encodeOffsetCommitKey(groupId, t.name, p.partitionIndex),
          value: encodeOffsetCommitValue(entry),
        });
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number };
      }),
    }));
    return { topics, records, accepted };
  }

  /**
   * TxnOffsetCommit: the offsets are written to the group's `__consumer_offsets` partition in a
   * transactional batch of the producer and kept aside until the transaction's marker reaches that
   * partition (completeTransaction): COMMIT makes them the committed offsets, ABORT drops them.
   * Generation and member are not checked (v3's fields are not served).
   */
  async commitTxnOffsets(req: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse['topics']> {
    const all = (errorCode: number) =>
      req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      }));
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    const unavailable = this.unavailable(req.groupId);
    if (unavailable) return all(unavailable);
    const { topics, records, accepted } = this.offsetCommitRecords(req.groupId, req.topics);
    // Staged as soon as the batch is in the log (never for a batch the log refused: a zombie's would
    // replace the live producer's staged offsets), so a marker that arrives while the batch is
    // being replicated finds them.
    const stage = () => this.stagePendingOffsets(req.producerId, req.groupId, accepted);
    if (records.length > 0) {
      let errorCode: number = ErrorCode.NONE;
      try {
        if (!this.store?.appendTransactional) throw new Error('no transactional store');
        await this.store.appendTransactional(
          this.partitionFor(req.groupId),
          records,
          { producerId: req.producerId, producerEpoch: req.producerEpoch },
          stage,
        );
      } catch (e) {
        // An older epoch than the partition knows is a zombie's commit; a partition no longer led
        // here sends the client to the new coordinator; anything else is retriable here.
        const message = (e as Error).message;
        errorCode = /epoch/i.test(message)
          ? ErrorCode.INVALID_PRODUCER_EPOCH
          : /no longer led|NOT_LEADER_OR_FOLLOWER/.test(message)
            ? ErrorCode.NOT_COORDINATOR
            : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      if (errorCode !== ErrorCode.NONE) {
        for (const t of topics)
          for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = errorCode;
        return topics;
      }
    } else stage();
    return topics;
  }

  private stagePendingOffsets(
    producerId: number,
    groupId: string,
    offsets: Iterable<CommittedOffset & { topic: string; partition: number }>,
  ): void {
    let byGroup = this.txnOffsets.get(producerId);
    if (!byGroup) this.txnOffsets.set(producerId, (byGroup = new Map()));
    let m = byGroup.get(groupId);
    if (!m) byGroup.set(groupId, (m = new Map()));
    for (const o of offsets) m.set(tpKey(o.topic, o.partition), o);
  }

  /** A transaction marker of `producerId` was written to `__consumer_offsets-<partition>`. */
  completeTransaction(partition: number, producerId: number, commit: boolean): void {
    const byGroup = this.txnOffsets.get(producerId);
    if (!byGroup) return;
    for (const [groupId, offsets] of byGroup) {
      if (this.partitionFor(groupId) !== partition) continue;
      if (commit) {
        const target = this.offsetsOf(groupId);
        for (const [k, o] of offsets) target.set(k, o);
        if (!this.groups.has(groupId)) this.groups.set(groupId, new Group(groupId));
      }
      byGroup.delete(groupId);
    }
    if (byGroup.size === 0) this.txnOffsets.delete(producerId);
  }

  /** Replays the transactional offset commits still open at the end of a loaded partition. */
  loadPendingTxnOffsets(producerId: number, records: Iterable<StoredRecord>): void {
    for (const rec of records) {
      if (rec.value === null || isConsumerGroupKey(rec.key)) continue;
      try {
        const key = decodeKey(rec.key);
        if (key.kind !== 'offset') continue;
        this.stagePendingOffsets(producerId, key.group, [storedOffset(key, rec.value)]);
      } catch {
        // undecodable: skipped like in load()
      }
    }
  }

  /**
   * OffsetFetch. With require_stable (v7+) a partition for which a transaction of some producer
   * holds a staged offset of the group answers UNSTABLE_OFFSET_COMMIT (Kafka's rule): a new owner
   * retries instead of starting from an offset that the transaction is about to move, which would
   * make it process those records a second time.
   */
  fetchOffsets(req: OffsetFetchRequest): Omit<OffsetFetchResponse, 'throttleTimeMs'> {
    const byGroup = this.offsets.get(req.groupId);
    const unstable = (topic: string, partition: number) =>
      req.requireStable === true && this.hasPendingTxnOffset(req.groupId, topic, partition);
    const none = (partitionIndex: number, errorCode: number = ErrorCode.NONE) => ({
      partitionIndex,
      committedOffset: -1,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode,
    });
    const answer = (o: CommittedOffset, partitionIndex: number) => ({
      partitionIndex,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: ErrorCode.NONE as number,
    });
    if (req.topics === null) {
      const topics = new Map<string, OffsetFetchResponse['topics'][number]>();
      for (const o of byGroup?.values() ?? []) {
        let t = topics.get(o.topic);
        if (!t) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
        t.partitions.push(
          unstable(o.topic, o.partition) ? none(o.partition, ErrorCode.UNSTABLE_OFFSET_COMMIT) : answer(o, o.partition),
        );
      }
      return { topics: [...topics.values()], errorCode: ErrorCode.NONE };
    }
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => {
        if (unstable(t.name, p)) return none(p, ErrorCode.UNSTABLE_OFFSET_COMMIT);
        const o = byGroup?.get(tpKey(t.name, p));
        return o ? answer(o, p) : none(p);
      }),
    }));
    return { topics, errorCode: ErrorCode.NONE };
  }

  /** Whether a transaction holds a staged (not yet decided) offset of this group for the partition. */
  private hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    const k = tpKey(topic, partition);
    for (const byGroup of this.txnOffsets.values()) if (byGroup.get(groupId)?.has(k)) return true;
    return false;
  }

  /** Committed offset of one partition (for the operator CLI and tests); undefined when none. */
  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(groupId)?.get(tpKey(topic, partition));
  }

  private offsetsOf(groupId: string): Map<string, CommittedOffset & { topic: string; partition: number }> {
    let m = this.offsets.get(groupId);
    if (!m) this.offsets.set(groupId, (m = new Map()));
    return m;
  }

  // ---------------------------------------------------------------- Describe, List, Delete

  describeGroup(groupId: string): DescribedGroup {
    const group = this.groups.get(groupId);
    // Kafka 4 describes a consumer-protocol group through DescribeGroups as Dead with no members
    // (from v6 with GROUP_ID_NOT_FOUND "Group <id> is not a classic group.": requests.ts).
    if (!group || this.consumer?.group(groupId))
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      };
    const stable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocol ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? group.metadataFor(m) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** Classic groups (type "classic") and consumer-protocol groups (type "consumer", protocol type "consumer"). */
  listGroups(): { groupId: string; protocolType: string; groupState: string; groupType: string }[] {
    const consumer = this.consumer?.list() ?? [];
    const consumerIds = new Set(consumer.map((g) => g.groupId));
    return [
      ...[...this.groups.values()]
        .filter((g) => g.state !== 'Dead' && !consumerIds.has(g.groupId))
        .map((g) => ({
          groupId: g.groupId,
          protocolType: g.protocolType ?? '',
          groupState: g.state,
          groupType: 'classic',
        })),
      ...consumer.map((g) => ({
        groupId: g.groupId,
        protocolType: 'consumer',
        groupState: g.state,
        groupType: 'consumer',
      })),
    ];
  }

  async deleteGroup(groupId: string): Promise<number> {
    if (this.consumer?.group(groupId)) {
      const code = await this.consumer.deleteEmpty(groupId);
      if (code !== ErrorCode.NONE) return code;
      const records: StoredRecord[] = [];
      for (const o of this.offsets.get(groupId)?.values() ?? [])
        records.push({ key: encodeOffsetCommitKey(groupId, o.topic, o.partition), value: null });
      const err = await this.persist(groupId, records);
      if (err === ErrorCode.NONE) {
        this.offsets.delete(groupId);
        this.groups.delete(groupId);
      }
      return err;
    }
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.state !== 'Empty' || group.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    group.state = 'Dead';
    const records: StoredRecord[] = [{ key: encodeGroupMetadataKey(groupId), value: null }];
    for (const o of this.offsets.get(groupId)?.values() ?? [])
      records.push({ key: encodeOffsetCommitKey(groupId, o.topic, o.partition), value: null });
    const errorCode = await this.persist(groupId, records);
    if (errorCode !== ErrorCode.NONE) {
      group.state = 'Empty';
      return errorCode;
    }
    this.groups.delete(groupId);
    this.offsets.delete(groupId);
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- Persistence

  private async persistGroup(group: Group): Promise<number> {
    const value = encodeGroupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generation,
      protocol: group.protocol,
      leader: group.leaderId,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: group.metadataFor(m),
        assignment: m.assignment,
      })),
    });
    return this.persist(group.groupId, [{ key: encodeGroupMetadataKey(group.groupId), value }]);
  }

  private persist(groupId: string, records: StoredRecord[]): Promise<number> {
    return persistGroupRecords(this.store, this.partitionFor(groupId), records);
  }

  /**
   * Replays `__consumer_offsets` records (in log order) into memory at startup. Groups stored with
   * members come back Stable with fresh session timers, so live consumers carry on heartbeating and
   * vanished ones expire. Returns how many records were applied; undecodable records are skipped.
   */
  load(records: Iterable<StoredRecord>): { applied: number; skipped: number } {
    let applied = 0;
    let skipped = 0;
    const groupValues = new Map<string, Buffer | null>();
    const consumerRecords: StoredRecord[] = [];
    for (const rec of records) {
      if (isConsumerGroupKey(rec.key)) {
        consumerRecords.push(rec);
        continue;
      }
      try {
        const key = decodeKey(rec.key);
        if (key.kind === 'offset') {
          const byGroup = this.offsetsOf(key.group);
          if (rec.value === null) byGroup.delete(tpKey(key.topic, key.partition));
          else {
            byGroup.set(tpKey(key.topic, key.partition), storedOffset(key, rec.value));
          }
        } else {
          groupValues.set(key.group, rec.value);
        }
        applied += 1;
      } catch {
        skipped += 1;
      }
    }
    if (this.consumer && consumerRecords.length > 0) {
      const r = this.consumer.load(consumerRecords);
      applied += r.applied;
      skipped += r.skipped;
    } else skipped += consumerRecords.length;
    for (const [groupId, byGroup] of this.offsets) {
      if (byGroup.size === 0) this.offsets.delete(groupId);
      else if (!this.groups.has(groupId)) this.groups.set(groupId, new Group(groupId));
    }
    for (const [groupId, value] of groupValues) {
      if (value === null) {
        if (!this.offsets.has(groupId)) this.groups.delete(groupId);
        continue;
      }
      try {
        this.restoreGroup(groupId, value);
      } catch {
        skipped += 1;
      }
    }
    return { applied, skipped };
  }

  private restoreGroup(groupId: string, value: Buffer): void {
    const v = decodeGroupMetadataValue(value);
    const group = this.groups.get(groupId) ?? new Group(groupId);
    for (const m of group.members.values()) m.sessionTimer?.cancel();
    group.members.clear();
    group.generation = v.generation;
    group.protocolType = v.protocolType === '' ? null : v.protocolType;
    group.protocol = v.protocol;
    group.leaderId = v.leader;
    for (const sm of v.members) {
      const member: Member = {
        memberId: sm.memberId,
        groupInstanceId: sm.groupInstanceId,
        clientId: sm.clientId,
        clientHost: sm.clientHost,
        sessionTimeoutMs: sm.sessionTimeoutMs,
        rebalanceTimeoutMs: sm.rebalanceTimeoutMs >= 0 ? sm.rebalanceTimeoutMs : sm.sessionTimeoutMs,
        protocolType: v.protocolType,
        protocols: v.protocol ? [{ name: v.protocol, metadata: sm.subscription }] : [],
        assignment: sm.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        sessionTimer: null,
      };
      group.members.set(member.memberId, member);
      this.touch(group, member);
    }
    group.state = group.members.size > 0 ? 'Stable' : 'Empty';
    this.groups.set(groupId, group);
  }

  /**
   * Forgets the groups and offsets of one `__consumer_offsets` partition (this broker stopped
   * leading it): a later leadership reloads them from the log, which the new leader kept writing.
   */
  unloadPartition(partition: number): number {
    let n = this.consumer?.unloadPartition(partition) ?? 0;
    for (const [groupId, g] of this.groups) {
      if (this.partitionFor(groupId) !== partition) continue;
      this.release(g, ErrorCode.NOT_COORDINATOR);
      this.groups.delete(groupId);
      n += 1;
    }
    for (const groupId of this.offsets.keys())
      if (this.partitionFor(groupId) === partition) this.offsets.delete(groupId);
    for (const [producerId, byGroup] of this.txnOffsets) {
      for (const groupId of [...byGroup.keys()]) if (this.partitionFor(groupId) === partition) byGroup.delete(groupId);
      if (byGroup.size === 0) this.txnOffsets.delete(producerId);
    }
    return n;
  }

  // ---------------------------------------------------------------- Stats and shutdown

  stats(): GroupCoordinatorStats {
    const groupsByState = Object.fromEntries(GroupStates.map((s) => [s, 0])) as Record<GroupState, number>;
    const classicGroupsByState = { ...groupsByState };
    for (const g of this.groups.values()) {
      groupsByState[g.state] += 1;
      if (!this.consumer?.group(g.groupId)) classicGroupsByState[g.state] += 1;
    }
    let numOffsets = 0;
    for (const m of this.offsets.values()) numOffsets += m.size;
    return {
      numGroups: this.groups.size,
      groupsByState,
      numOffsets,
      rebalancesTotal: this.rebalances,
      classicGroupsByState,
      consumer: this.consumer?.stats() ?? null,
    };
  }

  /** State name of a group, or undefined when unknown. */
  groupState(groupId: string): GroupState | undefined {
    return this.groups.get(groupId)?.state;
  }

  /** Cancels every timer and answers parked requests with COORDINATOR_NOT_AVAILABLE (broker stopping). */
  shutdown(): void {
    this.consumer?.shutdown();
    for (const g of this.groups.values()) this.release(g, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }

  /** Cancel a group's timers and answer its parked joins and syncs with `errorCode`. */
  private release(g: Group, errorCode: number): void {
    g.rebalanceTimer?.cancel();
    for (const t of g.pending.values()) t.cancel();
    for (const m of g.members.values()) {
      m.sessionTimer?.cancel();
      m.awaitingJoin?.(joinError(errorCode, m.memberId));
      m.awaitingJoin = null;
      this.answerSync(m, { errorCode, assignment: Buffer.alloc(0) });
    }
  }
}

function sameProtocolList(a: { name: string; metadata: Buffer }[], b: { name: string; metadata: Buffer }[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}
