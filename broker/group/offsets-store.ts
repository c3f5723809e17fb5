// GroupStore over the broker's log: the group coordinator's records go into the internal compacted
// topic `__consumer_offsets` as ordinary record batches (built with protocol/record-batch), through
// the same append path as producer batches, and are read back partition by partition at startup.
import { buildRecordBatch, decodeBatches, lastOffsetOf } from '../../protocol/record-batch/index.js';
import { CONSUMER_OFFSETS_TOPIC, errorName } from '../../protocol/index.js';
import { ErrorCode } from '../../protocol/index.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { GroupStore, StoredRecord } from './coordinator.js';

const READ_CHUNK_BYTES = 1 << 20;

/**
 * Appends a group's records to its offsets partition (nothing to do without a store or records).
 * Both coordinators answer with the result: a failed append is Kafka's retriable
 * COORDINATOR_NOT_AVAILABLE.
 */
export async function persistGroupRecords(
  store: GroupStore | null,
  partition: number,
  records: StoredRecord[],
): Promise<number> {
  if (!store || records.length === 0) return ErrorCode.NONE;
  try {
    await store.append(partition, records);
    return ErrorCode.NONE;
  } catch {
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}

export class OffsetsTopicStore implements GroupStore {
  constructor(
    private readonly replicas: ReplicaManager,
    private readonly topic = CONSUMER_OFFSETS_TOPIC,
  ) {}

  async append(partition: number, records: StoredRecord[]): Promise<void> {
    const batch = buildRecordBatch(records.map((r) => ({ key: r.key, value: r.value })));
    const out = this.replicas.appendRecords(this.topic, partition, batch, -1);
    if (out.errorCode !== 0) {
      throw new Error(
        `append to ${this.topic}-${partition} failed: ${errorName(out.errorCode)}${out.message ? ` (${out.message})` : ''}`,
      );
    }
  }

  /** Every record of one partition in log order (empty when this broker has no replica of it). */
  readAll(partition: number): StoredRecord[] {
    const replica = this.replicas.replica(this.topic, partition);
    if (!replica) return [];
    const out: StoredRecord[] = [];
    const end = replica.log.logEndOffset();
    let offset = replica.log.logStartOffset();
    while (offset < end) {
      const { records } = replica.log.read(offset, READ_CHUNK_BYTES, end, true);
      if (records.length === 0) break;
      let next = offset;
      for (const chunk of records) {
        for (const b of decodeBatches(chunk)) {
          if (b.control) continue;
          for (const r of b.records) if (r.offset >= offset && r.key) out.push({ key: r.key, value: r.value });
          next = Math.max(next, lastOffsetOf(b.header) + 1);
        }
      }
      if (next <= offset) break;
      offset = next;
    }
    return out;
  }
}
