// The transaction admin APIs of KIP-664 through the project's protocol/ codecs, shaped as Kafka's
// Admin client returns them: DescribeProducers at each partition's leader (one request per leader),
// ListTransactions on every broker (each lists the transactional ids it coordinates) and
// DescribeTransactions at each id's coordinator (one request per coordinator). A partition answered
// NOT_LEADER_OR_FOLLOWER, or an id answered NOT_COORDINATOR (or loading / not available), is asked
// once more after a fresh metadata or coordinator lookup.
// Requests besides the API's own, and how a caller that already knows the cluster avoids them (the
// exporter, whose cycle has just read Metadata and whose ListTransactions named each coordinator):
// - DescribeProducers: one Metadata request for the leaders, unless every partition comes with its
//   leader (`leader >= 0`); a partition without one, or answered NOT_LEADER_OR_FOLLOWER, is looked up.
// - ListTransactions: one Metadata request for the broker list, unless the caller passes the ids.
// - DescribeTransactions: one Metadata request (which broker to ask) and one FindCoordinator (key
//   type 1; v0-2 takes one key) per id, unless the caller names the id's coordinator; an id its
//   named coordinator answers NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE /
//   COORDINATOR_LOAD_IN_PROGRESS, or whose request to it fails, is then looked up the same way.
// Without `errors`, a request that fails throws; with it, the failure is counted there and the
// partitions or ids of that broker are left out (as the client's batched reads do). A request to a
// caller-named coordinator that fails is not counted: its ids are looked up, and that outcome counts.
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
/** A partition to describe; with `leader` >= 0 it is asked there first, without a Metadata request. */
export interface ProducersPartition extends PartitionKey {
  leader?: number;
}

const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

const FIND_COORDINATOR_CONCURRENCY = 8;

const noFilters = { groups: () => false, includeInternal: true };

/** Appends in place: copying the list per item is quadratic with thousands of ids on one broker. */
function pushTo<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

async function leadersOf(client: ClusterClient, partitions: readonly PartitionKey[]): Promise<Map<string, number>> {
  const names = new Set(partitions.map((p) => p.topic));
  const md = await client.metadata({ ...noFilters, topics: (t) => names.has(t) });
  const out = new Map<string, number>();
  for (const t of md.topics) for (const p of t.partitions) out.set(tpKey(t.name, p.partition), p.leader);
  return out;
}

export async function describeProducers(
  client: ClusterClient,
  partitions: readonly ProducersPartition[],
  errors?: RequestErrors,
): Promise<PartitionProducers[]> {
  const wanted = new Map<string, PartitionKey>();
  /** Leaders the caller named (>= 0): the first attempt's, for those partitions. */
  const named = new Map<string, number>();
  for (const p of partitions) {
    const key = tpKey(p.topic, p.partition);
    wanted.set(key, { topic: p.topic, partition: p.partition });
    if (p.leader !== undefined && p.leader >= 0) named.set(key, p.leader);
    else named.delete(key);
  }
  const out = new Map<string, PartitionProducers>();
  const fail = (p: PartitionKey, errorCode: number) =>
    out.set(tpKey(p.topic, p.partition), { ...p, errorCode, producers: [] });
  let pending = [...wanted.values()];
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    // The retry always looks the leaders up afresh: a named leader that answered NOT_LEADER is stale.
    const lookup = attempt === 0 ? pending.filter((p) => !named.has(tpKey(p.topic, p.partition))) : pending;
    const leaders = lookup.length > 0 ? await leadersOf(client, lookup) : new Map<string, number>();
    if (attempt === 0) for (const [key, leader] of named) leaders.set(key, leader);
    const byLeader = new Map<number, PartitionKey[]>();
    for (const p of pending) {
      const leader = leaders.get(tpKey(p.topic, p.partition));
      if (leader === undefined) fail(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else if (leader < 0) fail(p, ErrorCode.LEADER_NOT_AVAILABLE);
      else pushTo(byLeader, leader, p);
    }
    const retry: PartitionKey[] = [];
    await Promise.all(
      [...byLeader].map(async ([leader, parts]) => {
        const topics = new Map<string, number[]>();
        for (const p of parts) pushTo(topics, p.topic, p.partition);
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

/** `brokers`: the ids of every broker, when the caller knows them (no Metadata request); none or empty: asked. */
export async function listTransactions(
  client: ClusterClient,
  filter: ListTransactionsFilter = {},
  errors?: RequestErrors,
  brokers?: readonly number[],
): Promise<TransactionListing[]> {
  const brokerIds =
    brokers && brokers.length > 0
      ? [...new Set(brokers)]
      : (await client.metadata({ ...noFilters, topics: () => false })).brokers.map((b) => b.id);
  const req = {
    stateFilters: [...(filter.states ?? [])],
    producerIdFilters: [...(filter.producerIds ?? [])],
    durationFilterMs: filter.durationFilterMs ?? -1,
  };
  const perBroker = await Promise.all(
    brokerIds.map(async (id) => {
      try {
        const res = await client.request(id, listTransactionsCodec, req);
        if (res.errorCode !== ErrorCode.NONE)
          throw new Error(`ListTransactions on broker ${id}: ${errorName(res.errorCode)}`);
        return res.transactionStates.map((s) => ({ ...s, coordinatorId: id }));
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

/**
 * DescribeTransactions of `group` at one broker into `out`; returns the ids it answered with a moved
 * coordinator (kept in `out` with their error instead when `keepMoved`). Throws when the request fails.
 */
async function describeAt(
  client: ClusterClient,
  coordinatorId: number,
  group: readonly string[],
  out: Map<string, TransactionDescription>,
  keepMoved: boolean,
): Promise<string[]> {
  const asked = new Set(group);
  const moved: string[] = [];
  const res = await client.request(coordinatorId, describeTransactionsCodec, { transactionalIds: [...group] });
  for (const s of res.transactionStates) {
    if (!asked.has(s.transactionalId)) continue;
    if (!keepMoved && COORDINATOR_MOVED.has(s.errorCode)) moved.push(s.transactionalId);
    else out.set(s.transactionalId, { ...s, topics: s.topics.map((t) => ({ ...t })), coordinatorId });
  }
  return moved;
}

/**
 * `coordinators`: the coordinator of each id when the caller knows it (the broker whose
 * ListTransactions listed it); those ids are asked there first, without FindCoordinator.
 */
export async function describeTransactions(
  client: ClusterClient,
  transactionalIds: readonly string[],
  errors?: RequestErrors,
  coordinators?: ReadonlyMap<string, number>,
): Promise<TransactionDescription[]> {
  const ids = [...new Set(transactionalIds)];
  const out = new Map<string, TransactionDescription>();
  const fail = (id: string, errorCode: number, coordinatorId = -1) =>
    out.set(id, { ...failedTransactionDescription(id, errorCode), coordinatorId });
  const byNamed = new Map<number, string[]>();
  /** Ids that go through FindCoordinator: no coordinator named, or the named one did not answer for them. */
  const lookup: string[] = [];
  for (const id of ids) {
    const named = coordinators?.get(id);
    if (named !== undefined && named >= 0) pushTo(byNamed, named, id);
    else lookup.push(id);
  }
  await Promise.all(
    [...byNamed].map(async ([coordinatorId, group]) => {
      try {
        await describeAt(client, coordinatorId, group, out, false);
      } catch {
        // A named coordinator that cannot be asked (gone, unreachable) is a stale name: its ids are
        // looked up below, and only that outcome is counted in `errors`.
      }
      // Moved ids, ids the broker left out of its answer, and every id of a failed request.
      for (const id of group) if (!out.has(id)) lookup.push(id);
    }),
  );
  let pending = lookup;
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
          if (fc.errorCode === ErrorCode.NONE) pushTo(byCoordinator, fc.nodeId, id);
          else if (attempt === 0 && COORDINATOR_MOVED.has(fc.errorCode)) retry.push(id);
          else fail(id, fc.errorCode);
        }),
      );
    await Promise.all(
      [...byCoordinator].map(async ([coordinatorId, group]) => {
        try {
          retry.push(...(await describeAt(client, coordinatorId, group, out, attempt > 0)));
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
