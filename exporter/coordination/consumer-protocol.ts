// The coordination group speaks the standard "consumer" protocol type (KIP-62 subscription and
// assignment, version 0), so Kafka's own tools and `kafka-sre groups describe` show which replica
// holds which coordination-topic partitions.
//   Subscription => version:int16 [topic:string] user_data:bytes
//   Assignment   => version:int16 [topic:string [partition:int32]] user_data:bytes
import { ProtocolWriter } from '../../protocol/index.js';
import { decodeConsumerAssignment } from '../../kafka-client/index.js';

export function encodeSubscription(topics: readonly string[]): Buffer {
  return new ProtocolWriter()
    .int16(0)
    .array(topics, (w, t) => w.string(t))
    .bytes(Buffer.alloc(0))
    .toBuffer();
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
