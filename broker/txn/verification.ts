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
import { addPartitionsToTxnCodec, ErrorCode, type AddPartitionsToTxnTopicResult } from '../../protocol/index.js';
import type { PeerClient } from '../replication/peer-client.js';
import type { BrokerServices } from '../services.js';
import { TRANSACTION_STATE_TOPIC } from './coordinator.js';

const VERIFY_TIMEOUT_MS = 5000;

interface Guard {
  epoch: number;
  leaderEpoch: number;
  verified: boolean;
}

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
  /** topic\0partition -> producer id -> the guard of its current transaction there. */
  private readonly guards = new Map<string, Map<number, Guard>>();
  /** Partitions verified and partitions refused since start (Kafka's VerificationFailureRate counts the latter). */
  verifiedTotal = 0;
  failedTotal = 0;

  constructor(
    private readonly services: BrokerServices,
    private readonly peerOf: (nodeId: number) => PeerClient | null,
  ) {}

  /** Whether a transactional batch of this producer on this partition must be verified first. */
  needs(topic: string, partition: number, producerId: number, epoch: number): boolean {
    const replica = this.services.replicas.replica(topic, partition);
    if (!replica || replica.state.leader !== this.services.nodeId) return false; // the append refuses it
    if (replica.log.openTransactionEpoch?.(producerId) === epoch) return false;
    const g = this.guards.get(key(topic, partition))?.get(producerId);
    return !(g && g.verified && g.epoch === epoch && g.leaderEpoch === replica.state.leaderEpoch);
  }

  /** A marker of this producer was written on the partition: its transaction there has ended. */
  markerWritten(topic: string, partition: number, producerId: number): void {
    const k = key(topic, partition);
    const m = this.guards.get(k);
    if (!m) return;
    m.delete(producerId);
    if (m.size === 0) this.guards.delete(k);
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
      const guard: Guard = { epoch, leaderEpoch, verified: false };
      let m = this.guards.get(k);
      if (!m) this.guards.set(k, (m = new Map()));
      m.set(producerId, guard);
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
    const failed = new Map<string, number>();
    for (const t of results)
      for (const r of t.results) {
        const k = key(t.name, r.partitionIndex);
        const guard = taken.get(k);
        if (!guard) continue;
        const still = this.guards.get(k)?.get(producerId) === guard;
        if (r.errorCode === ErrorCode.NONE && still) {
          guard.verified = true;
          continue;
        }
        // Refused, or a marker ended the transaction while the question was in flight.
        failed.set(k, r.errorCode === ErrorCode.NONE ? ErrorCode.INVALID_TXN_STATE : produceErrorFor(r.errorCode));
        if (still) this.markerWritten(t.name, r.partitionIndex, producerId);
      }
    for (const [k, guard] of taken) if (!guard.verified && !failed.has(k)) failed.set(k, ErrorCode.INVALID_TXN_STATE);
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
