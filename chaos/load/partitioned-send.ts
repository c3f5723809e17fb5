// One kafkajs send() per partition, so an acknowledgement means what the data check assumes.
//
// kafkajs 2.2.4 can resolve producer.send() without having sent part of its messages: a send
// spanning several leaders keeps one response per broker across its retries, so when a partition's
// leader moves (broker killed) to a broker that already answered for other partitions of the same
// send, the retry skips that broker and the moved partition's records are never written
// (tulios/kafkajs issue #1303, PR #1798). The broker-kill drill's data check caught it as
// "acknowledged" records missing from every replica. With one partition per send there is one
// leader per send, and a retry always goes to the partition's current leader.
import { Partitioners, type Admin, type Message, type PartitionMetadata, type Producer } from 'kafkajs';

export interface PartitionedSendResult<M> {
  /** Messages of every partition whose send was acknowledged. */
  acked: M[];
  /** Partition sends that failed (their messages are not acknowledged). */
  failedSends: number;
}

/**
 * Called just before a partition's send; the function it returns is called when that send ends
 * (true: acknowledged). The data check's ack log is built from these (a send still in flight when
 * the load stops never ends: its outcome stays unknown).
 */
export type SendTracker<M> = (partition: number, messages: M[]) => (acked: boolean) => void;

export class PartitionedSender {
  private partitions: PartitionMetadata[] = [];
  private fetchedAt = 0;
  private refreshing: Promise<PartitionMetadata[]> | null = null;
  // The partitioner kafkajs itself would use (murmur2 for keys, round robin for null keys).
  private readonly partitioner = Partitioners.DefaultPartitioner();

  constructor(
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly refreshMs = 5000,
  ) {}

  /** Partition metadata, refreshed every refreshMs; a failed refresh keeps the previous one. */
  private async metadata(): Promise<PartitionMetadata[]> {
    if (this.partitions.length > 0 && Date.now() - this.fetchedAt < this.refreshMs) return this.partitions;
    this.refreshing ??= this.admin
      .fetchTopicMetadata({ topics: [this.topic] })
      .then((md) => {
        const found = md.topics.find((t) => t.name === this.topic)?.partitions ?? [];
        if (found.length > 0) this.partitions = [...found].sort((a, b) => a.partitionId - b.partitionId);
        this.fetchedAt = Date.now();
        return this.partitions;
      })
      .catch((e: unknown) => {
        // During a fault the metadata request can fail; the partition count has not changed.
        if (this.partitions.length === 0) throw e;
        return this.partitions;
      })
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  async send<M extends Message>(
    producer: Producer,
    acks: number,
    messages: M[],
    track?: SendTracker<M>,
  ): Promise<PartitionedSendResult<M>> {
    const partitionMetadata = await this.metadata();
    const byPartition = new Map<number, M[]>();
    for (const message of messages) {
      const partition = this.partitioner({ topic: this.topic, partitionMetadata, message });
      const list = byPartition.get(partition);
      if (list) list.push(message);
      else byPartition.set(partition, [message]);
    }
    const sends = [...byPartition].map(async ([partition, list]) => {
      const ended = track?.(partition, list);
      try {
        await producer.send({ topic: this.topic, acks, messages: list.map((m) => ({ ...m, partition })) });
      } catch (e) {
        ended?.(false);
        throw e;
      }
      ended?.(true);
      return list;
    });
    const acked: M[] = [];
    let failedSends = 0;
    for (const r of await Promise.allSettled(sends)) {
      if (r.status === 'fulfilled') acked.push(...r.value);
      else failedSends++;
    }
    return { acked, failedSends };
  }
}
