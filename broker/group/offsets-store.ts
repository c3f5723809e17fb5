// GroupStore over the broker's log: the group coordinator's records go into the internal compacted
// topic `__consumer_offsets` as ordinary record batches (built with protocol/record-batch), through
// the same append path as producer batches, and are read back partition by partition at startup.
import { buildRecordBatch, ControlType, decodeBatches, lastOffsetOf } from '../../protocol/record-batch/index.js';
import { CONSUMER_OFFSETS_TOPIC, errorName } from '../../protocol/index.js';
import { ErrorCode } from '../../protocol/index.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { GroupStore, StoredRecord } from './coordinator.js';

const READ_CHUNK_BYTES = 1 << 20;
/** offsets.commit.timeout.ms (Kafka's default): how long a transactional offset commit waits for the ISR. */
const OFFSET_COMMIT_TIMEOUT_MS = 5000;

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
    this.appendBatch(partition, buildRecordBatch(records.map((r) => ({ key: r.key, value: r.value }))));
  }

  /**
   * One transactional batch of the producer (no sequence: the coordinator, not the client, writes
   * it). `onAppended` runs once the batch is in this leader's log; the promise resolves once the
   * in-sync replicas have it too (Kafka's coordinator writes offsets with acks=all): a TxnOffsetCommit
   * answered before that would be lost with this leader's SIGKILL, and its transaction would commit
   * without its offsets, so the group would consume those records again (a duplicate of exactly-once).
   */
  async appendTransactional(
    partition: number,
    records: StoredRecord[],
    producer: { producerId: number; producerEpoch: number },
    onAppended: () => void,
  ): Promise<void> {
    const requiredOffset = this.appendBatch(
      partition,
      buildRecordBatch(
        records.map((r) => ({ key: r.key, value: r.value })),
        { producerId: producer.producerId, producerEpoch: producer.producerEpoch, transactional: true },
      ),
    );
    onAppended();
    const target = { topic: this.topic, partition, requiredOffset };
    const late = await this.replicas.awaitHighWatermark([target], OFFSET_COMMIT_TIMEOUT_MS);
    if (late && late.size > 0)
      throw new Error(`${this.topic}-${partition}: not replicated within ${OFFSET_COMMIT_TIMEOUT_MS} ms`);
    if (!this.replicas.leads(this.topic, partition))
      throw new Error(`${this.topic}-${partition}: no longer led here before the commit was replicated`);
  }

  /** Appends to this leader's log; returns the offset the high watermark must pass for the batch. */
  private appendBatch(partition: number, batch: Buffer): number {
    const out = this.replicas.appendRecords(this.topic, partition, batch, -1);
    if (out.errorCode !== 0) {
      throw new Error(
        `append to ${this.topic}-${partition} failed: ${errorName(out.errorCode)}${out.message ? ` (${out.message})` : ''}`,
      );
    }
    return out.requiredOffset;
  }

  /**
   * Every record of one partition in log order (empty when this broker has no replica of it).
   * Records of transactional batches count from their COMMIT marker on and are dropped at their
   * ABORT marker; those of transactions still open at the end go to `pending` (producer id ->
   * records) when given.
   */
  readAll(partition: number, pending?: Map<number, StoredRecord[]>): StoredRecord[] {
    const replica = this.replicas.replica(this.topic, partition);
    if (!replica) return [];
    const out: StoredRecord[] = [];
    const open = new Map<number, StoredRecord[]>();
    const end = replica.log.logEndOffset();
    let offset = replica.log.logStartOffset();
    while (offset < end) {
      const { records } = replica.log.read(offset, READ_CHUNK_BYTES, end, true);
      if (records.length === 0) break;
      let next = offset;
      for (const chunk of records) {
        for (const b of decodeBatches(chunk)) {
          next = Math.max(next, lastOffsetOf(b.header) + 1);
          if (b.control) {
            const txn = open.get(b.header.producerId);
            open.delete(b.header.producerId);
            const key = b.records[0]?.key;
            if (txn && key && key.length >= 4 && key.readInt16BE(2) === ControlType.COMMIT) out.push(...txn);
            continue;
          }
          let into = out;
          if (b.transactional && b.header.producerId >= 0) {
            into = open.get(b.header.producerId) ?? [];
            open.set(b.header.producerId, into);
          }
          for (const r of b.records) if (r.offset >= offset && r.key) into.push({ key: r.key, value: r.value });
        }
      }
      if (next <= offset) break;
      offset = next;
    }
    if (pending) for (const [producerId, records] of open) pending.set(producerId, records);
    return out;
  }
}
