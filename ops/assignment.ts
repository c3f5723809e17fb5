// Consumer-protocol assignments inside group metadata, decoded with the exporter client's decoder.
import { decodeConsumerAssignment } from '../exporter/client/kafkajs-internals.js';

export function decodeAssignmentSafe(buf: Buffer): { topic: string; partitions: number[] }[] {
  try {
    return decodeConsumerAssignment(buf);
  } catch {
    return [];
  }
}
