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
      errorMessage: 'transactions are not supported by this broker',
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

export function describeGroups(gc: GroupCoordinator, req: DescribeGroupsRequest): DescribeGroupsResponse {
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => {
      const unavailable = gc.unavailable(groupId);
      return unavailable
        ? { errorCode: unavailable, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }
        : gc.describeGroup(groupId);
    }),
  };
}

export function listGroups(gc: GroupCoordinator): ListGroupsResponse {
  if (gc.loading) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groups: [] };
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: gc.listGroups() };
}

export async function deleteGroups(gc: GroupCoordinator, req: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
  const results = [];
  for (const groupId of req.groupsNames) {
    results.push({ groupId, errorCode: gc.unavailable(groupId) || (await gc.deleteGroup(groupId)) });
  }
  return { throttleTimeMs: 0, results };
}
