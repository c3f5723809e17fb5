// Consumer-protocol assignments inside group metadata, decoded with kafka-client's decoder.
import { decodeConsumerAssignment } from '../kafka-client/index.js';

export function decodeAssignmentSafe(buf: Buffer): { topic: string; partitions: number[] }[] {
  try {
    return decodeConsumerAssignment(buf);
  } catch {
    return [];
  }
}
