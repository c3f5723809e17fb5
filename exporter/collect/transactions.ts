// Transactions as the admin APIs of KIP-664 show them: the coordinators' view (ListTransactions on
// every broker, DescribeTransactions of the open ones) and the partitions' view (DescribeProducers
// on the partitions whose last stable offset is below the high watermark, the only ones that can
// hold an open transaction), turned into the kafka_transaction_* series and the per-partition
// open-transaction series.
//
// Hanging, as `kafka-sre transactions find-hanging` and Kafka's tool mean it:
// - a transaction its coordinator lists as open for longer than its own transaction timeout plus
//   `hangingMarginMs`: the coordinator aborts a timed-out transaction within its cleanup interval
//   (10 s in Kafka), so one still open past the margin is one it cannot end (markers that cannot be
//   written, a coordinator that cannot load its state);
// - a transaction open on a partition (DescribeProducers currentTxnStartOffset >= 0), seen open by
//   this exporter for longer than the margin, whose producer no coordinator lists with an open
//   transaction on that partition: nothing will ever write its marker (a produce that arrived after its transaction
//   ended, a coordinator that lost its state), only an abort from outside ends it. Not judged in a
//   read where some broker's ListTransactions failed (the producer's coordinator may be that one).
// The margin also covers a transaction whose markers are being written (the coordinator already in
// Complete*, the partition not yet).
//
// transactionView, AbortTransitions and addTransactionSeries are pure; TransactionReader asks the
// cluster (kafka-client's describeProducers, listTransactions, describeTransactions) with what the
// cycle already knows, so a read sends only the transaction APIs themselves: the cycle's brokers
// (no Metadata for ListTransactions), each listed id's coordinator, the broker that listed it (no
// FindCoordinator per open id), and each partition's leader (no Metadata for DescribeProducers).
// A stale one (a coordinator or leader that moved since) costs the lookup it saved, no more.
import type { Counter } from 'prom-client';
import type { Logger } from '../../common/index.js';
import {
  tpKey,
  type ClusterClient,
  type ClusterState,
  type PartitionRef,
  type RequestErrors,
  type TransactionListing,
} from '../../kafka-client/index.js';
import { Tier, type SnapshotBuilder } from '../snapshot/snapshot.js';

/** Coordinator states of a transaction that is not finished (Kafka's names). */
export const OPEN_STATES: ReadonlySet<string> = new Set(['Ongoing', 'PrepareCommit', 'PrepareAbort']);
/** States a transaction enters when it aborts. */
const ABORT_STATES: ReadonlySet<string> = new Set(['PrepareAbort', 'CompleteAbort']);

/** Producer ids and offsets as the client decodes int64s (number, or bigint). */
type Int64 = number | bigint;

export interface ListedTransaction {
  transactionalId: string;
  producerId: Int64;
  transactionState: string;
}

export interface DescribedTransaction {
  transactionalId: string;
  errorCode: number;
  transactionState: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction is open. */
  transactionStartTimeMs: Int64;
  producerId: Int64;
  producerEpoch: number;
  topics: readonly { topic: string; partitions: readonly number[] }[];
}

export interface PartitionProducers {
  topic: string;
  partition: number;
  errorCode: number;
  producers: readonly {
    producerId: Int64;
    producerEpoch: number;
    lastSequence: number;
    lastTimestamp: Int64;
    coordinatorEpoch: number;
    /** -1 when the producer has no transaction open on the partition. */
    currentTxnStartOffset: Int64;
  }[];
}

/** One read of the transaction APIs. */
export interface TransactionsRead {
  /** ListTransactions of every broker that answered. */
  listed: readonly ListedTransaction[];
  /** false when some broker's ListTransactions failed: a producer missing from `listed` may be on it. */
  listComplete: boolean;
  /** DescribeTransactions of the open ones. */
  described: readonly DescribedTransaction[];
  /** DescribeProducers of the partitions with LSO lag. */
  producers: readonly PartitionProducers[];
  /** Write time of the record at an open transaction's first offset, when read: key startKey(). */
  startTimes: ReadonlyMap<string, number>;
  /** When this exporter first saw each open transaction on its partition (key startKey()): broker-side time. */
  firstSeen?: ReadonlyMap<string, number>;
}

export const startKey = (topic: string, partition: number, offset: number) =>
  `${tpKey(topic, partition)}\u0000${offset}`;

export interface TransactionOptions {
  hangingMarginMs: number;
  /** Most transactional ids with series (open ones first, then by id). */
  maxTransactionalIds: number;
}

export interface TransactionIdView {
  transactionalId: string;
  state: string;
  /** Open transactions the coordinator described with a start time only. */
  openAgeSeconds?: number;
  hanging?: boolean;
}

export interface TransactionView {
  ids: TransactionIdView[];
  /** Transactional ids left out by maxTransactionalIds. */
  droppedIds: number;
  /** Partitions with an open transaction: the oldest one's age and how many are hanging. */
  partitions: { topic: string; partition: number; oldestOpenAgeSeconds: number; hanging: number }[];
}

/** The series of one read at `nowMs` (ages grow with `nowMs` between reads of the same answers). */
export function transactionView(read: TransactionsRead, opts: TransactionOptions, nowMs: number): TransactionView {
  const margin = opts.hangingMarginMs;
  const described = new Map<string, DescribedTransaction>();
  for (const d of read.described) if (d.errorCode === 0) described.set(d.transactionalId, d);
  /** Per producer id with an open transaction at its coordinator: the transaction, when described. */
  const openByProducer = new Map<string, DescribedTransaction | undefined>();
  const ids: TransactionIdView[] = [];
  for (const l of read.listed) {
    const view: TransactionIdView = { transactionalId: l.transactionalId, state: l.transactionState };
    if (OPEN_STATES.has(l.transactionState)) {
      const d = described.get(l.transactionalId);
      const started = d && OPEN_STATES.has(d.transactionState) ? Number(d.transactionStartTimeMs) : -1;
      if (d && started > 0) {
        const ageMs = Math.max(0, nowMs - started);
        view.openAgeSeconds = ageMs / 1000;
        view.hanging = ageMs > d.transactionTimeoutMs + margin;
      }
      openByProducer.set(String(l.producerId), d);
    }
    ids.push(view);
  }
  ids.sort(
    (a, b) =>
      Number(OPEN_STATES.has(b.state)) - Number(OPEN_STATES.has(a.state)) ||
      (a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0),
  );
  const kept = ids.slice(0, Math.max(0, opts.maxTransactionalIds));

  const partitions: TransactionView['partitions'] = [];
  for (const pp of read.producers) {
    if (pp.errorCode !== 0) continue;
    let oldestMs = -1;
    let hanging = 0;
    for (const pr of pp.producers) {
      const first = Number(pr.currentTxnStartOffset);
      if (first < 0) continue;
      const key = startKey(pp.topic, pp.partition, first);
      const pid = String(pr.producerId);
      const coordinator = openByProducer.get(pid);
      const listedOpen = openByProducer.has(pid);
      const onPartition =
        coordinator === undefined ||
        coordinator.topics.some((t) => t.topic === pp.topic && t.partitions.includes(pp.partition));
      // Ages that decide "hanging" are broker or exporter time, never a record's timestamp: record
      // timestamps are CreateTime, set by the producer (Kafka Streams copies the input record's), so
      // a healthy transaction of a reprocessing application would look hours old. The coordinator's
      // start time when it lists the transaction; else since this exporter first saw it open.
      const coordinatorStart =
        listedOpen && onPartition && coordinator ? Number(coordinator.transactionStartTimeMs) : -1;
      const seenAt = read.firstSeen?.get(key) ?? nowMs;
      const decisionAgeMs = Math.max(0, nowMs - (coordinatorStart > 0 ? coordinatorStart : seenAt));
      // The age shown: the coordinator's; else the record at the first offset (its write time, or the
      // producer's last write), at least the time this exporter has seen it open.
      const recordStart = read.startTimes.get(key) ?? Number(pr.lastTimestamp);
      const shownAgeMs =
        coordinatorStart > 0 ? decisionAgeMs : Math.max(decisionAgeMs, recordStart > 0 ? nowMs - recordStart : 0);
      oldestMs = Math.max(oldestMs, shownAgeMs);
      if (listedOpen && onPartition) {
        if (coordinator && decisionAgeMs > coordinator.transactionTimeoutMs + margin) hanging++;
      } else if (read.listComplete && decisionAgeMs > margin) hanging++;
    }
    if (oldestMs >= 0)
      partitions.push({ topic: pp.topic, partition: pp.partition, oldestOpenAgeSeconds: oldestMs / 1000, hanging });
  }
  return { ids: kept, droppedIds: ids.length - kept.length, partitions };
}

/**
 * Transitions into an abort (PrepareAbort or CompleteAbort from any other state) between two
 * reads, per transactional id. A lower bound: a transaction begun and aborted between two reads
 * (CompleteAbort before and after) is not seen, nor an id's first read.
 */
export class AbortTransitions {
  private last = new Map<string, string>();

  /** Forget the states read so far (the next read is a first read again). */
  reset(): void {
    this.last.clear();
  }

  /** The ids that entered an abort since the previous read; remembers this read's states. */
  observe(listed: readonly ListedTransaction[]): string[] {
    const aborted: string[] = [];
    const next = new Map<string, string>();
    for (const l of listed) {
      const before = this.last.get(l.transactionalId);
      if (before !== undefined && !ABORT_STATES.has(before) && ABORT_STATES.has(l.transactionState))
        aborted.push(l.transactionalId);
      next.set(l.transactionalId, l.transactionState);
    }
    this.last = next;
    return aborted;
  }
}

/**
 * The transaction series of a view. Per transactional id in the group tier (with the groups'
 * series), per partition in the partition tier, so the series limit drops them as it does lag.
 */
export function addTransactionSeries(b: SnapshotBuilder, view: TransactionView): void {
  for (const t of view.ids) {
    const id = { transactional_id: t.transactionalId };
    b.add(Tier.group, 'transactionState', { ...id, state: t.state }, 1);
    if (t.openAgeSeconds !== undefined) b.add(Tier.group, 'transactionOpenAge', id, t.openAgeSeconds);
    if (t.hanging !== undefined) b.add(Tier.group, 'transactionHanging', id, t.hanging ? 1 : 0);
  }
  for (const p of view.partitions) {
    const tp = { topic: p.topic, partition: p.partition };
    b.add(Tier.partition, 'partitionOpenTransactionAge', tp, p.oldestOpenAgeSeconds);
    b.add(Tier.partition, 'partitionHangingTransactions', tp, p.hanging);
  }
}

/** Options of the reader (exporter.transactions). */
export interface TransactionReaderOptions extends TransactionOptions {
  /** Read the transaction APIs at most this often; between reads the last answers are used, their ages grown. */
  intervalMs: number;
}

/**
 * Reads the transaction APIs for one cluster (see the top of this file) at most every
 * `intervalMs`, and counts the aborts it observes. A cluster without ListTransactions (Kafka
 * before 3.0) is said once in the log and then not asked again.
 */
export class TransactionReader {
  private readonly aborts = new AbortTransitions();
  /** Write times of records at open transactions' first offsets (immutable per offset): kept while open. */
  private startTimes = new Map<string, number>();
  /** When each open transaction was first seen on its partition (kept while open). */
  private firstSeen = new Map<string, number>();
  /** Transactional ids with a kafka_transaction_aborts_total series. */
  private readonly countedIds = new Set<string>();
  private last?: TransactionsRead;
  private lastReadMs = -Infinity;
  private unsupported = false;

  constructor(
    private readonly cluster: string,
    private readonly client: ClusterClient,
    private readonly opts: TransactionReaderOptions,
    private readonly logger: Logger,
    /** kafka_transaction_aborts_total of the process (live registry). */
    private readonly abortsCounter?: Counter<string>,
  ) {}

  /**
   * This cycle's view: a fresh read when `intervalMs` has passed, else the last read at `nowMs`.
   * `countAborts`: this replica exports the cluster-wide series (fleet mode: partition 0's holder).
   */
  async view(
    state: ClusterState,
    errors: RequestErrors,
    nowMs: number,
    countAborts: boolean,
  ): Promise<TransactionView | undefined> {
    if (this.unsupported) return undefined;
    // A replica that did not export these series for a while (fleet: partition 0 was elsewhere)
    // forgets what it read then: its states are not compared with today's (aborts another replica
    // already counted), nor served as current.
    if (nowMs - this.lastReadMs > Math.max(2 * this.opts.intervalMs, 60_000)) {
      this.last = undefined;
      this.aborts.reset();
    }
    if (!this.last || nowMs - this.lastReadMs >= this.opts.intervalMs) {
      let read: TransactionsRead | undefined;
      try {
        read = await this.read(state, errors, nowMs);
      } catch (e) {
        // A lookup that failed (FindCoordinator, Metadata) must not fail the cycle and stale every
        // lag series: the error is counted and the last read is served, its ages grown.
        errors.add('Transactions', e);
      }
      if (read) {
        this.last = read;
        this.lastReadMs = nowMs;
        const aborted = this.aborts.observe(read.listed);
        if (countAborts) this.countAborts(read, aborted, nowMs);
      }
    }
    return this.last && transactionView(this.last, this.opts, nowMs);
  }

  /**
   * kafka_transaction_aborts_total for the ids with series (maxTransactionalIds, open ones first):
   * each starts at 0 when first listed, so the first abort shows in increase(); an id no longer
   * listed (expired at its coordinator, or past the limit) loses its series, which keeps the live
   * counter bounded where transactional ids come and go (Kafka Streams' per-process ids).
   */
  private countAborts(read: TransactionsRead, aborted: readonly string[], nowMs: number): void {
    const counter = this.abortsCounter;
    if (!counter) return;
    const labels = (id: string) => ({ cluster: this.cluster, transactional_id: id });
    const kept = new Set(transactionView(read, this.opts, nowMs).ids.map((t) => t.transactionalId));
    for (const id of this.countedIds)
      if (!kept.has(id)) {
        counter.remove(labels(id));
        this.countedIds.delete(id);
      }
    for (const id of kept)
      if (!this.countedIds.has(id)) {
        counter.inc(labels(id), 0);
        this.countedIds.add(id);
      }
    for (const id of aborted) if (kept.has(id)) counter.inc(labels(id));
  }

  private async read(state: ClusterState, errors: RequestErrors, nowMs: number): Promise<TransactionsRead | undefined> {
    const failedBefore = errors.byApi.get('ListTransactions') ?? 0;
    let listed: TransactionListing[];
    try {
      const brokers = state.brokers.map((b) => b.id);
      listed = await this.client.listTransactions(undefined, errors, brokers);
    } catch (e) {
      errors.add('ListTransactions', e);
      return undefined;
    }
    const listComplete = (errors.byApi.get('ListTransactions') ?? 0) === failedBefore;
    if (!listComplete && listed.length === 0 && this.noBrokerHasListTransactions(errors)) return undefined;
    const open = listed.filter((l) => OPEN_STATES.has(l.transactionState));
    // The broker that listed an id coordinates it: asked directly, no FindCoordinator per id.
    const coordinators = new Map(open.map((l) => [l.transactionalId, l.coordinatorId]));
    const described =
      open.length > 0 ? await this.client.describeTransactions([...coordinators.keys()], errors, coordinators) : [];
    // Only a partition whose LSO is below its high watermark can hold an open transaction. Each is
    // asked at the leader this cycle's Metadata named (no Metadata request of its own).
    const held: PartitionRef[] = [];
    for (const t of state.topics)
      for (const p of t.partitions)
        if (p.lastStableOffset !== undefined && p.highWatermark !== undefined && p.lastStableOffset < p.highWatermark)
          held.push({ topic: p.topic, partition: p.partition, leader: p.leader });
    const producers = held.length > 0 ? await this.client.describeProducers(held, errors) : [];
    const leaders = new Map(held.map((p) => [tpKey(p.topic, p.partition), p.leader]));
    const wanted: (PartitionRef & { offset: number })[] = [];
    const keep = new Map<string, number>();
    const seen = new Map<string, number>();
    for (const pp of producers)
      for (const pr of pp.producers) {
        const first = Number(pr.currentTxnStartOffset);
        if (first < 0) continue;
        const key = startKey(pp.topic, pp.partition, first);
        seen.set(key, this.firstSeen.get(key) ?? nowMs);
        const known = this.startTimes.get(key);
        if (known !== undefined) keep.set(key, known);
        else
          wanted.push({
            topic: pp.topic,
            partition: pp.partition,
            offset: first,
            leader: leaders.get(tpKey(pp.topic, pp.partition)) ?? -1,
          });
      }
    this.firstSeen = seen;
    if (wanted.length > 0)
      for (const [key, ts] of await this.client.recordTimestamps(wanted, errors)) keep.set(key, ts);
    this.startTimes = keep;
    return { listed, listComplete, described, producers, startTimes: keep, firstSeen: seen };
  }

  /** True (and said once) when no broker offers ListTransactions: the cluster cannot show transactions. */
  private noBrokerHasListTransactions(errors: RequestErrors): boolean {
    const unsupported = errors.messages.some((m) => /does not support ListTransactions/.test(m));
    if (unsupported) {
      this.unsupported = true;
      this.logger.warn(
        { cluster: this.cluster },
        'brokers do not support ListTransactions (KIP-664, Kafka 3.0+): no transaction series for this cluster',
      );
    }
    return unsupported;
  }
}
