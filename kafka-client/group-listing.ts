// Groups by type: ListGroups v5 (group type and state per group) where the broker's ApiVersions
// offers it, else kafkajs's classic listing; KIP-848 consumer-protocol groups described with
// ConsumerGroupDescribe (API 69: member epochs, assignment and target assignment, assignor, group
// epoch, state). Classic groups keep DescribeGroups (cluster-client.ts): a consumer-protocol group
// described that way shows as Dead with no members (Kafka 4 for DescribeGroups below v6), which is
// the hole this module closes.
import {
  consumerGroupDescribeCodec,
  type DescribedTopicPartitions,
  ErrorCode,
  errorName,
  listGroupsCodec,
  shareGroupDescribeCodec,
} from '../protocol/index.js';
import { groupTypes, type GroupMember, type GroupState, type GroupType } from './model.js';
import type { KjsBroker } from './kafkajs-internals.js';
import { callApi, negotiateVersion } from './protocol-apis.js';

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  type: GroupType;
  /** The group's state as listed (ListGroups v4+); undefined from an older listing. */
  state?: string;
}

/** What a broker's ApiVersions lets this client see of its groups. */
export interface GroupVisibility {
  /** ListGroups v5: group types. Without it every group is taken as classic. */
  typed: boolean;
  /** ConsumerGroupDescribe (API 69): members and epochs of consumer-protocol groups. */
  consumerDescribe: boolean;
  /** ShareGroupDescribe (API 77, KIP-932): members, epochs and assignor of share groups. */
  shareDescribe: boolean;
}

export function groupVisibility(broker: Pick<KjsBroker, 'versions'>): GroupVisibility {
  const listVersion = negotiateVersion(listGroupsCodec, broker.versions?.[String(listGroupsCodec.apiKey)]);
  return {
    typed: listVersion !== undefined && listVersion >= 5,
    consumerDescribe:
      negotiateVersion(consumerGroupDescribeCodec, broker.versions?.[String(consumerGroupDescribeCodec.apiKey)]) !==
      undefined,
    shareDescribe:
      negotiateVersion(shareGroupDescribeCodec, broker.versions?.[String(shareGroupDescribeCodec.apiKey)]) !==
      undefined,
  };
}

/** Kafka names types "classic", "consumer", "share", "streams" (its Admin parses them case-insensitively). */
function parseType(raw: string | undefined): GroupType | undefined {
  const t = (raw ?? '').toLowerCase();
  return (groupTypes as readonly string[]).includes(t) ? (t as GroupType) : undefined;
}

/**
 * The groups one broker coordinates. With ListGroups v5 each group carries its type and state; a
 * type this client does not know (a newer Kafka's) is left out: it could not be described correctly.
 */
export async function listGroupsOn(broker: KjsBroker, visibility: GroupVisibility): Promise<ListedGroup[]> {
  if (!visibility.typed) {
    const res = await broker.listGroups();
    return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, type: 'classic' }));
  }
  const { response } = await callApi(broker, listGroupsCodec, {});
  if (response.errorCode !== 0)
    throw new Error(`ListGroups on broker ${broker.nodeId}: ${errorName(response.errorCode)}`);
  const out: ListedGroup[] = [];
  for (const g of response.groups) {
    const type = parseType(g.groupType);
    if (type) out.push({ groupId: g.groupId, protocolType: g.protocolType, type, state: g.groupState });
  }
  return out;
}

const toAssignments = (a: readonly DescribedTopicPartitions[]) =>
  a.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((x, y) => x - y) }));

/**
 * ConsumerGroupDescribe of consumer-protocol groups on their coordinator. Returns the described
 * groups (offsets not yet read) and the ids the broker would not describe (GROUP_ID_NOT_FOUND:
 * gone, or converted back to classic since it was listed), which the caller describes as classic.
 */
export async function describeConsumerGroups(
  broker: KjsBroker,
  listed: readonly ListedGroup[],
): Promise<{ described: GroupState[]; notDescribed: ListedGroup[] }> {
  const { response } = await callApi(broker, consumerGroupDescribeCodec, {
    groupIds: listed.map((g) => g.groupId),
    includeAuthorizedOperations: false,
  });
  const byId = new Map(listed.map((g) => [g.groupId, g]));
  const described: GroupState[] = [];
  const seen = new Set<string>();
  for (const g of response.groups) {
    const l = byId.get(g.groupId);
    if (!l) continue;
    // Only GROUP_ID_NOT_FOUND means "not a consumer-protocol group (any more)". Any other error
    // (coordinator loading or moved, authorization) keeps the group as listed: its committed offsets
    // and lag are still read, rather than the group vanishing for a cycle and its alerts resolving.
    if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) continue;
    seen.add(g.groupId);
    if (g.errorCode !== ErrorCode.NONE) {
      described.push(listedOnly(l, broker.nodeId));
      continue;
    }
    described.push(
      describedGroup('consumer', l, broker.nodeId, g, (m) => ({
        ...(m.instanceId !== null ? { instanceId: m.instanceId } : {}),
        targetAssignments: toAssignments(m.targetAssignment),
        ...(m.subscribedTopicRegex !== null ? { subscribedTopicRegex: m.subscribedTopicRegex } : {}),
      })),
    );
  }
  return { described, notDescribed: listed.filter((g) => !seen.has(g.groupId)) };
}

/**
 * ShareGroupDescribe of share groups on their coordinator (the broker that listed them): state,
 * assignor, epochs and members with their member epochs and assignments. A share group has no
 * committed offsets (its progress is the share-partition start offset, read with
 * DescribeShareGroupOffsets), so `offsets` stays empty. Groups the broker no longer knows
 * (GROUP_ID_NOT_FOUND: gone since the listing) are left out.
 */
export async function describeShareGroupsOn(broker: KjsBroker, listed: readonly ListedGroup[]): Promise<GroupState[]> {
  const { response } = await callApi(broker, shareGroupDescribeCodec, {
    groupIds: listed.map((g) => g.groupId),
    includeAuthorizedOperations: false,
  });
  const byId = new Map(listed.map((g) => [g.groupId, g]));
  const described: GroupState[] = [];
  for (const g of response.groups) {
    const l = byId.get(g.groupId);
    if (!l || g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) continue;
    // Other errors (coordinator moving, authorization): the group stays, as listed.
    described.push(
      g.errorCode === ErrorCode.NONE ? describedGroup('share', l, broker.nodeId, g) : listedOnly(l, broker.nodeId),
    );
  }
  return described;
}

/** What ConsumerGroupDescribe and ShareGroupDescribe both say of a group and its members. */
interface DescribedAnswer<M> {
  groupId: string;
  groupState: string;
  assignorName: string;
  groupEpoch: number;
  assignmentEpoch: number;
  members: readonly M[];
}
interface DescribedMemberAnswer {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  assignment: readonly DescribedTopicPartitions[];
  subscribedTopicNames: readonly string[];
}

/** A described group of either new protocol; `extra` adds what only one protocol's members carry. */
function describedGroup<M extends DescribedMemberAnswer>(
  type: 'consumer' | 'share',
  listed: ListedGroup,
  coordinator: number,
  g: DescribedAnswer<M>,
  extra: (m: M) => Partial<GroupMember> = () => ({}),
): GroupState {
  return {
    groupId: g.groupId,
    state: g.groupState,
    protocolType: listed.protocolType || type,
    type,
    coordinator,
    assignor: g.assignorName,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    described: true,
    members: g.members.map((m): GroupMember => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignments: toAssignments(m.assignment),
      memberEpoch: m.memberEpoch,
      subscribedTopics: [...m.subscribedTopicNames],
      ...extra(m),
    })),
    offsets: [],
  };
}

/** A group this client lists but cannot describe: state from the listing, members unknown. */
export function listedOnly(g: ListedGroup, coordinator: number): GroupState {
  return {
    groupId: g.groupId,
    state: g.state ?? 'Unknown',
    protocolType: g.protocolType,
    type: g.type,
    coordinator,
    assignor: '',
    described: false,
    members: [],
    offsets: [],
  };
}
