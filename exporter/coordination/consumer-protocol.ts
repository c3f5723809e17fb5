// The coordination group speaks the standard "consumer" protocol type (KIP-62 subscription and
// assignment), so Kafka's own tools and `kafka-sre groups describe` show which replica holds which
// coordination-topic partitions. The subscription is version 2 (layout in
// protocol/consumer-protocol.ts): its owned_partitions (v1+) and generation_id (v2+) tell the
// leader what each replica holds now, for the sticky deal (shard.ts). The assignment is version 0:
//   Assignment   => version:int16 [topic:string [partition:int32]] user_data:bytes
import { ProtocolWriter, decodeConsumerSubscription, encodeConsumerSubscription } from '../../protocol/index.js';
import { decodeConsumerAssignment } from '../../kafka-client/index.js';

const SUBSCRIPTION_VERSION = 2;

/** A replica's subscription: the coordination topic, and the partitions it holds with their generation. */
export function encodeSubscription(topic: string, owned: readonly number[], generation: number): Buffer {
  return encodeConsumerSubscription({
    version: SUBSCRIPTION_VERSION,
    topics: [topic],
    userData: Buffer.alloc(0),
    ownedPartitions: owned.length > 0 ? [{ topic, partitions: [...owned] }] : [],
    generationId: generation,
  });
}

/**
 * What a member says it holds. A version 0 subscription (a replica of an older release during a
 * rolling upgrade) or one that does not parse claims nothing: the leader deals to it as to a new
 * replica.
 */
export function claimedPartitions(metadata: Buffer, topic: string): { owned: number[]; generation: number } {
  try {
    const s = decodeConsumerSubscription(metadata);
    return {
      owned: s.ownedPartitions.filter((t) => t.topic === topic).flatMap((t) => t.partitions),
      generation: s.generationId,
    };
  } catch {
    return { owned: [], generation: -1 };
  }
}

export function encodeAssignment(topic: string, partitions: readonly number[]): Buffer {
  return new ProtocolWriter()
    .int16(0)
    .array([topic], (w, t) => {
      w.string(t);
      w.array(partitions, (pw, p) => pw.int32(p));
    })
    .bytes(Buffer.alloc(0))
    .toBuffer();
}

/** Partitions of `topic` in an assignment (empty for an empty or foreign assignment). */
export function assignedPartitions(assignment: Buffer, topic: string): number[] {
  return (decodeConsumerAssignment(assignment).find((a) => a.topic === topic)?.partitions ?? []).sort((a, b) => a - b);
}
