// The consumer "embedded protocol" carried as opaque bytes inside JoinGroup (a member's
// subscription, per assignor) and SyncGroup (a member's assignment) of classic groups with protocol
// type "consumer" (Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment, non-flexible):
//
//   Subscription v0-3 => version INT16 [topics STRING] user_data NULLABLE_BYTES
//                        v1+: [owned_partitions => topic STRING [partitions INT32]]
//                        v2+: generation_id INT32      v3+: rack_id NULLABLE_STRING
//   Assignment   v0-3 => version INT16 [assigned_partitions => topic STRING [partitions INT32]]
//                        user_data NULLABLE_BYTES
//
// The broker reads them only to move a classic group to the consumer protocol and back (KIP-848
// online migration): it needs each member's topics, what it owns, and to hand it an assignment.
// Newer versions only append fields, so a decoder reads the fields it knows and ignores the rest.
import { ProtocolReader } from './primitives/reader.js';
import { ProtocolWriter } from './primitives/writer.js';

export interface TopicPartitionsByName {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitionsByName[];
  generationId: number;
  rackId: string | null;
}

export interface ConsumerProtocolAssignment {
  version: number;
  assignedPartitions: TopicPartitionsByName[];
  userData: Buffer | null;
}

const readTps = (r: ProtocolReader): TopicPartitionsByName[] =>
  r.array((x) => ({ topic: x.string(), partitions: x.array((y) => y.int32()) }));

/** Decodes a member's subscription; throws ProtocolDecodeError when malformed. */
export function decodeConsumerSubscription(buf: Buffer): ConsumerProtocolSubscription {
  const r = new ProtocolReader(buf);
  const version = r.int16();
  const topics = r.array((x) => x.string());
  const userData = r.nullableBytes();
  const ownedPartitions = version >= 1 ? readTps(r) : [];
  const generationId = version >= 2 ? r.int32() : -1;
  const rackId = version >= 3 ? r.nullableString() : null;
  return { version, topics, userData, ownedPartitions, generationId, rackId };
}

/** Decodes a member's assignment; an empty buffer (no assignment yet) is an empty assignment. */
export function decodeConsumerAssignment(buf: Buffer): ConsumerProtocolAssignment {
  if (buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const r = new ProtocolReader(buf);
  const version = r.int16();
  const assignedPartitions = readTps(r);
  const userData = r.remaining > 0 ? r.nullableBytes() : null;
  return { version, assignedPartitions, userData };
}

/** Encodes an assignment (version 3 as Kafka 4 writes it; the layout is the same since v0). */
export function encodeConsumerAssignment(assigned: TopicPartitionsByName[], userData: Buffer | null = null): Buffer {
  const w = new ProtocolWriter(64).int16(3);
  w.array(assigned, (x, t) => {
    x.string(t.topic).array(t.partitions, (y, p) => y.int32(p));
  });
  w.nullableBytes(userData);
  return Buffer.from(w.toBuffer());
}

/** Encodes a subscription (tests and tools; members write their own). */
export function encodeConsumerSubscription(s: Partial<ConsumerProtocolSubscription> & { topics: string[] }): Buffer {
  const version = s.version ?? 1;
  const w = new ProtocolWriter(64).int16(version);
  w.array(s.topics, (x, t) => x.string(t));
  w.nullableBytes(s.userData ?? null);
  if (version >= 1)
    w.array(s.ownedPartitions ?? [], (x, t) => {
      x.string(t.topic).array(t.partitions, (y, p) => y.int32(p));
    });
  if (version >= 2) w.int32(s.generationId ?? -1);
  if (version >= 3) w.nullableString(s.rackId ?? null);
  return Buffer.from(w.toBuffer());
}
