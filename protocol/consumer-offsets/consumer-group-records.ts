// The KIP-848 consumer-group records of `__consumer_offsets`, as Kafka 4's group coordinator writes
// them (message definitions ConsumerGroup*Key/Value). Keys are non-flexible: int16 record type
// (= key version) then the fields; values are int16 version 0 then flexible fields (compact
// strings/arrays, tagged fields). A null value is a tombstone.
//
//   3 ConsumerGroupMetadataKey => group        value v0 => epoch INT32 (the group epoch)
//   4 ConsumerGroupPartitionMetadataKey => group  (subscription metadata; read and ignored)
//   5 ConsumerGroupMemberMetadataKey => group member_id
//       value v0 => instance_id NULLABLE rack_id NULLABLE client_id client_host
//         [subscribed_topic_names] subscribed_topic_regex NULLABLE rebalance_timeout_ms INT32
//         server_assignor NULLABLE
//         tag 0: classic_member_metadata NULLABLE => session_timeout_ms INT32
//                [supported_protocols => name STRING metadata BYTES] (members still on the classic
//                protocol inside a consumer group: KIP-848 online migration)
//   6 ConsumerGroupTargetAssignmentMetadataKey => group    value v0 => assignment_epoch INT32
//   7 ConsumerGroupTargetAssignmentMemberKey => group member_id
//       value v0 => [topic_partitions => topic_id UUID [partitions INT32]]
//   8 ConsumerGroupCurrentMemberAssignmentKey => group member_id
//       value v0 => member_epoch INT32 previous_member_epoch INT32 state INT8
//         [assigned_partitions] [partitions_pending_revocation] (topic_id UUID [partitions INT32])
//   state: 0 STABLE, 1 UNREVOKED_PARTITIONS, 2 UNRELEASED_PARTITIONS, 127 UNKNOWN.
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { ProtocolDecodeError } from '../primitives/errors.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';

export const ConsumerGroupRecordType = {
  GroupMetadata: 3,
  PartitionMetadata: 4,
  MemberMetadata: 5,
  TargetAssignmentMetadata: 6,
  TargetAssignmentMember: 7,
  CurrentMemberAssignment: 8,
} as const;

export interface ConsumerGroupRecordKey {
  type: number;
  group: string;
  /** Types 5, 7 and 8; '' for the others. */
  memberId: string;
}

export interface StoredTopicPartitions {
  topicId: string;
  partitions: number[];
}

export interface ConsumerGroupMemberMetadata {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
  /** Set for a member that joined with JoinGroup (classic protocol) and is kept in a consumer group. */
  classicMemberMetadata?: ClassicMemberMetadata | null;
}

export interface ClassicMemberMetadata {
  sessionTimeoutMs: number;
  supportedProtocols: { name: string; metadata: Buffer }[];
}

export interface ConsumerGroupCurrentAssignment {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  assigned: StoredTopicPartitions[];
  pendingRevocation: StoredTopicPartitions[];
}

const done = (w: ProtocolWriter) => Buffer.from(w.toBuffer());
const hasMember = (type: number) =>
  type === ConsumerGroupRecordType.MemberMetadata ||
  type === ConsumerGroupRecordType.TargetAssignmentMember ||
  type === ConsumerGroupRecordType.CurrentMemberAssignment;

/** True for a key whose record type is a KIP-848 consumer-group record (3-8). */
export function isConsumerGroupKey(buf: Buffer): boolean {
  if (buf.length < 2) return false;
  const t = buf.readInt16BE(0);
  return t >= 3 && t <= 8;
}

export function encodeConsumerGroupKey(type: number, group: string, memberId = ''): Buffer {
  const w = new ProtocolWriter(64).int16(type).string(group);
  if (hasMember(type)) w.string(memberId);
  return done(w);
}

export function decodeConsumerGroupKey(buf: Buffer): ConsumerGroupRecordKey {
  const r = new ProtocolReader(buf);
  const type = r.int16();
  if (type < 3 || type > 8) throw new ProtocolDecodeError(`not a consumer group record key (type ${type})`);
  const group = r.string();
  return { type, group, memberId: hasMember(type) ? r.string() : '' };
}

function valueReader(buf: Buffer): ProtocolReader {
  const r = new ProtocolReader(buf);
  const v = r.int16();
  if (v !== 0) throw new ProtocolDecodeError(`unknown consumer group record value version ${v}`);
  return r;
}

const writeTps = (w: ProtocolWriter, tps: StoredTopicPartitions[]) =>
  w.compactArray(tps, (x, t) => {
    x.uuid(uuidToBytes(t.topicId))
      .compactArray(t.partitions, (y, p) => y.int32(p))
      .taggedFields();
  });
const readTps = (r: ProtocolReader): StoredTopicPartitions[] =>
  r.compactArray((x) => {
    const t = { topicId: uuidFromBytes(x.uuid()), partitions: x.compactArray((y) => y.int32()) };
    x.taggedFields();
    return t;
  });

/** Values of types 3 (group epoch) and 6 (assignment epoch): one INT32. */
export function encodeEpochValue(epoch: number): Buffer {
  return done(new ProtocolWriter(16).int16(0).int32(epoch).taggedFields());
}
export function decodeEpochValue(buf: Buffer): number {
  const r = valueReader(buf);
  const epoch = r.int32();
  r.taggedFields();
  return epoch;
}

function encodeClassicMetadata(c: ClassicMemberMetadata): Buffer {
  const w = new ProtocolWriter(64).int32(c.sessionTimeoutMs).compactArray(c.supportedProtocols, (x, p) => {
    x.compactString(p.name).compactBytes(p.metadata).taggedFields();
  });
  return done(w.taggedFields());
}

function decodeClassicMetadata(buf: Buffer): ClassicMemberMetadata {
  const r = new ProtocolReader(buf);
  const sessionTimeoutMs = r.int32();
  const supportedProtocols = r.compactArray((x) => {
    const p = { name: x.compactString(), metadata: Buffer.from(x.compactBytes()) };
    x.taggedFields();
    return p;
  });
  r.taggedFields();
  return { sessionTimeoutMs, supportedProtocols };
}

export function encodeMemberMetadataValue(m: ConsumerGroupMemberMetadata): Buffer {
  const tags = new Map<number, Buffer>();
  if (m.classicMemberMetadata) tags.set(0, encodeClassicMetadata(m.classicMemberMetadata));
  return done(
    new ProtocolWriter(128)
      .int16(0)
      .compactNullableString(m.instanceId)
      .compactNullableString(m.rackId)
      .compactString(m.clientId)
      .compactString(m.clientHost)
      .compactArray(m.subscribedTopicNames, (x, s) => x.compactString(s))
      .compactNullableString(m.subscribedTopicRegex)
      .int32(m.rebalanceTimeoutMs)
      .compactNullableString(m.serverAssignor)
      .taggedFields(tags),
  );
}
export function decodeMemberMetadataValue(buf: Buffer): ConsumerGroupMemberMetadata {
  const r = valueReader(buf);
  const m = {
    instanceId: r.compactNullableString(),
    rackId: r.compactNullableString(),
    clientId: r.compactString(),
    clientHost: r.compactString(),
    subscribedTopicNames: r.compactArray((x) => x.compactString()),
    subscribedTopicRegex: r.compactNullableString(),
    rebalanceTimeoutMs: r.int32(),
    serverAssignor: r.compactNullableString(),
    classicMemberMetadata: null as ClassicMemberMetadata | null,
  };
  const classic = r.taggedFields().get(0);
  if (classic) m.classicMemberMetadata = decodeClassicMetadata(classic);
  return m;
}

export function encodeTargetAssignmentMemberValue(tps: StoredTopicPartitions[]): Buffer {
  const w = new ProtocolWriter(64).int16(0);
  writeTps(w, tps);
  return done(w.taggedFields());
}
export function decodeTargetAssignmentMemberValue(buf: Buffer): StoredTopicPartitions[] {
  const r = valueReader(buf);
  const tps = readTps(r);
  r.taggedFields();
  return tps;
}

export function encodeCurrentAssignmentValue(a: ConsumerGroupCurrentAssignment): Buffer {
  const w = new ProtocolWriter(64).int16(0).int32(a.memberEpoch).int32(a.previousMemberEpoch).int8(a.state);
  writeTps(w, a.assigned);
  writeTps(w, a.pendingRevocation);
  return done(w.taggedFields());
}
export function decodeCurrentAssignmentValue(buf: Buffer): ConsumerGroupCurrentAssignment {
  const r = valueReader(buf);
  const memberEpoch = r.int32();
  const previousMemberEpoch = r.int32();
  const state = r.int8();
  const assigned = readTps(r);
  const pendingRevocation = readTps(r);
  r.taggedFields();
  return { memberEpoch, previousMemberEpoch, state, assigned, pendingRevocation };
}
