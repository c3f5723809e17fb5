// The replica manager: the local replicas of partitions (their logs plus replication state) and
// the produce, fetch and list-offsets paths over them.
//
// Partition metadata (leader, epoch, replicas, ISR) lives in the TopicStore; logs live in
// broker/log; this class joins them and owns what sits between: high watermarks, follower
// progress (log end offsets reported by replica fetches, issue 4) and delayed operations (long-poll
// fetches, acks=all produces). Single broker: the ISR is just this node, so the high watermark
// moves with every append and acks=all completes at once; the same code waits for followers once
// replication feeds `recordFollowerFetch`.
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Logger } from '../../common/logging.js';
import { errorCodeOf } from '../log/errors.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import { topicConfigNumber, type TopicConfigs } from '../state/topic-config.js';
import type { PartitionState, TopicChange, TopicStore } from '../state/topic-store.js';
import type { BrokerConfig } from '../config.js';
import type { LocalLog, ReadResult } from './partition-log.js';

/** Opens and deletes partition logs (implemented over broker/log's LogManager). */
export interface LogProvider {
  open(topic: string, partition: number, configs: TopicConfigs): LocalLog;
  delete(topic: string, partition: number): void;
  configsChanged(topic: string, partitions: number, configs: TopicConfigs): void;
}

export class Replica {
  highWatermark: number;
  /** Log end offsets of followers, from their fetches (issue 4). */
  readonly followerLeo = new Map<number, number>();
  constructor(
    public state: PartitionState,
    readonly log: LocalLog,
  ) {
    // Single-node ISR: everything in the recovered log is committed.
    this.highWatermark = log.logEndOffset();
  }
}

export interface AppendOutcome {
  errorCode: number;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
  /** Offset the high watermark must pass for acks=all (lastOffset + 1), -1 on error. */
  requiredOffset: number;
  message?: string;
}

export interface FetchPartitionSpec {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer[] | null;
  bytes: number;
}

export interface FetchSpec {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitions: FetchPartitionSpec[];
}

interface Waiter {
  keys: string[];
  check(): boolean;
  fire(): void;
}

const MAX_FETCH_WAIT_MS = 60_000;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ReplicaManager {
  private readonly replicas = new Map<string, Replica>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(
    private readonly config: BrokerConfig,
    private readonly topics: TopicStore,
    private readonly logs: LogProvider,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger,
  ) {}

  /** Open the local replica of every known partition and follow topic changes. */
  start(): void {
    for (const t of this.topics.list()) for (const p of t.partitions) this.openReplica(p, t.configs);
    this.topics.onChange((c) => this.onTopicChange(c));
  }

  private openReplica(p: PartitionState, configs: TopicConfigs): void {
    if (!p.replicas.includes(this.config.nodeId)) return;
    const log = this.logs.open(p.topic, p.partition, configs);
    this.replicas.set(key(p.topic, p.partition), new Replica(p, log));
  }

  private onTopicChange(c: TopicChange): void {
    const t = c.topic;
    switch (c.kind) {
      case 'created':
        for (const p of t.partitions) this.openReplica(p, t.configs);
        break;
      case 'partitions-added':
        for (const p of t.partitions.slice(c.from)) this.openReplica(p, t.configs);
        break;
      case 'deleted':
        for (const p of t.partitions) {
          const k = key(t.name, p.partition);
          if (!this.replicas.delete(k)) continue;
          this.logs.delete(t.name, p.partition);
          this.wake(k);
        }
        break;
      case 'configs-changed':
        this.logs.configsChanged(t.name, t.partitions.length, t.configs);
        break;
    }
  }

  replica(topic: string, partition: number): Replica | undefined {
    return this.replicas.get(key(topic, partition));
  }

  allReplicas(): Replica[] {
    return [...this.replicas.values()];
  }

  /** Error code for a request addressed to this partition's leader, or NONE. */
  private leaderError(topic: string, partition: number): { replica?: Replica; errorCode: number } {
    const state = this.topics.partition(topic, partition);
    if (!state) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (state.leader !== this.config.nodeId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    const replica = this.replicas.get(key(topic, partition));
    if (!replica) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    return { replica, errorCode: ErrorCode.NONE };
  }

  /** Append a producer's batches to a partition led here (sync). */
  appendRecords(topic: string, partition: number, records: Buffer | null, acks: number): AppendOutcome {
    const fail = (errorCode: number, message?: string): AppendOutcome => ({ errorCode, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, requiredOffset: -1, message });
    const { replica, errorCode } = this.leaderError(topic, partition);
    if (!replica) return fail(errorCode);
    if (records === null || records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE, 'no records');
    const configs = this.topics.get(topic)?.configs ?? {};
    if (acks === -1) {
      const minIsr = topicConfigNumber(configs, this.config, 'min.insync.replicas');
      if (replica.state.isr.length < minIsr) return fail(ErrorCode.NOT_ENOUGH_REPLICAS, `ISR ${replica.state.isr.length} is below min.insync.replicas ${minIsr}`);
    }
    try {
      const r = replica.log.appendAsLeader(records, replica.state.leaderEpoch);
      if (r.records > 0) this.metrics.produced(topic, r.records, r.bytes);
      this.maybeIncrementHighWatermark(replica);
      return { errorCode: ErrorCode.NONE, baseOffset: r.firstOffset, logAppendTime: r.logAppendTime, logStartOffset: replica.log.logStartOffset(), requiredOffset: r.lastOffset + 1 };
    } catch (e) {
      const code = errorCodeOf(e);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR) this.logger.error({ err: e, topic, partition }, 'append failed');
      else this.logger.debug({ topic, partition, err: (e as Error).message }, 'append rejected');
      if (code === ErrorCode.MESSAGE_TOO_LARGE || code === ErrorCode.CORRUPT_MESSAGE) this.metrics.rejectedBytes(topic, records.length);
      return fail(code, (e as Error).message);
    }
  }

  /** HW = min log end offset over the ISR (just this node until followers report). */
  private maybeIncrementHighWatermark(replica: Replica): void {
    let hw = replica.log.logEndOffset();
    for (const id of replica.state.isr) {
      if (id === this.config.nodeId) continue;
      hw = Math.min(hw, replica.followerLeo.get(id) ?? 0);
    }
    if (hw > replica.highWatermark) {
      replica.highWatermark = hw;
      this.wake(key(replica.state.topic, replica.state.partition));
    }
  }

  /** Resolves once the HW of every given partition passes its required offset, or after timeoutMs. */
  awaitHighWatermark(targets: { topic: string; partition: number; requiredOffset: number }[], timeoutMs: number): Promise<Set<string>> | null {
    const pending = () => targets.filter((t) => {
      const r = this.replicas.get(key(t.topic, t.partition));
      return r !== undefined && r.highWatermark < t.requiredOffset;
    });
    if (pending().length === 0) return null;
    return new Promise((resolve) => {
      const finish = () => resolve(new Set(pending().map((t) => key(t.topic, t.partition))));
      this.park(targets.map((t) => key(t.topic, t.partition)), () => pending().length === 0, timeoutMs, finish);
    });
  }

  /** Fetch as a consumer (reads up to the HW) or follower (replicaId >= 0: up to the log end). */
  fetch(spec: FetchSpec): FetchPartitionResult[] | Promise<FetchPartitionResult[]> {
    // Clients use seconds at most; a bound keeps a hostile max_wait_ms from parking forever.
    const maxWaitMs = Math.min(spec.maxWaitMs, MAX_FETCH_WAIT_MS);
    const first = this.readAll(spec);
    const bytes = first.reduce((n, p) => n + p.bytes, 0);
    const anyError = first.some((p) => p.errorCode !== ErrorCode.NONE);
    if (maxWaitMs <= 0 || bytes >= spec.minBytes || anyError || spec.partitions.length === 0) return first;
    // Long poll: wake on appends to any fetched partition; answer once min_bytes are available.
    const keys = spec.partitions.map((p) => key(p.topic, p.partition));
    const available = () => {
      let n = 0;
      for (const p of spec.partitions) {
        const r = this.replicas.get(key(p.topic, p.partition));
        if (!r) return Infinity; // deleted or moved: answer now with the error
        const end = spec.replicaId >= 0 ? r.log.logEndOffset() : r.highWatermark;
        if (end > p.fetchOffset) n += 1; // conservatively: something to return
        if (p.fetchOffset > r.log.logEndOffset() || p.fetchOffset < r.log.logStartOffset()) return Infinity;
      }
      return n;
    };
    return new Promise((resolve) => {
      this.park(keys, () => available() > 0 && (spec.minBytes <= 1 || this.readAll(spec).reduce((n, p) => n + p.bytes, 0) >= spec.minBytes), maxWaitMs, () => resolve(this.readAll(spec)));
    });
  }

  private readAll(spec: FetchSpec): FetchPartitionResult[] {
    let budget = spec.maxBytes > 0 ? spec.maxBytes : Number.MAX_SAFE_INTEGER;
    let haveData = false;
    return spec.partitions.map((p) => {
      const res = this.readPartition(p, spec.replicaId, budget, !haveData);
      if (res.bytes > 0) haveData = true;
      budget = Math.max(0, budget - res.bytes);
      return res;
    });
  }

  private readPartition(p: FetchPartitionSpec, replicaId: number, budget: number, minOneBatch: boolean): FetchPartitionResult {
    const base = { topic: p.topic, partition: p.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null, bytes: 0 };
    const { replica, errorCode } = this.leaderError(p.topic, p.partition);
    if (!replica) return { ...base, errorCode };
    if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== replica.state.leaderEpoch) {
      return { ...base, errorCode: p.currentLeaderEpoch < replica.state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH };
    }
    const log = replica.log;
    const hw = replica.highWatermark;
    const info = { ...base, highWatermark: hw, lastStableOffset: hw, logStartOffset: log.logStartOffset() };
    if (p.fetchOffset < log.logStartOffset() || p.fetchOffset > log.logEndOffset()) return { ...info, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
    const maxOffset = replicaId >= 0 ? log.logEndOffset() : hw;
    if (p.fetchOffset >= maxOffset) return { ...info, errorCode: ErrorCode.NONE, records: [] };
    let read: ReadResult;
    try {
      read = log.read(p.fetchOffset, Math.min(p.partitionMaxBytes, budget), maxOffset, minOneBatch);
    } catch (e) {
      const code = errorCodeOf(e);
      this.logger.warn({ topic: p.topic, partition: p.partition, err: (e as Error).message }, 'read failed');
      return { ...info, errorCode: code };
    }
    return { ...info, errorCode: ErrorCode.NONE, records: read.records, bytes: read.bytes };
  }

  /** Park an operation until `check()` holds (re-checked on every wake of its keys) or timeout. */
  private park(keys: string[], check: () => boolean, timeoutMs: number, done: () => void): void {
    let finished = false;
    const waiter: Waiter = {
      keys,
      check,
      fire: () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        for (const k of keys) this.waiters.get(k)?.delete(waiter);
        done();
      },
    };
    for (const k of keys) {
      let set = this.waiters.get(k);
      if (!set) this.waiters.set(k, (set = new Set()));
      set.add(waiter);
    }
    const timer = setTimeout(() => waiter.fire(), Math.max(0, timeoutMs));
  }

  private wake(k: string): void {
    const set = this.waiters.get(k);
    if (!set || set.size === 0) return;
    for (const w of [...set]) if (w.check()) w.fire();
  }

  /** Answer every parked operation now (shutdown). */
  wakeAll(): void {
    for (const set of this.waiters.values()) for (const w of [...set]) w.fire();
  }
}
