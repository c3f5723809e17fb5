// The transaction coordinator (KIP-98): transactional id -> producer id, epoch, state and the
// partitions of its open transaction. A transactional id belongs to the partition
// abs(hashCode(id)) % transaction.state.log.num.partitions of `__transaction_state`, and its
// coordinator is that partition's leader: every state change is written there (and replicated)
// before it is applied, and a broker that becomes the partition's leader replays it (load()).
//
// States (Kafka's): Empty -> Ongoing (AddPartitionsToTxn / AddOffsetsToTxn) -> PrepareCommit or
// PrepareAbort (EndTxn, timeout, fencing) -> markers written to every partition of the transaction
// (WriteTxnMarkers to their leaders) -> CompleteCommit / CompleteAbort -> Ongoing again with the
// next AddPartitionsToTxn. InitProducerId bumps the epoch, so requests of a zombie with an older
// epoch are fenced; an open transaction is aborted first. A transaction open longer than its
// timeout is aborted with a bumped epoch (the producer is fenced, as Kafka does).
import type { Logger } from '../../common/index.js';
import { CONSUMER_OFFSETS_TOPIC, ErrorCode, offsetsPartitionFor } from '../../protocol/index.js';
import {
  TxnState,
  type TxnStateId,
  type TxnRecordValue,
  encodeTxnKey,
  encodeTxnValue,
  decodeTxnKey,
  decodeTxnValue,
} from './state-records.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
/** Kafka bumps to a new producer id before the epoch reaches Short.MaxValue. */
const MAX_EPOCH = 32766;
/** How long EndTxn and InitProducerId wait for a marker round before answering CONCURRENT_TRANSACTIONS. */
const COMPLETION_WAIT_MS = 3000;
/** Cap of the backoff between retries of a CompleteCommit/CompleteAbort state write. */
const MAX_RETRY_BACKOFF_MS = 1000;
/** Kafka's load-time sensors keep the last 30 s (two 30 s samples; one window here). */
const LOAD_TIME_WINDOW_MS = 30_000;

/** The marker channel's queues, as Kafka's TransactionMarkerChannelManager gauges count them. */
export class MarkerQueues {
  /** Per marker round: its partitions whose leader is unknown now (UnknownDestinationQueueSize). */
  readonly unknownDestination = new Map<symbol, number>();
  /** Transactions whose markers are written and whose CompleteX write is being retried (LogAppendRetryQueueSize). */
  logAppendRetry = 0;

  unknownDestinationSize(): number {
    let n = 0;
    for (const v of this.unknownDestination.values()) n += v;
    return n;
  }
}

export interface TxnCoordinatorMetrics {
  /** partition-load-time-max/avg of the last 30 s in ms; NaN without a load (as Kafka's Max/Avg). */
  loadTimeMaxMs: number;
  loadTimeAvgMs: number;
  unknownDestination: number;
  logAppendRetry: number;
}

export interface TxnMetadata extends TxnRecordValue {
  transactionalId: string;
  /** A state change is being written: other requests get CONCURRENT_TRANSACTIONS. */
  pending: boolean;
  /** The marker round of a PrepareCommit/PrepareAbort in progress. */
  completing: Promise<number> | null;
}

export interface MarkerRequest {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  partitions: Map<string, number[]>;
}

/** What the coordinator needs from its broker (broker/txn/plugin.ts implements it). */
export interface TxnCoordinatorPorts {
  logger: Logger;
  now(): number;
  allocateProducerId(): number;
  /** Appends one record to a `__transaction_state` partition and resolves once it is replicated. */
  persist(partition: number, key: Buffer, value: Buffer): Promise<void>;
  /** Writes the markers on every partition's leader; rejects once `stillOwner()` is false. */
  writeMarkers(req: MarkerRequest, stillOwner: () => boolean): Promise<void>;
  /** Whether a topic partition exists (AddPartitionsToTxn). */
  partitionExists(topic: string, partition: number): boolean;
  /** The `__consumer_offsets` partition of a group (AddOffsetsToTxn). */
  offsetsPartitionOf(groupId: string): number;
}

export interface TxnCoordinatorConfig {
  numPartitions: number;
  maxTimeoutMs: number;
  /** How long a request waits for a marker round (default COMPLETION_WAIT_MS). */
  completionWaitMs?: number;
}

export interface ApiVersionFlags {
  /** The API version may answer PRODUCER_FENCED (else INVALID_PRODUCER_EPOCH). */
  producerFenced: boolean;
}

const prepared = (s: number) => s === TxnState.PrepareCommit || s === TxnState.PrepareAbort;

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();
  /** `__transaction_state` partitions loaded here -> coordinator epoch (the partition's leader epoch). */
  private readonly owned = new Map<number, number>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private abortsTotal = 0;
  private commitsTotal = 0;
  private loadTimes: { at: number; ms: number }[] = [];

  constructor(
    private readonly ports: TxnCoordinatorPorts,
    readonly config: TxnCoordinatorConfig,
    readonly markerQueues = new MarkerQueues(),
  ) {}

  /** A `__transaction_state` partition took `ms` to load (partition-load-time). */
  recordLoadTime(ms: number): void {
    this.loadTimes.push({ at: this.ports.now(), ms });
  }

  /** Kafka's transaction-coordinator-metrics and TransactionMarkerChannelManager gauges. */
  metrics(now = this.ports.now()): TxnCoordinatorMetrics {
    this.loadTimes = this.loadTimes.filter((l) => now - l.at <= LOAD_TIME_WINDOW_MS);
    const ms = this.loadTimes.map((l) => l.ms);
    return {
      loadTimeMaxMs: ms.length > 0 ? Math.max(...ms) : NaN,
      loadTimeAvgMs: ms.length > 0 ? ms.reduce((a, b) => a + b, 0) / ms.length : NaN,
      unknownDestination: this.markerQueues.unknownDestinationSize(),
      logAppendRetry: this.markerQueues.logAppendRetry,
    };
  }

  partitionFor(transactionalId: string): number {
    return offsetsPartitionFor(transactionalId, this.config.numPartitions);
  }

  /** NOT_COORDINATOR unless this broker loaded the id's partition. */
  unavailable(transactionalId: string): number {
    return this.owned.has(this.partitionFor(transactionalId)) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
  }

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  describe(transactionalId: string): Readonly<TxnMetadata> | undefined {
    return this.txns.get(transactionalId);
  }

  all(): Readonly<TxnMetadata>[] {
    return [...this.txns.values()];
  }

  stats(): { transactions: number; ongoing: number; commits: number; aborts: number; partitions: number } {
    let ongoing = 0;
    for (const m of this.txns.values()) if (m.state === TxnState.Ongoing || prepared(m.state)) ongoing++;
    return {
      transactions: this.txns.size,
      ongoing,
      commits: this.commitsTotal,
      aborts: this.abortsTotal,
      partitions: this.owned.size,
    };
  }

  // ------------------------------------------------------------------ loading

  /**
   * Becomes the coordinator of a `__transaction_state` partition: replays its records (log order,
   * newest value per id wins) and finishes any transaction that was prepared but not completed
   * (its markers may be missing on some partitions: writing them again is harmless).
   */
  load(partition: number, coordinatorEpoch: number, records: Iterable<{ key: Buffer; value: Buffer | null }>): number {
    const latest = new Map<string, TxnRecordValue | null>();
    let skipped = 0;
    for (const r of records) {
      try {
        const id = decodeTxnKey(r.key);
        if (id === null) continue;
        latest.set(id, r.value === null ? null : decodeTxnValue(r.value));
      } catch {
        skipped++;
      }
    }
    if (skipped > 0)
      this.ports.logger.warn({ partition, skipped }, `skipped undecodable ${TRANSACTION_STATE_TOPIC} records`);
    this.owned.set(partition, coordinatorEpoch);
    for (const [id, v] of latest) {
      if (!v || this.partitionFor(id) !== partition) continue;
      const m: TxnMetadata = { ...v, transactionalId: id, pending: false, completing: null };
      this.txns.set(id, m);
      if (prepared(m.state)) void this.complete(m);
    }
    return latest.size;
  }

  /** Stops coordinating a partition (it moved): its transactions are forgotten here. */
  unload(partition: number): number {
    if (!this.owned.delete(partition)) return 0;
    let n = 0;
    for (const id of [...this.txns.keys()])
      if (this.partitionFor(id) === partition) {
        this.txns.delete(id);
        n++;
      }
    return n;
  }

  // ------------------------------------------------------------------ state changes

  /**
   * Writes `next` for `m` to the state log, then applies it. Returns an error code. `mayWrite`,
   * checked right before the write (in the same tick as the append), keeps a write that must not
   * happen any more out of the log: NOT_COORDINATOR without writing.
   */
  private async transition(m: TxnMetadata, next: TxnRecordValue, mayWrite?: () => boolean): Promise<number> {
    const partition = this.partitionFor(m.transactionalId);
    if (mayWrite && !mayWrite()) return ErrorCode.NOT_COORDINATOR;
    m.pending = true;
    try {
      await this.ports.persist(partition, encodeTxnKey(m.transactionalId), encodeTxnValue(next));
    } catch (e) {
      this.ports.logger.debug(
        { transactionalId: m.transactionalId, err: (e as Error).message },
        'transaction state write failed',
      );
      return this.owned.has(partition) ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NOT_COORDINATOR;
    } finally {
      m.pending = false;
    }
    // Moved while writing: the new coordinator replays the record (or not, if it was lost).
    if (!this.owned.has(partition) || this.txns.get(m.transactionalId) !== m) return ErrorCode.NOT_COORDINATOR;
    Object.assign(m, next);
    return ErrorCode.NONE;
  }

  private valueOf(m: TxnMetadata, change: Partial<TxnRecordValue>): TxnRecordValue {
    return {
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      timeoutMs: m.timeoutMs,
      state: m.state,
      partitions: m.partitions,
      lastUpdateMs: this.ports.now(),
      startMs: m.startMs,
      ...change,
    };
  }

  /** PrepareX is durable: write the markers, then CompleteX. Resolves with an error code. */
  private complete(m: TxnMetadata): Promise<number> {
    if (m.completing) return m.completing;
    const commit = m.state === TxnState.PrepareCommit;
    const partition = this.partitionFor(m.transactionalId);
    // The coordinator epoch when the markers are started (Kafka's rule): the markers and every
    // CompleteX write belong to this load of the state partition. Once it is unloaded, or loaded
    // again (moved away and back: a higher epoch, new metadata), the coordinator of that load
    // completes the transaction from its own state, and a write of this round on top of it could
    // overwrite what it wrote since (a later transaction of the same id), so this round stops.
    const coordinatorEpoch = this.owned.get(partition) ?? -1;
    const stillCoordinator = () =>
      coordinatorEpoch >= 0 && this.owned.get(partition) === coordinatorEpoch && this.txns.get(m.transactionalId) === m;
    const run = async (): Promise<number> => {
      try {
        await this.ports.writeMarkers(
          {
            producerId: m.producerId,
            producerEpoch: m.producerEpoch,
            commit,
            coordinatorEpoch,
            partitions: m.partitions,
          },
          stillCoordinator,
        );
      } catch (e) {
        this.ports.logger.debug(
          { transactionalId: m.transactionalId, err: (e as Error).message },
          'transaction markers not written',
        );
        return ErrorCode.NOT_COORDINATOR;
      }
      // The markers are written: CompleteX is written again while a write fails (not replicated
      // in time) and this broker still coordinates the id in the same coordinator epoch, as
      // Kafka's log-append retry queue does; each try checks that before it writes.
      let delayMs = 50;
      for (;;) {
        const code = await this.transition(
          m,
          this.valueOf(m, { state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, partitions: new Map() }),
          stillCoordinator,
        );
        if (code === ErrorCode.NONE) {
          if (commit) this.commitsTotal++;
          else this.abortsTotal++;
        }
        if (code !== ErrorCode.COORDINATOR_NOT_AVAILABLE) return code;
        this.markerQueues.logAppendRetry++;
        try {
          await new Promise((r) => setTimeout(r, delayMs));
        } finally {
          this.markerQueues.logAppendRetry--;
        }
        delayMs = Math.min(delayMs * 2, MAX_RETRY_BACKOFF_MS);
      }
    };
    m.completing = run().finally(() => (m.completing = null));
    return m.completing;
  }

  /**
   * Waits for the marker round of a prepared transaction at most `completionWaitMs`. A round that
   * cannot finish (a partition without a leader, a leader that does not answer) goes on in the
   * background, retried with a capped backoff while this broker coordinates the id, and the request
   * is answered CONCURRENT_TRANSACTIONS, which every client retries (Kafka answers so while a
   * transaction is PrepareCommit/PrepareAbort), instead of being held without end.
   */
  private async awaitCompletion(m: TxnMetadata): Promise<number> {
    const round = this.complete(m);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<number>((resolve) => {
      timer = setTimeout(
        () => resolve(ErrorCode.CONCURRENT_TRANSACTIONS),
        this.config.completionWaitMs ?? COMPLETION_WAIT_MS,
      );
    });
    try {
      return await Promise.race([round, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Aborts the open transaction of `m` with a bumped epoch (fencing its producer). */
  private async fenceAndAbort(m: TxnMetadata): Promise<number> {
    const epoch = m.producerEpoch + 1;
    const code = await this.transition(m, this.valueOf(m, { state: TxnState.PrepareAbort, producerEpoch: epoch }));
    if (code !== ErrorCode.NONE) return code;
    return this.awaitCompletion(m);
  }

  private fenced(flags: ApiVersionFlags): number {
    return flags.producerFenced ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
  }

  /** The checks every request of an ongoing producer passes first; NONE when it may go on. */
  /**
   * The transaction a request of this producer may act on, or why not: the coordinator is not
   * serving the id, the id is unknown or mapped to another producer, the epoch is fenced, or a
   * state write is still in flight.
   */
  private current(
    transactionalId: string,
    producerId: number,
    epoch: number,
    flags: ApiVersionFlags,
  ): TxnMetadata | number {
    const unavailable = this.unavailable(transactionalId);
    if (unavailable) return unavailable;
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== m.producerEpoch) return this.fenced(flags);
    if (m.pending) return ErrorCode.CONCURRENT_TRANSACTIONS;
    return m;
  }

  // ------------------------------------------------------------------ the APIs

  async initProducerId(
    transactionalId: string,
    timeoutMs: number,
  ): Promise<{ errorCode: number; producerId: number; producerEpoch: number }> {
    const fail = (errorCode: number) => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    const unavailable = this.unavailable(transactionalId);
    if (unavailable) return fail(unavailable);
    if (timeoutMs <= 0 || timeoutMs > this.config.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let m = this.txns.get(transactionalId);
    if (!m) {
      m = {
        transactionalId,
        producerId: this.ports.allocateProducerId(),
        producerEpoch: -1,
        timeoutMs,
        state: TxnState.Empty,
        partitions: new Map(),
        lastUpdateMs: this.ports.now(),
        startMs: -1,
        pending: false,
        completing: null,
      };
      this.txns.set(transactionalId, m);
    }
    if (m.pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (m.state === TxnState.Ongoing) {
      // A new producer instance with the same id: the old one's transaction is aborted and it is fenced.
      const code = await this.fenceAndAbort(m);
      if (code !== ErrorCode.NONE)
        return fail(code === ErrorCode.NOT_COORDINATOR ? code : ErrorCode.CONCURRENT_TRANSACTIONS);
    } else if (prepared(m.state)) {
      const code = await this.awaitCompletion(m);
      if (code !== ErrorCode.NONE)
        return fail(code === ErrorCode.NOT_COORDINATOR ? code : ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    if (this.txns.get(transactionalId) !== m) return fail(ErrorCode.NOT_COORDINATOR);
    let producerId = m.producerId;
    let producerEpoch = m.producerEpoch + 1;
    if (producerEpoch > MAX_EPOCH) {
      producerId = this.ports.allocateProducerId();
      producerEpoch = 0;
    }
    const code = await this.transition(
      m,
      this.valueOf(m, {
        producerId,
        producerEpoch,
        timeoutMs,
        state: TxnState.Empty,
        partitions: new Map(),
        startMs: -1,
      }),
    );
    if (code !== ErrorCode.NONE) return fail(code);
    return { errorCode: ErrorCode.NONE, producerId, producerEpoch };
  }

  async addPartitions(
    transactionalId: string,
    producerId: number,
    epoch: number,
    topics: { name: string; partitions: number[] }[],
    flags: ApiVersionFlags,
  ): Promise<{ name: string; results: { partitionIndex: number; errorCode: number }[] }[]> {
    const answer = (code: (topic: string, p: number) => number) =>
      topics.map((t) => ({
        name: t.name,
        results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code(t.name, p) })),
      }));
    const all = (code: number) => answer(() => code);
    const m = this.current(transactionalId, producerId, epoch, flags);
    if (typeof m === 'number') return all(m);
    if (prepared(m.state)) return all(ErrorCode.CONCURRENT_TRANSACTIONS);
    const missing = topics.some((t) => t.partitions.some((p) => !this.ports.partitionExists(t.name, p)));
    if (missing)
      return answer((t, p) =>
        this.ports.partitionExists(t, p) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
    const code = await this.addToTransaction(m, topics);
    return all(code);
  }

  /**
   * KIP-890 verification (AddPartitionsToTxn v4 with verify_only, asked by a partition leader
   * before the first transactional batch of a producer there): NONE for each partition in the
   * producer's ongoing transaction, INVALID_TXN_STATE for the others; nothing is changed. Checks as
   * Kafka's: unknown id or another producer id INVALID_PRODUCER_ID_MAPPING, another epoch
   * PRODUCER_FENCED, a transaction being completed CONCURRENT_TRANSACTIONS.
   */
  verifyPartitions(
    transactionalId: string,
    producerId: number,
    epoch: number,
    topics: { name: string; partitions: number[] }[],
  ): { name: string; results: { partitionIndex: number; errorCode: number }[] }[] {
    const answer = (code: (topic: string, p: number) => number) =>
      topics.map((t) => ({
        name: t.name,
        results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code(t.name, p) })),
      }));
    if (transactionalId === '') return answer(() => ErrorCode.INVALID_REQUEST);
    const unavailable = this.unavailable(transactionalId);
    if (unavailable) return answer(() => unavailable);
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return answer(() => ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== epoch) return answer(() => ErrorCode.PRODUCER_FENCED);
    if (prepared(m.state)) return answer(() => ErrorCode.CONCURRENT_TRANSACTIONS);
    return answer((t, p) =>
      m.state === TxnState.Ongoing && (m.partitions.get(t)?.includes(p) ?? false)
        ? ErrorCode.NONE
        : ErrorCode.INVALID_TXN_STATE,
    );
  }

  private async addToTransaction(m: TxnMetadata, topics: { name: string; partitions: number[] }[]): Promise<number> {
    const partitions = new Map<string, number[]>();
    for (const [t, ps] of m.state === TxnState.Ongoing ? m.partitions : []) partitions.set(t, [...ps]);
    let added = false;
    for (const t of topics) {
      const ps = partitions.get(t.name) ?? [];
      for (const p of t.partitions)
        if (!ps.includes(p)) {
          ps.push(p);
          added = true;
        }
      partitions.set(t.name, ps);
    }
    if (!added && m.state === TxnState.Ongoing) return ErrorCode.NONE;
    const startMs = m.state === TxnState.Ongoing ? m.startMs : this.ports.now();
    return this.transition(m, this.valueOf(m, { state: TxnState.Ongoing, partitions, startMs }));
  }

  async addOffsets(
    transactionalId: string,
    producerId: number,
    epoch: number,
    groupId: string,
    flags: ApiVersionFlags,
  ): Promise<number> {
    const m = this.current(transactionalId, producerId, epoch, flags);
    if (typeof m === 'number') return m;
    if (prepared(m.state)) return ErrorCode.CONCURRENT_TRANSACTIONS;
    return this.addToTransaction(m, [
      { name: CONSUMER_OFFSETS_TOPIC, partitions: [this.ports.offsetsPartitionOf(groupId)] },
    ]);
  }

  /**
   * EndTxn: PrepareCommit/PrepareAbort is written, then the markers, then CompleteX; answered once
   * the transaction is complete, so a read_committed consumer sees a committed transaction as soon
   * as its producer's commit returns, or CONCURRENT_TRANSACTIONS when the markers take longer than
   * `completionWaitMs` (the client retries; the decision is durable and the round goes on). A
   * retried EndTxn of a completed transaction is answered NONE.
   */
  async endTxn(
    transactionalId: string,
    producerId: number,
    epoch: number,
    commit: boolean,
    flags: ApiVersionFlags,
  ): Promise<number> {
    const m = this.current(transactionalId, producerId, epoch, flags);
    if (typeof m === 'number') return m;
    switch (m.state) {
      case TxnState.Ongoing: {
        const code = await this.transition(
          m,
          this.valueOf(m, { state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort }),
        );
        if (code !== ErrorCode.NONE) return code;
        return this.awaitCompletion(m);
      }
      case TxnState.PrepareCommit:
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case TxnState.PrepareAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      case TxnState.CompleteCommit:
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case TxnState.CompleteAbort:
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /** TxnOffsetCommit's coordinator-side check: the producer's id and epoch are current. */
  checkProducer(transactionalId: string, producerId: number, epoch: number): number {
    const m = this.txns.get(transactionalId);
    if (!m) return ErrorCode.NONE; // coordinated elsewhere: the group coordinator cannot tell
    if (m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    return epoch === m.producerEpoch ? ErrorCode.NONE : ErrorCode.INVALID_PRODUCER_EPOCH;
  }

  // ------------------------------------------------------------------ timeouts

  /** Aborts every transaction open longer than its timeout (transaction.abort.timed.out...). */
  abortTimedOut(now = this.ports.now()): number {
    let n = 0;
    for (const m of this.txns.values()) {
      if (m.state !== TxnState.Ongoing || m.pending || m.startMs < 0 || now - m.startMs <= m.timeoutMs) continue;
      n++;
      this.ports.logger.info(
        {
          transactionalId: m.transactionalId,
          producerId: m.producerId,
          openMs: now - m.startMs,
          timeoutMs: m.timeoutMs,
        },
        'aborting a transaction open past its timeout',
      );
      void this.fenceAndAbort(m);
    }
    return n;
  }

  start(intervalMs: number): void {
    this.sweepTimer = setInterval(() => this.abortTimedOut(), intervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const p of [...this.owned.keys()]) this.unload(p);
  }

  /** Test hook: the state of every owned id. */
  stateOf(transactionalId: string): TxnStateId | undefined {
    return this.txns.get(transactionalId)?.state;
  }
}
