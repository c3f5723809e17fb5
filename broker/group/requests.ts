// The ten group APIs as plain functions from a decoded request to a response, over one
// GroupCoordinator. The handler files in broker/handlers/ only adapt these to the server's contract,
// so the request logic is testable without sockets.
import {
  ErrorCode,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  type ListGroupsResponse,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  type ListGroupsRequest,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  type ConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeResponse,
} from '../../protocol/index.js';
import type { ClientInfo, GroupCoordinator } from './coordinator.js';

/** The broker that coordinates a group: where FindCoordinator points clients. */
export interface CoordinatorNode {
  nodeId: number;
  host: string;
  port: number;
}

/** Looks up the node leading a `__consumer_offsets` partition; null when it has no live leader. */
export type CoordinatorLocator = (offsetsPartition: number) => CoordinatorNode | null;

export function findCoordinator(
  gc: GroupCoordinator,
  req: FindCoordinatorRequest,
  locate: CoordinatorLocator,
): FindCoordinatorResponse {
  const none = { throttleTimeMs: 0, nodeId: -1, host: '', port: -1 };
  if (req.keyType !== 0)
    return {
      ...none,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: `unknown coordinator key type ${req.keyType}`,
    };
  if (req.key === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'empty group id' };
  const node = locate(gc.partitionFor(req.key));
  if (!node)
    return {
      ...none,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: "no leader for the group's offsets partition",
    };
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, ...node };
}

export async function joinGroup(
  gc: GroupCoordinator,
  req: JoinGroupRequest,
  version: number,
  client: ClientInfo,
): Promise<JoinGroupResponse> {
  const unavailable = gc.unavailable(req.groupId);
  if (unavailable)
    return {
      throttleTimeMs: 0,
      errorCode: unavailable,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: req.memberId,
      members: [],
    };
  return { throttleTimeMs: 0, ...(await gc.joinGroup(req, version, client)) };
}

export async function syncGroup(gc: GroupCoordinator, req: SyncGroupRequest): Promise<SyncGroupResponse> {
  const unavailable = gc.unavailable(req.groupId);
  if (unavailable) return { throttleTimeMs: 0, errorCode: unavailable, assignment: Buffer.alloc(0) };
  return { throttleTimeMs: 0, ...(await gc.syncGroup(req)) };
}

export function heartbeat(gc: GroupCoordinator, req: HeartbeatRequest): HeartbeatResponse {
  return { throttleTimeMs: 0, errorCode: gc.unavailable(req.groupId) || gc.heartbeat(req) };
}

export function leaveGroup(gc: GroupCoordinator, req: LeaveGroupRequest): LeaveGroupResponse {
  const unavailable = gc.unavailable(req.groupId);
  if (unavailable)
    return {
      throttleTimeMs: 0,
      errorCode: unavailable,
      members: req.members.map((m) => ({ ...m, errorCode: unavailable })),
    };
  return { throttleTimeMs: 0, ...gc.leaveGroup(req) };
}

export async function offsetCommit(gc: GroupCoordinator, req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
  const unavailable = gc.unavailable(req.groupId);
  if (unavailable) {
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: unavailable })),
    }));
    return { throttleTimeMs: 0, topics };
  }
  return { throttleTimeMs: 0, ...(await gc.commitOffsets(req)) };
}

export function offsetFetch(gc: GroupCoordinator, req: OffsetFetchRequest, version: number): OffsetFetchResponse {
  if (req.groups) {
    // v8+: one answer per group; v9 members of consumer groups are checked (epoch, member id).
    const groups = req.groups.map((g) => {
      let errorCode = gc.unavailable(g.groupId);
      if (!errorCode && g.memberId !== null && g.memberId !== '')
        errorCode = gc.consumer?.validateMember(g.groupId, g.memberId, g.memberEpoch) ?? ErrorCode.NONE;
      if (errorCode) return { groupId: g.groupId, topics: [], errorCode };
      const r = gc.fetchOffsets({ groupId: g.groupId, topics: g.topics, requireStable: req.requireStable });
      return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode };
    });
    return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups };
  }
  const code = gc.unavailable(req.groupId);
  if (code) {
    // v1 has no top-level error code: the error goes on every partition.
    const topics = (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({
        partitionIndex: p,
        committedOffset: -1,
        committedLeaderEpoch: -1,
        metadata: '',
        errorCode: code,
      })),
    }));
    return { throttleTimeMs: 0, topics, errorCode: version >= 2 ? code : ErrorCode.NONE };
  }
  return { throttleTimeMs: 0, ...gc.fetchOffsets(req) };
}

/**
 * DescribeGroups describes classic groups only. An unknown group, and a group of another type (a
 * KIP-848 consumer group, or a share group: `isOtherType`), is Dead with no members, as Kafka 4
 * answers: with no error before v6, with GROUP_ID_NOT_FOUND and Kafka's message from v6 (KIP-1043).
 */
export function describeGroups(
  gc: GroupCoordinator,
  req: DescribeGroupsRequest,
  version = 0,
  isOtherType: (groupId: string) => boolean = () => false,
): DescribeGroupsResponse {
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => {
      const unavailable = gc.unavailable(groupId);
      if (unavailable)
        return { errorCode: unavailable, groupId, groupState: '', protocolType: '', protocolData: '', members: [] };
      const d = gc.describeGroup(groupId);
      if (version < 6 || d.groupState !== 'Dead') return d;
      const other = gc.consumer?.group(groupId) !== undefined || isOtherType(groupId);
      return {
        ...d,
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: other ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`,
      };
    }),
  };
}

export function listGroups(gc: GroupCoordinator, req: ListGroupsRequest = {}): ListGroupsResponse {
  if (gc.loading) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groups: [] };
  // Filters compare case-insensitively, as Kafka's; an empty filter matches everything.
  const states = new Set((req.statesFilter ?? []).map((x) => x.toLowerCase()));
  const types = new Set((req.typesFilter ?? []).map((x) => x.toLowerCase()));
  const groups = gc
    .listGroups()
    .filter((g) => states.size === 0 || states.has(g.groupState.toLowerCase()))
    .filter((g) => types.size === 0 || types.has(g.groupType.toLowerCase()));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
}

export async function consumerGroupHeartbeat(
  gc: GroupCoordinator,
  req: ConsumerGroupHeartbeatRequest,
  client: ClientInfo,
): Promise<ConsumerGroupHeartbeatResponse> {
  const none = { errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
  if (!gc.consumer) return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION, ...none };
  const unavailable = gc.unavailable(req.groupId);
  if (unavailable) return { throttleTimeMs: 0, errorCode: unavailable, ...none };
  return { throttleTimeMs: 0, ...(await gc.consumer.heartbeat(req, client)) };
}

/** A ConsumerGroupDescribe entry for a group that cannot be described (error, no state). */
export function undescribedConsumerGroup(
  groupId: string,
  errorCode: number,
): ConsumerGroupDescribeResponse['groups'][number] {
  return {
    errorCode,
    errorMessage: null,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: -2147483648,
  };
}

export function consumerGroupDescribe(
  gc: GroupCoordinator,
  req: ConsumerGroupDescribeRequest,
): ConsumerGroupDescribeResponse {
  return {
    throttleTimeMs: 0,
    groups: req.groupIds.map((groupId) => {
      const unavailable = gc.unavailable(groupId);
      if (unavailable || !gc.consumer)
        return undescribedConsumerGroup(groupId, unavailable || ErrorCode.GROUP_ID_NOT_FOUND);
      const d = gc.consumer.describe(groupId);
      // A classic group's id: Kafka says so in the message.
      if (d.errorCode === ErrorCode.GROUP_ID_NOT_FOUND && gc.groupState(groupId) !== undefined)
        d.errorMessage = `Group ${groupId} is not a consumer group.`;
      return d;
    }),
  };
}

export async function deleteGroups(gc: GroupCoordinator, req: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
  const results = [];
  for (const groupId of req.groupsNames) {
    results.push({ groupId, errorCode: gc.unavailable(groupId) || (await gc.deleteGroup(groupId)) });
  }
  return { throttleTimeMs: 0, results };
}
