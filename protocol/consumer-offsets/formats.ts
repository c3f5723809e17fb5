// Binary key/value formats of records in the internal `__consumer_offsets` topic, as Kafka's group
// coordinator writes them (message definitions OffsetCommitKey/Value, GroupMetadataKey/Value) and as
// Burrow and kafka-console-consumer's offsets formatter read them.
//
// Key (first int16 is the key version, which also tells the record kind):
//   v0/v1 OffsetCommitKey    => group STRING, topic STRING, partition INT32
//   v2    GroupMetadataKey   => group STRING
// OffsetCommitValue (int16 version first):
//   v0 => offset INT64, metadata STRING, commit_timestamp INT64
//   v1 => offset INT64, metadata STRING, commit_timestamp INT64, expire_timestamp INT64
//   v2 => offset INT64, metadata STRING, commit_timestamp INT64
//   v3 => offset INT64, leader_epoch INT32, metadata STRING, commit_timestamp INT64
// GroupMetadataValue (int16 version first):
//   v0 => protocol_type STRING, generation INT32, protocol NULLABLE_STRING, leader NULLABLE_STRING, [members]
//   v2+ adds current_state_timestamp INT64 after leader
//   members v0 => member_id client_id client_host session_timeout subscription assignment
//   v1+ adds rebalance_timeout INT32 before session_timeout; v3 adds group_instance_id
//   (NULLABLE_STRING) after member_id. subscription and assignment are BYTES.
// A null value (tombstone) deletes the commit or the group.
//
// We write offset key v1 with value v1 (expire -1) or v3 (when a leader epoch is known), and
// group key v2 with value v1: Burrow 1.2 reads value v1 and skips v2/v3 with a warning.
import { ProtocolReader } from '../primitives/reader.js';
import { ProtocolWriter } from '../primitives/writer.js';
import { ProtocolDecodeError } from '../primitives/errors.js';

export interface OffsetCommitKey {
  kind: 'offset';
  version: number;
  group: string;
  topic: string;
  partition: number;
}
export interface GroupMetadataKey {
  kind: 'group';
  version: number;
  group: string;
}
export type ConsumerOffsetsKey = OffsetCommitKey | GroupMetadataKey;

export interface OffsetCommitValue {
  version: number;
  offset: number;
  /** -1 when the value version has no leader epoch. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** -1 when absent (v0, v2, v3) or unset. */
  expireTimestamp: number;
}

export interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}
export interface GroupMetadataValue {
  version: number;
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1 when the value version has none (v0, v1). */
  currentStateTimestamp: number;
  members: GroupMetadataMember[];
}

function done(w: ProtocolWriter): Buffer {
  return Buffer.from(w.toBuffer());
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number, version = 1): Buffer {
  return done(new ProtocolWriter(64).int16(version).string(group).string(topic).int32(partition));
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return done(new ProtocolWriter(32).int16(2).string(group));
}

export function decodeKey(buf: Buffer): ConsumerOffsetsKey {
  const r = new ProtocolReader(buf);
  const version = r.int16();
  if (version === 0 || version === 1)
    return { kind: 'offset', version, group: r.string(), topic: r.string(), partition: r.int32() };
  if (version === 2) return { kind: 'group', version, group: r.string() };
  throw new ProtocolDecodeError(`unknown __consumer_offsets key version ${version}`);
}

/** Value v1 (expire -1) without a leader epoch, v3 with one. */
export function encodeOffsetCommitValue(v: {
  offset: number;
  leaderEpoch?: number;
  metadata: string | null;
  commitTimestamp: number;
  expireTimestamp?: number;
}): Buffer {
  const w = new ProtocolWriter(64);
  const epoch = v.leaderEpoch ?? -1;
  if (epoch >= 0) {
    w.int16(3)
      .int64(v.offset)
      .int32(epoch)
      .string(v.metadata ?? '')
      .int64(v.commitTimestamp);
  } else {
    w.int16(1)
      .int64(v.offset)
      .string(v.metadata ?? '')
      .int64(v.commitTimestamp)
      .int64(v.expireTimestamp ?? -1);
  }
  return done(w);
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new ProtocolReader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) throw new ProtocolDecodeError(`unknown offset commit value version ${version}`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : -1;
  return { version, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

/** Group metadata value; we write v1 (what Burrow reads). v0-v3 are accepted for reading. */
export function encodeGroupMetadataValue(
  v: Omit<GroupMetadataValue, 'version' | 'currentStateTimestamp'>,
  version = 1,
): Buffer {
  if (version < 0 || version > 3) throw new RangeError(`group metadata value version ${version} is not 0-3`);
  const w = new ProtocolWriter(256);
  w.int16(version).string(v.protocolType).int32(v.generation).nullableString(v.protocol).nullableString(v.leader);
  if (version >= 2) w.int64(Date.now());
  w.array(v.members, (mw, m) => {
    mw.string(m.memberId);
    if (version >= 3) mw.nullableString(m.groupInstanceId);
    mw.string(m.clientId).string(m.clientHost);
    if (version >= 1) mw.int32(m.rebalanceTimeoutMs);
    mw.int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  });
  return done(w);
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new ProtocolReader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) throw new ProtocolDecodeError(`unknown group metadata value version ${version}`);
  const protocolType = r.string();
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestamp = version >= 2 ? r.int64() : -1;
  const members = r.array((m) => {
    const memberId = m.string();
    const groupInstanceId = version >= 3 ? m.nullableString() : null;
    const clientId = m.string();
    const clientHost = m.string();
    const rebalanceTimeoutMs = version >= 1 ? m.int32() : -1;
    const sessionTimeoutMs = m.int32();
    return {
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeoutMs,
      sessionTimeoutMs,
      subscription: Buffer.from(m.bytes()),
      assignment: Buffer.from(m.bytes()),
    };
  });
  return { version, protocolType, generation, protocol, leader, currentStateTimestamp, members };
}

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The `__consumer_offsets` partition of a group: Utils.abs(groupId.hashCode) % partitions. */
export function offsetsPartitionFor(groupId: string, numPartitions: number): number {
  const h = javaStringHashCode(groupId);
  const abs = h === -0x8000_0000 ? 0 : Math.abs(h);
  return abs % numPartitions;
}

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
