// `kafka-sre transactions list|describe|find-hanging|abort`, as Kafka's kafka-transactions.sh
// (KIP-664), over kafka-client's transaction admin calls.
//
// find-hanging: DescribeProducers on the chosen partitions; a producer with an open transaction whose
// last write there is older than the max transaction timeout is a candidate. Its coordinator is then
// asked (ListTransactions by producer id, DescribeTransactions): the transaction hangs when no
// coordinator maps a transactional id to the producer id, when the coordinator has no open
// transaction for it, holds another epoch or does not have the partition in it (it will never send
// that partition a marker), or when the coordinator's transaction has been open longer than the max
// timeout. Aborting writes an ABORT marker (WriteTxnMarkers) for the producer id and epoch to the
// partition leader: the transaction ends there and the last stable offset moves on.
import { RuntimeFailure, UsageError } from '../common/index.js';
import {
  tpKey,
  type ClusterClient,
  type TransactionDescription,
  type TransactionListing,
} from '../kafka-client/index.js';
import { ErrorCode, errorName, writeTxnMarkersCodec } from '../protocol/index.js';

/** Kafka's transaction.max.timeout.ms default, which kafka-transactions.sh assumes too. */
export const DEFAULT_MAX_TRANSACTION_TIMEOUT_MINUTES = 15;

const OPEN_STATES = new Set(['Ongoing', 'PrepareCommit', 'PrepareAbort']);

export function parseTimeoutMinutes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`--max-transaction-timeout-minutes ${JSON.stringify(value)}: expected minutes >= 0`);
  return Math.round(n * 60_000);
}

export async function listTransactions(client: ClusterClient): Promise<TransactionListing[]> {
  return client.listTransactions();
}

export interface TransactionView extends TransactionDescription {
  /** How long the open transaction has been running, null when none was started. */
  durationMs: number | null;
}

export async function describeTransaction(client: ClusterClient, transactionalId: string): Promise<TransactionView> {
  const [d] = await client.describeTransactions([transactionalId]);
  if (!d) throw new RuntimeFailure(`DescribeTransactions for ${transactionalId}: no answer`);
  if (d.errorCode !== ErrorCode.NONE)
    throw new RuntimeFailure(`transactional id ${transactionalId}: ${errorName(d.errorCode)}`);
  const running = OPEN_STATES.has(d.transactionState) && d.transactionStartTimeMs >= 0;
  return { ...d, durationMs: running ? Date.now() - d.transactionStartTimeMs : null };
}

/** Where an ABORT marker goes, and (after sending) how the leader answered. */
export interface MarkerTarget {
  topic: string;
  partition: number;
  leader: number;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** First offset of the open transaction on the partition. */
  startOffset: number;
  /** NONE or the Kafka error name, once the marker was sent. */
  result?: string;
}

export interface HangingTransaction extends MarkerTarget {
  lastTimestamp: number;
  /** Since the producer's last write on the partition. */
  durationMs: number;
  transactionalId: string | null;
  reason: string;
  /**
   * false when the coordinator still has the transaction open with this partition: only the
   * coordinator may end it (it may already have decided to commit: an ABORT written from outside
   * would split the transaction), so it is listed but never aborted.
   */
  abortable: boolean;
}

export interface FindHangingResult {
  maxTransactionTimeoutMs: number;
  partitions: number;
  hanging: HangingTransaction[];
  /** Partitions that could not be checked, with the error. */
  unchecked: { topic: string; partition: number; error: string }[];
  /** Whether abort markers were sent (--abort --execute). */
  aborted: boolean;
}

/**
 * Why an open transaction of a partition hangs, or null when its coordinator knows it and it is
 * within the max timeout. `descriptions` are DescribeTransactions answers for the ids `listings`
 * (ListTransactions filtered by producer id) gave.
 */
export function hangingReason(
  open: { topic: string; partition: number; producerId: number; producerEpoch: number },
  listings: readonly TransactionListing[],
  descriptions: readonly TransactionDescription[],
  maxTimeoutMs: number,
  now: number,
): { reason: string; transactionalId: string | null; abortable: boolean } | null {
  const ids = listings.filter((l) => l.producerId === open.producerId).map((l) => l.transactionalId);
  if (ids.length === 0)
    return {
      reason: 'no coordinator has a transactional id with this producer id',
      transactionalId: null,
      abortable: true,
    };
  const d = descriptions.find(
    (x) => ids.includes(x.transactionalId) && x.errorCode === ErrorCode.NONE && x.producerId === open.producerId,
  );
  if (!d)
    return {
      reason: 'the coordinator no longer maps a transactional id to this producer id',
      transactionalId: ids[0],
      abortable: true,
    };
  const id = d.transactionalId;
  if (!OPEN_STATES.has(d.transactionState))
    return {
      reason: `the coordinator has no open transaction for it (state ${d.transactionState})`,
      transactionalId: id,
      abortable: true,
    };
  if (d.producerEpoch !== open.producerEpoch)
    return {
      reason: `the coordinator's transaction has epoch ${d.producerEpoch}, the partition's ${open.producerEpoch}`,
      transactionalId: id,
      abortable: true,
    };
  if (!d.topics.some((t) => t.topic === open.topic && t.partitions.includes(open.partition)))
    return {
      reason: "the partition is not in the coordinator's open transaction",
      transactionalId: id,
      abortable: true,
    };
  if (d.transactionStartTimeMs >= 0 && now - d.transactionStartTimeMs > maxTimeoutMs)
    return {
      reason: `open ${((now - d.transactionStartTimeMs) / 60_000).toFixed(1)} min, longer than the max transaction timeout, and its coordinator still has it (state ${d.transactionState}): only the coordinator may end it, not aborted`,
      transactionalId: id,
      abortable: false,
    };
  return null;
}

export async function findHanging(
  client: ClusterClient,
  o: { brokerId?: number; topic?: string; maxTimeoutMs: number; abort: boolean; execute: boolean },
): Promise<FindHangingResult> {
  const md = await client.metadata({
    topics: (t) => o.topic === undefined || t === o.topic,
    groups: () => false,
    includeInternal: true,
  });
  if (o.topic !== undefined && md.topics.length === 0) throw new RuntimeFailure(`unknown topic: ${o.topic}`);
  if (o.brokerId !== undefined && !md.brokers.some((b) => b.id === o.brokerId))
    throw new RuntimeFailure(`unknown broker ${o.brokerId} (brokers: ${md.brokers.map((b) => b.id).join(', ')})`);
  const parts = md.topics
    .flatMap((t) => t.partitions)
    .filter((p) => o.brokerId === undefined || p.replicas.includes(o.brokerId));
  const leaders = new Map(parts.map((p) => [tpKey(p.topic, p.partition), p.leader]));
  const described = await client.describeProducers(parts.map((p) => ({ topic: p.topic, partition: p.partition })));
  const now = Date.now();
  const unchecked: FindHangingResult['unchecked'] = [];
  const candidates: HangingTransaction[] = [];
  for (const d of described) {
    if (d.errorCode !== ErrorCode.NONE) {
      unchecked.push({ topic: d.topic, partition: d.partition, error: errorName(d.errorCode) });
      continue;
    }
    for (const s of d.producers)
      if (s.currentTxnStartOffset >= 0 && now - s.lastTimestamp >= o.maxTimeoutMs)
        candidates.push({
          topic: d.topic,
          partition: d.partition,
          leader: leaders.get(tpKey(d.topic, d.partition)) ?? -1,
          producerId: s.producerId,
          producerEpoch: s.producerEpoch,
          coordinatorEpoch: s.coordinatorEpoch,
          startOffset: s.currentTxnStartOffset,
          lastTimestamp: s.lastTimestamp,
          durationMs: now - s.lastTimestamp,
          transactionalId: null,
          reason: '',
          abortable: false,
        });
  }
  const result = { maxTransactionTimeoutMs: o.maxTimeoutMs, partitions: parts.length, unchecked, aborted: false };
  if (candidates.length === 0) return { ...result, hanging: [] };
  const listings = await client.listTransactions({ producerIds: [...new Set(candidates.map((c) => c.producerId))] });
  const descriptions =
    listings.length > 0 ? await client.describeTransactions([...new Set(listings.map((l) => l.transactionalId))]) : [];
  // An id the coordinator could not describe says nothing either way: refuse rather than guess.
  const failed = descriptions.filter(
    (d) => d.errorCode !== ErrorCode.NONE && d.errorCode !== ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
  );
  if (failed.length > 0)
    throw new RuntimeFailure(
      `DescribeTransactions failed for ${failed.map((d) => `${d.transactionalId} (${errorName(d.errorCode)})`).join(', ')}`,
    );
  const hanging = candidates.flatMap((c) => {
    const why = hangingReason(c, listings, descriptions, o.maxTimeoutMs, now);
    return why ? [{ ...c, ...why }] : [];
  });
  const abortable = hanging.filter((h) => h.abortable);
  if (o.abort && o.execute && abortable.length > 0) {
    await writeAbortMarkers(client, abortable);
    return { ...result, hanging, aborted: true };
  }
  return { ...result, hanging };
}

/** One WriteTxnMarkers request per leader, an ABORT marker per target; fills in `result`. */
export async function writeAbortMarkers(client: ClusterClient, targets: MarkerTarget[]): Promise<void> {
  const byLeader = new Map<number, MarkerTarget[]>();
  for (const t of targets) {
    if (t.leader < 0) t.result = errorName(ErrorCode.LEADER_NOT_AVAILABLE);
    else byLeader.set(t.leader, [...(byLeader.get(t.leader) ?? []), t]);
  }
  await Promise.all(
    [...byLeader].map(async ([leader, group]) => {
      try {
        const res = await client.request(leader, writeTxnMarkersCodec, {
          markers: group.map((t) => ({
            producerId: t.producerId,
            producerEpoch: t.producerEpoch,
            transactionResult: false,
            topics: [{ name: t.topic, partitionIndexes: [t.partition] }],
            coordinatorEpoch: t.coordinatorEpoch,
          })),
        });
        // Answers come in request order, one per marker.
        group.forEach((t, i) => {
          const m = res.markers[i];
          const p = m?.producerId === t.producerId ? m.topics[0]?.partitions[0] : undefined;
          t.result = p ? errorName(p.errorCode) : 'NO_ANSWER';
        });
      } catch (e) {
        for (const t of group) t.result = `FAILED: ${(e as Error).message}`;
      }
    }),
  );
}

export interface AbortResult extends MarkerTarget {
  executed: boolean;
}

/**
 * `transactions abort`: an ABORT marker for one producer's open transaction on one partition. The
 * partition's producer state is read first: a producer without an open transaction there is
 * refused (nothing to abort, and a wrong id or epoch would be written blindly otherwise).
 */
export async function abortTransaction(
  client: ClusterClient,
  spec: { topic: string; partition: number; producerId: number; producerEpoch: number; coordinatorEpoch: number },
  execute: boolean,
): Promise<AbortResult> {
  const [d] = await client.describeProducers([{ topic: spec.topic, partition: spec.partition }]);
  if (!d || d.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    throw new RuntimeFailure(`unknown partition: ${spec.topic}-${spec.partition}`);
  if (d.errorCode !== ErrorCode.NONE)
    throw new RuntimeFailure(`DescribeProducers on ${spec.topic}-${spec.partition}: ${errorName(d.errorCode)}`);
  const s = d.producers.find((x) => x.producerId === spec.producerId);
  if (!s || s.currentTxnStartOffset < 0)
    throw new RuntimeFailure(
      `producer ${spec.producerId} has no open transaction on ${spec.topic}-${spec.partition}: nothing to abort`,
    );
  // A marker with a higher epoch than the partition's fences the live producer there: only the
  // epochs the partition reports are written.
  if (spec.producerEpoch !== s.producerEpoch)
    throw new RuntimeFailure(
      `producer ${spec.producerId} has epoch ${s.producerEpoch} on ${spec.topic}-${spec.partition}, not ${spec.producerEpoch}: refused`,
    );
  if (s.coordinatorEpoch >= 0 && spec.coordinatorEpoch !== s.coordinatorEpoch)
    throw new RuntimeFailure(
      `the partition's coordinator epoch for producer ${spec.producerId} is ${s.coordinatorEpoch}, not ${spec.coordinatorEpoch}: refused`,
    );
  const md = await client.metadata({ topics: (t) => t === spec.topic, groups: () => false, includeInternal: true });
  const leader = md.topics[0]?.partitions.find((p) => p.partition === spec.partition)?.leader ?? -1;
  const target: MarkerTarget = { ...spec, leader, startOffset: s.currentTxnStartOffset };
  if (execute) await writeAbortMarkers(client, [target]);
  return { ...target, executed: execute };
}
