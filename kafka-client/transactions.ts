// The transaction admin APIs of KIP-664 through the project's protocol/ codecs, shaped as Kafka's
// Admin client returns them: DescribeProducers at each partition's leader (one request per leader),
// ListTransactions on every broker (each lists the transactional ids it coordinates) and
// DescribeTransactions at each id's coordinator (FindCoordinator key type 1, one request per
// coordinator). A partition answered NOT_LEADER_OR_FOLLOWER, or an id answered NOT_COORDINATOR (or
// loading / not available), is asked once more after a fresh metadata or coordinator lookup.
// Without `errors`, a request that fails throws; with it, the failure is counted there and the
// partitions or ids of that broker are left out (as the client's batched reads do).
// Leaders come from a Metadata request for all topics: a topic the caller may not DESCRIBE is not in
// it, so its partitions read UNKNOWN_TOPIC_OR_PARTITION (Kafka's Admin asks for the topic by name
// and reports TOPIC_AUTHORIZATION_FAILED).
import {
  ErrorCode,
  errorName,
  describeProducersCodec,
  describeTransactionsCodec,
  failedTransactionDescription,
  findCoordinatorCodec,
  listTransactionsCodec,
  type ProducerStateEntry,
  type TransactionStateDescription,
} from '../protocol/index.js';
import type { ClusterClient, RequestErrors } from './cluster-client.js';
import { tpKey } from './model.js';

/** One producer of a partition as its leader describes it (DescribeProducers). */
export type ProducerInfo = ProducerStateEntry;
export interface PartitionProducers {
  topic: string;
  partition: number;
  /** 0, or the Kafka error code (TOPIC_AUTHORIZATION_FAILED, LEADER_NOT_AVAILABLE, ...). */
  errorCode: number;
  producers: ProducerInfo[];
}
export interface ListTransactionsFilter {
  /** State names as Kafka writes them (Ongoing, PrepareCommit, ...). */
  states?: readonly string[];
  producerIds?: readonly number[];
  /** Only transactions running longer than this (ListTransactions v1, KIP-994). */
  durationFilterMs?: number;
}
export interface TransactionListing {
  transactionalId: string;
  producerId: number;
  transactionState: string;
  /** The broker that listed it: the id's coordinator. */
  coordinatorId: number;
}
/** One transactional id as its coordinator describes it (DescribeTransactions). */
export interface TransactionDescription extends TransactionStateDescription {
  /** The coordinator that answered (-1 when none could be found). */
  coordinatorId: number;
}

type PartitionKey = { topic: string; partition: number };

const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

const FIND_COORDINATOR_CONCURRENCY = 8;

const noFilters = { groups: () => false, includeInternal: true };

async function leadersOf(client: ClusterClient, partitions: readonly PartitionKey[]): Promise<Map<string, number>> {
  const names = new Set(partitions.map((p) => p.topic));
  const md = await client.metadata({ ...noFilters, topics: (t) => names.has(t) });
  const out = new Map<string, number>();
  for (const t of md.topics) for (const p of t.partitions) out.set(tpKey(t.name, p.partition), p.leader);
  return out;
}

export async function describeProducers(
  client: ClusterClient,
  partitions: readonly PartitionKey[],
  errors?: RequestErrors,
): Promise<PartitionProducers[]> {
  const wanted = new Map<string, PartitionKey>();
  for (const p of partitions) wanted.set(tpKey(p.topic, p.partition), { topic: p.topic, partition: p.partition });
  const out = new Map<string, PartitionProducers>();
  const fail = (p: PartitionKey, errorCode: number) =>
    out.set(tpKey(p.topic, p.partition), { ...p, errorCode, producers: [] });
  let pending = [...wanted.values()];
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    const leaders = await leadersOf(client, pending);
    const byLeader = new Map<number, PartitionKey[]>();
    for (const p of pending) {
      const leader = leaders.get(tpKey(p.topic, p.partition));
      if (leader === undefined) fail(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else if (leader < 0) fail(p, ErrorCode.LEADER_NOT_AVAILABLE);
      else byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const retry: PartitionKey[] = [];
    await Promise.all(
      [...byLeader].map(async ([leader, parts]) => {
        const topics = new Map<string, number[]>();
        for (const p of parts) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
        try {
          const res = await client.request(leader, describeProducersCodec, {
            topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          });
          for (const t of res.topics)
            for (const p of t.partitions) {
              const ref = wanted.get(tpKey(t.name, p.partitionIndex));
              if (!ref) continue;
              if (attempt === 0 && p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) retry.push(ref);
              else
                out.set(tpKey(ref.topic, ref.partition), {
                  ...ref,
                  errorCode: p.errorCode,
                  producers: p.activeProducers.map((s) => ({ ...s })),
                });
            }
        } catch (e) {
          if (!errors) throw e;
          errors.add('DescribeProducers', e);
        }
      }),
    );
    pending = retry;
  }
  return [...wanted.keys()].flatMap((k) => out.get(k) ?? []);
}

export async function listTransactions(
  client: ClusterClient,
  filter: ListTransactionsFilter = {},
  errors?: RequestErrors,
): Promise<TransactionListing[]> {
  const md = await client.metadata({ ...noFilters, topics: () => false });
  const req = {
    stateFilters: [...(filter.states ?? [])],
    producerIdFilters: [...(filter.producerIds ?? [])],
    durationFilterMs: filter.durationFilterMs ?? -1,
  };
  const perBroker = await Promise.all(
    md.brokers.map(async (b) => {
      try {
        const res = await client.request(b.id, listTransactionsCodec, req);
        if (res.errorCode !== ErrorCode.NONE)
          throw new Error(`ListTransactions on broker ${b.id}: ${errorName(res.errorCode)}`);
        return res.transactionStates.map((s) => ({ ...s, coordinatorId: b.id }));
      } catch (e) {
        if (!errors) throw e;
        errors.add('ListTransactions', e);
        return [];
      }
    }),
  );
  // While a state partition moves, two brokers may list the same id: the first answer is kept.
  const byId = new Map<string, TransactionListing>();
  for (const s of perBroker.flat()) if (!byId.has(s.transactionalId)) byId.set(s.transactionalId, s);
  return [...byId.values()].sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
}

export async function describeTransactions(
  client: ClusterClient,
  transactionalIds: readonly string[],
  errors?: RequestErrors,
): Promise<TransactionDescription[]> {
  const ids = [...new Set(transactionalIds)];
  const out = new Map<string, TransactionDescription>();
  const fail = (id: string, errorCode: number, coordinatorId = -1) =>
    out.set(id, { ...failedTransactionDescription(id, errorCode), coordinatorId });
  let pending = ids;
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 200));
    const md = await client.metadata({ ...noFilters, topics: () => false });
    const asker = md.brokers[0]?.id;
    if (asker === undefined) throw new Error('DescribeTransactions: the cluster lists no brokers');
    const retry: string[] = [];
    const byCoordinator = new Map<number, string[]>();
    // FindCoordinator v0-2 takes one key: FIND_COORDINATOR_CONCURRENCY lookups in flight at a time.
    for (let i = 0; i < pending.length; i += FIND_COORDINATOR_CONCURRENCY)
      await Promise.all(
        pending.slice(i, i + FIND_COORDINATOR_CONCURRENCY).map(async (id) => {
          const fc = await client.request(asker, findCoordinatorCodec, { key: id, keyType: 1 });
          if (fc.errorCode === ErrorCode.NONE)
            byCoordinator.set(fc.nodeId, [...(byCoordinator.get(fc.nodeId) ?? []), id]);
          else if (attempt === 0 && COORDINATOR_MOVED.has(fc.errorCode)) retry.push(id);
          else fail(id, fc.errorCode);
        }),
      );
    await Promise.all(
      [...byCoordinator].map(async ([coordinatorId, group]) => {
        try {
          const res = await client.request(coordinatorId, describeTransactionsCodec, { transactionalIds: group });
          for (const s of res.transactionStates) {
            if (!group.includes(s.transactionalId)) continue;
            if (attempt === 0 && COORDINATOR_MOVED.has(s.errorCode)) retry.push(s.transactionalId);
            else out.set(s.transactionalId, { ...s, topics: s.topics.map((t) => ({ ...t })), coordinatorId });
          }
        } catch (e) {
          if (!errors) throw e;
          errors.add('DescribeTransactions', e);
        }
      }),
    );
    pending = retry;
  }
  return ids.flatMap((id) => out.get(id) ?? []);
}
