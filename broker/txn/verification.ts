// KIP-890 part 1 (Kafka 3.6+, transaction.partition.verification.enable): before a partition
// leader appends the first transactional batch of a producer's transaction, it asks the
// transaction coordinator (AddPartitionsToTxn v4 with verify_only, or the local coordinator
// directly) whether that partition is in the producer's ongoing transaction. A producer that
// skipped AddPartitionsToTxn (a client bug, or a zombie whose transaction was aborted meanwhile)
// is refused, so it cannot open a transaction the coordinator does not know and no marker would
// ever close: a hanging transaction holding the partition's last stable offset, and every
// read_committed consumer behind it, for good.
//
// Only the first batch pays: once the producer's transaction is open on the partition (the log's
// producer state) or verified for (producer id, epoch) in this leader epoch, its batches go
// straight to the log. A verification is a guard taken before asking: a marker written for the
// producer on the partition while the question is in flight drops it, and the append is then
// refused (the transaction it was verified for has ended), as Kafka's verification guard does.
//
// Guards are kept per (producer id, epoch): a zombie (an older epoch of the same producer id)
// verifying at the same time as the live producer has a guard of its own, which can neither
// replace nor stand for the live one's. A partition's guards are dropped when this broker stops
// leading it (a follower now, a new leader epoch, the topic deleted): they belong to the leader
// epoch they were taken in, and a recreated topic starts at leader epoch 0 again.
import { addPartitionsToTxnCodec, ErrorCode, type AddPartitionsToTxnTopicResult } from '../../protocol/index.js';
import type { PeerClient } from '../replication/peer-client.js';
import type { BrokerServices } from '../services.js';
import type { TopicChange } from '../state/topic-store.js';
import { TRANSACTION_STATE_TOPIC } from './coordinator.js';

const VERIFY_TIMEOUT_MS = 5000;

interface Guard {
  leaderEpoch: number;
  verified: boolean;
  /** Dropped because this broker stopped leading the partition (not by a marker). */
  leadershipLost: boolean;
}

/** A partition's guards: producer id -> producer epoch -> guard. */
type PartitionGuards = Map<number, Map<number, Guard>>;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The produce error for a verification error (Kafka's mapping for produce versions before
 * KIP-890 part 2): PRODUCER_FENCED is INVALID_PRODUCER_EPOCH; a coordinator that is moving,
 * loading or completing a transaction is NOT_ENOUGH_REPLICAS, which every producer retries
 * without a metadata refresh.
 */
export function produceErrorFor(code: number): number {
  switch (code) {
    case ErrorCode.PRODUCER_FENCED:
      return ErrorCode.INVALID_PRODUCER_EPOCH;
    case ErrorCode.CONCURRENT_TRANSACTIONS:
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.REQUEST_TIMED_OUT:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return ErrorCode.NOT_ENOUGH_REPLICAS;
    case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
      return ErrorCode.INVALID_TXN_STATE;
    default:
      return code;
  }
}

export class PartitionVerifier {
  /** topic\0partition -> the guards of the producers' current transactions there. */
  private readonly guards = new Map<string, PartitionGuards>();
  /** Partitions verified and partitions refused since start (Kafka's VerificationFailureRate counts the latter). */
  verifiedTotal = 0;
  failedTotal = 0;

  constructor(
    private readonly services: BrokerServices,
    private readonly peerOf: (nodeId: number) => PeerClient | null,
  ) {
    services.topics.onChange((c) => this.topicChanged(c));
  }

  /** Whether a transactional batch of this producer on this partition must be verified first. */
  needs(topic: string, partition: number, producerId: number, epoch: number): boolean {
    const replica = this.services.replicas.replica(topic, partition);
    if (!replica || replica.state.leader !== this.services.nodeId) return false; // the append refuses it
    if (replica.log.openTransactionEpoch?.(producerId) === epoch) return false;
    const g = this.guards.get(key(topic, partition))?.get(producerId)?.get(epoch);
    return !(g && g.verified && g.leaderEpoch === replica.state.leaderEpoch);
  }

  /**
   * A marker of this producer (at `epoch`) was written on the partition: its transaction there has
   * ended, and so has any of an older epoch. A guard of a newer epoch is another transaction's.
   */
  markerWritten(topic: string, partition: number, producerId: number, epoch: number): void {
    this.dropGuards(key(topic, partition), producerId, (e) => e <= epoch);
  }

  /** Test hook and diagnostics: how many guards the partition holds. */
  guardCount(topic: string, partition: number): number {
    let n = 0;
    for (const byEpoch of this.guards.get(key(topic, partition))?.values() ?? []) n += byEpoch.size;
    return n;
  }

  /** This broker stopped leading a partition (or leads it in a new epoch): its guards go. */
  private dropPartition(topic: string, partition: number): void {
    const k = key(topic, partition);
    for (const byEpoch of this.guards.get(k)?.values() ?? []) for (const g of byEpoch.values()) g.leadershipLost = true;
    this.guards.delete(k);
  }

  private topicChanged(c: TopicChange): void {
    if (c.kind === 'deleted') {
      for (const p of c.topic.partitions) this.dropPartition(c.topic.name, p.partition);
    } else if (c.kind === 'partition-changed') {
      const p = c.partition;
      if (p.leader !== this.services.nodeId || p.leaderEpoch !== c.previous.leaderEpoch)
        this.dropPartition(p.topic, p.partition);
    }
  }

  private guardOf(k: string, producerId: number, epoch: number): Guard | undefined {
    return this.guards.get(k)?.get(producerId)?.get(epoch);
  }

  /** Drops the producer's guards on a partition whose epoch `which` selects. */
  private dropGuards(k: string, producerId: number, which: (epoch: number) => boolean): void {
    const byProducer = this.guards.get(k);
    const byEpoch = byProducer?.get(producerId);
    if (!byProducer || !byEpoch) return;
    for (const e of [...byEpoch.keys()]) if (which(e)) byEpoch.delete(e);
    if (byEpoch.size === 0) byProducer.delete(producerId);
    if (byProducer.size === 0) this.guards.delete(k);
  }

  /**
   * Asks the coordinator about the partitions; resolves with the produce error code of each
   * partition (topic\0partition) that may not be written. Absent: verified.
   */
  async verify(
    transactionalId: string,
    producerId: number,
    epoch: number,
    parts: { topic: string; partition: number }[],
  ): Promise<Map<string, number>> {
    const taken = new Map<string, Guard>();
    const topics = new Map<string, number[]>();
    for (const p of parts) {
      const k = key(p.topic, p.partition);
      const leaderEpoch = this.services.replicas.replica(p.topic, p.partition)?.state.leaderEpoch ?? -1;
      const guard: Guard = { leaderEpoch, verified: false, leadershipLost: false };
      let byProducer = this.guards.get(k);
      if (!byProducer) this.guards.set(k, (byProducer = new Map()));
      let byEpoch = byProducer.get(producerId);
      if (!byEpoch) byProducer.set(producerId, (byEpoch = new Map()));
      byEpoch.set(epoch, guard);
      taken.set(k, guard);
      topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    }
    const asked = [...topics].map(([name, partitions]) => ({ name, partitions }));
    let results: AddPartitionsToTxnTopicResult[];
    try {
      results = await this.ask(transactionalId, producerId, epoch, asked);
    } catch (e) {
      this.services.logger.debug({ transactionalId, err: (e as Error).message }, 'transaction verification failed');
      results = asked.map((t) => ({
        name: t.name,
        results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: ErrorCode.NETWORK_EXCEPTION as number })),
      }));
    }
    // A guard dropped because leadership moved while the question was in flight: retriable
    // (NOT_ENOUGH_REPLICAS, as for a moving coordinator; TxnOffsetCommit answers it as
    // COORDINATOR_NOT_AVAILABLE), and the retry finds the partition's new leader.
    const refusal = (guard: Guard) =>
      guard.leadershipLost ? ErrorCode.NOT_ENOUGH_REPLICAS : ErrorCode.INVALID_TXN_STATE;
    const failed = new Map<string, number>();
    for (const t of results)
      for (const r of t.results) {
        const k = key(t.name, r.partitionIndex);
        const guard = taken.get(k);
        if (!guard) continue;
        const still = this.guardOf(k, producerId, epoch) === guard;
        if (r.errorCode === ErrorCode.NONE && still) {
          guard.verified = true;
          continue;
        }
        // Refused, or a marker ended the transaction (or leadership moved) while the question was in flight.
        failed.set(k, r.errorCode === ErrorCode.NONE ? refusal(guard) : produceErrorFor(r.errorCode));
        if (still) this.dropGuards(k, producerId, (e) => e === epoch);
      }
    for (const [k, guard] of taken) if (!guard.verified && !failed.has(k)) failed.set(k, refusal(guard));
    this.verifiedTotal += taken.size - failed.size;
    this.failedTotal += failed.size;
    return failed;
  }

  private async ask(
    transactionalId: string,
    producerId: number,
    epoch: number,
    topics: { name: string; partitions: number[] }[],
  ): Promise<AddPartitionsToTxnTopicResult[]> {
    const s = this.services;
    const all = (code: number) =>
      topics.map((t) => ({ name: t.name, results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code })) }));
    const tc = s.transactions;
    if (!tc) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const coordinator = s.topics.partition(TRANSACTION_STATE_TOPIC, tc.partitionFor(transactionalId))?.leader ?? -1;
    if (coordinator < 0) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (coordinator === s.nodeId) return tc.verifyPartitions(transactionalId, producerId, epoch, topics);
    const peer = this.peerOf(coordinator);
    if (!peer) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const res = await peer.request(
      addPartitionsToTxnCodec,
      4,
      {
        transactionalId: '',
        producerId: -1,
        producerEpoch: -1,
        topics: [],
        transactions: [{ transactionalId, producerId, producerEpoch: epoch, verifyOnly: true, topics }],
      },
      VERIFY_TIMEOUT_MS,
    );
    if (res.errorCode) return all(res.errorCode);
    return (
      res.resultsByTransaction?.find((t) => t.transactionalId === transactionalId)?.topicResults ??
      all(ErrorCode.INVALID_TXN_STATE)
    );
  }
}

const verifiers = new WeakMap<BrokerServices, PartitionVerifier>();

export function setVerifier(services: BrokerServices, verifier: PartitionVerifier | null): void {
  if (verifier) verifiers.set(services, verifier);
  else verifiers.delete(services);
}

/** The broker's verifier (started with the transaction coordinator plugin). */
export function verifierOf(services: BrokerServices): PartitionVerifier | undefined {
  return verifiers.get(services);
}
