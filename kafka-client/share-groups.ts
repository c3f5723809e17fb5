// KIP-932 share groups through the project's protocol/ codecs: ShareGroupDescribe (members,
// epochs, assignments) and DescribeShareGroupOffsets (the share-partition start offset, SPSO, of
// each partition, and the lag where the broker reports it), each asked of the group's coordinator
// (FindCoordinator). Plain typed results: the exporter computes
// kafka_sharegroup_lag{sharegroup,topic,partition} = partition end offset - SPSO from them. A
// cluster without these APIs (Kafka before 4.1) gives an UnsupportedApiError.
import {
  ErrorCode,
  errorName,
  describeShareGroupOffsetsCodec,
  findCoordinatorCodec,
  shareGroupDescribeCodec,
} from '../protocol/index.js';
import type { ClusterClient } from './cluster-client.js';

export interface ShareGroupMemberInfo {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  subscribedTopics: string[];
  assignment: { topic: string; partitions: number[] }[];
}
export interface ShareGroupInfo {
  groupId: string;
  /** Empty, Stable, Dead (unknown group); Unknown when the describe failed (see error). */
  state: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignor: string;
  coordinator: number;
  members: ShareGroupMemberInfo[];
  /** Set when the group could not be described (its Kafka error name). */
  error?: string;
}
export interface ShareGroupPartitionOffset {
  topic: string;
  partition: number;
  /** Share-partition start offset; undefined when the group has no state for the partition yet. */
  startOffset?: number;
  /** Records past the start offset not yet acknowledged, when the broker reports it (v1). */
  lag?: number;
  leaderEpoch: number;
  error?: string;
}

const RETRIABLE = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

/** The node id of a group's coordinator (FindCoordinator on any broker). */
export async function shareGroupCoordinator(client: ClusterClient, groupId: string): Promise<number> {
  const { brokers } = await client.describeCluster();
  if (brokers.length === 0) throw new Error('no brokers');
  const res = await client.request(brokers[0].id, findCoordinatorCodec, { key: groupId, keyType: 0 });
  if (res.errorCode !== ErrorCode.NONE) throw new Error(`FindCoordinator for ${groupId}: ${errorName(res.errorCode)}`);
  return res.nodeId;
}

/** Asks the coordinator; once more after a fresh lookup when it answers that it moved or is loading. */
async function onCoordinator<T>(
  client: ClusterClient,
  groupId: string,
  ask: (coordinator: number) => Promise<T>,
  errorOf: (res: T) => number,
  known?: number,
): Promise<{ coordinator: number; res: T }> {
  let coordinator = known ?? (await shareGroupCoordinator(client, groupId));
  let res = await ask(coordinator);
  if (RETRIABLE.has(errorOf(res))) {
    await new Promise((r) => setTimeout(r, 200));
    coordinator = await shareGroupCoordinator(client, groupId);
    res = await ask(coordinator);
  }
  return { coordinator, res };
}

/** ShareGroupDescribe of each group at its coordinator. */
export async function describeShareGroups(
  client: ClusterClient,
  groupIds: readonly string[],
): Promise<ShareGroupInfo[]> {
  const out: ShareGroupInfo[] = [];
  for (const groupId of groupIds) {
    const { coordinator, res } = await onCoordinator(
      client,
      groupId,
      (c) => client.request(c, shareGroupDescribeCodec, { groupIds: [groupId], includeAuthorizedOperations: false }),
      (r) => r.groups[0]?.errorCode ?? ErrorCode.NONE,
    );
    const g = res.groups[0];
    out.push({
      groupId,
      // An error answer (authorization, coordinator moving) says nothing about the group's state.
      state: g && g.errorCode !== ErrorCode.NONE ? 'Unknown' : g?.groupState || 'Dead',
      groupEpoch: g?.groupEpoch ?? 0,
      assignmentEpoch: g?.assignmentEpoch ?? 0,
      assignor: g?.assignorName ?? '',
      coordinator,
      members: (g?.members ?? []).map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberEpoch: m.memberEpoch,
        subscribedTopics: [...m.subscribedTopicNames],
        assignment: m.assignment.map((t) => ({ topic: t.topicName, partitions: [...t.partitions] })),
      })),
      ...(g && g.errorCode !== ErrorCode.NONE ? { error: errorName(g.errorCode) } : {}),
    });
  }
  return out;
}

/**
 * DescribeShareGroupOffsets of one group: every share-partition it has (topics omitted) or the
 * partitions given. Throws when the group cannot be described (unknown group, coordinator error).
 * `coordinator`, when the caller knows it (the broker whose ListGroups listed the group), saves the
 * FindCoordinator lookup; a moved coordinator is still looked up again.
 */
export async function describeShareGroupOffsets(
  client: ClusterClient,
  groupId: string,
  topics?: readonly { topic: string; partitions: number[] }[],
  coordinator?: number,
): Promise<ShareGroupPartitionOffset[]> {
  const req = {
    groups: [
      {
        groupId,
        topics: topics ? topics.map((t) => ({ topicName: t.topic, partitions: [...t.partitions] })) : null,
      },
    ],
  };
  const { res } = await onCoordinator(
    client,
    groupId,
    async (c) => (await client.call(c, describeShareGroupOffsetsCodec, req)).response,
    (r) => r.groups[0]?.errorCode ?? ErrorCode.NONE,
    coordinator,
  );
  const g = res.groups[0];
  if (!g) throw new Error(`DescribeShareGroupOffsets for ${groupId}: empty answer`);
  if (g.errorCode !== ErrorCode.NONE)
    throw new Error(
      `DescribeShareGroupOffsets for ${groupId}: ${errorName(g.errorCode)}${g.errorMessage ? ` (${g.errorMessage})` : ''}`,
    );
  return g.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.topicName,
      partition: p.partitionIndex,
      leaderEpoch: p.leaderEpoch,
      ...(p.startOffset >= 0 ? { startOffset: p.startOffset } : {}),
      ...(p.lag >= 0 ? { lag: p.lag } : {}),
      ...(p.errorCode !== ErrorCode.NONE ? { error: errorName(p.errorCode) } : {}),
    })),
  );
}
