// The partition-leader side of KIP-932 share groups: share sessions, ShareFetch and
// ShareAcknowledge over SharePartition state machines (share-partition.ts), and their durable
// form in the internal compacted topic `__share_group_state`.
//
// Sessions: one per (group, member) on this broker. Epoch 0 opens one (replacing any), the next
// request must carry epoch + 1 (else INVALID_SHARE_SESSION_EPOCH; a session this broker does not
// know: SHARE_SESSION_NOT_FOUND), -1 closes it after its acknowledgements and releases what the
// member still holds. A fetch serves every partition of the session; acknowledgements in an
// epoch-0 request are an INVALID_REQUEST, as Kafka's. A session unused for longer than the share
// session timeout (group.share.session.timeout.ms) is dropped by the sweep and what its member
// held is released; at most group.share.max.share.sessions exist per broker (beyond that a new
// one gets SHARE_SESSION_LIMIT_REACHED, retriable). Only partitions that exist join a session
// (else UNKNOWN_TOPIC_ID / UNKNOWN_TOPIC_OR_PARTITION), so a session is bounded by the cluster.
//
// Durability: after every change of a share-partition (acquisition, acknowledgement, lock expiry,
// SPSO move) the leader appends one record with its whole state (SPSO + runs of in-flight states
// and delivery counts; acquired records as Available, since locks do not survive the leader) to a
// `__share_group_state` partition that this broker leads, and answers acknowledgements once that
// record is replicated (high watermark, bounded wait). Keys are (group, topic id, partition) and
// values carry a sequence number that only grows, so the newest state of a share-partition is the
// record with the highest sequence over all state partitions. A broker that becomes leader of a
// partition reads that from its local replicas of `__share_group_state` (the topic is created with
// replication factor min(3, brokers), i.e. on every broker of the 3-node reference cluster).
import {
  ErrorCode,
  ProtocolReader,
  ProtocolWriter,
  uuidFromBytes,
  uuidToBytes,
  type AcknowledgementBatch,
  type AcquiredRecords,
  type DescribeShareGroupOffsetsRequest,
  type DescribeShareGroupOffsetsResponse,
  type NodeEndpoint,
  type ShareAcknowledgeRequest,
  type ShareAcknowledgeResponse,
  type ShareFetchPartitionResponse,
  type ShareFetchRequest,
  type ShareFetchResponse,
} from '../../protocol/index.js';
import {
  buildRecordBatch,
  decodeBatches,
  isControl,
  lastOffsetOf,
  readBatchHeader,
} from '../../protocol/record-batch/index.js';
import type { BrokerServices } from '../services.js';
import { createInternalTopicOnce } from '../state/internal-topics.js';
import type { FetchPartitionResult } from '../replica/replica-manager.js';
import type { Clock } from './clock.js';
import { SharePartition, type SharePartitionConfig, type SharePartitionSnapshot } from './share-partition.js';

export const SHARE_STATE_TOPIC = '__share_group_state';
/** share.coordinator.state.topic.num.partitions is 50 in Kafka; a reference cluster needs fewer. */
export const SHARE_STATE_PARTITIONS = 6;
const RECORD_VERSION = 0;
const MAX_READ_BYTES = 8 << 20;
const DURABLE_WAIT_MS = 2000;
const LOCK_SWEEP_MS = 250;

export interface ShareStateKey {
  groupId: string;
  topicId: string;
  partition: number;
}
export interface ShareStateValue extends SharePartitionSnapshot {
  seq: number;
}

export function encodeShareStateKey(k: ShareStateKey): Buffer {
  const w = new ProtocolWriter();
  w.int16(RECORD_VERSION).string(k.groupId).uuid(uuidToBytes(k.topicId)).int32(k.partition);
  return Buffer.from(w.toBuffer());
}
export function decodeShareStateKey(b: Buffer): ShareStateKey | null {
  const r = new ProtocolReader(b);
  if (r.int16() !== RECORD_VERSION) return null;
  return { groupId: r.string(), topicId: uuidFromBytes(r.uuid()), partition: r.int32() };
}
export function encodeShareStateValue(v: ShareStateValue): Buffer {
  const w = new ProtocolWriter();
  w.int16(RECORD_VERSION).int64(v.seq).int64(v.startOffset).int32(v.batches.length);
  for (const b of v.batches) w.int64(b.firstOffset).int64(b.lastOffset).int8(b.state).int16(b.deliveryCount);
  return Buffer.from(w.toBuffer());
}
export function decodeShareStateValue(b: Buffer): ShareStateValue | null {
  const r = new ProtocolReader(b);
  if (r.int16() !== RECORD_VERSION) return null;
  const seq = r.int64();
  const startOffset = r.int64();
  const n = r.int32();
  const batches: ShareStateValue['batches'] = [];
  for (let i = 0; i < n; i++)
    batches.push({ firstOffset: r.int64(), lastOffset: r.int64(), state: r.int8(), deliveryCount: r.int16() });
  return { seq, startOffset, batches };
}

const spKey = (k: ShareStateKey) => `${k.groupId}\u0000${k.topicId}\u0000${k.partition}`;
const javaHash = (s: string): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return Math.abs(h);
};

interface LivePartition {
  key: ShareStateKey;
  topic: string;
  sp: SharePartition;
  seq: number;
  dirty: boolean;
  statePartition: number;
  /** The newest append of this share-partition's state: a durable answer waits for it too. */
  lastWrite: { partition: number; requiredOffset: number } | null;
}
interface Session {
  epoch: number;
  /** Clock time of the last request that used the session (for the idle sweep). */
  lastUsed: number;
  /** Where the next fetch starts in `partitions`: rotated so max_records does not starve the last ones. */
  nextStart: number;
  /** topicId\0partition */
  partitions: Map<string, { topicId: string; partition: number }>;
}

export interface ShareSessionLimits {
  /** An idle session is dropped after this (group.share.session.timeout.ms). */
  idleTimeoutMs: number;
  /** group.share.max.share.sessions: share sessions on this broker at most. */
  maxSessions: number;
}
const DEFAULT_SESSION_LIMITS: ShareSessionLimits = { idleTimeoutMs: 45_000, maxSessions: 2000 };

export interface ShareStats {
  sessions: number;
  sharePartitions: number;
  acquired: number;
}

export class SharePartitionManager {
  private readonly live = new Map<string, LivePartition>();
  private readonly sessions = new Map<string, Session>();
  /** Newest state per share-partition seen in the local `__share_group_state` replicas. */
  private readonly index = new Map<string, { key: ShareStateKey; value: ShareStateValue }>();
  private readonly readPos = new Map<number, number>();
  private warnedBadRecord = false;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly services: BrokerServices,
    private readonly config: SharePartitionConfig,
    private readonly clock: Clock,
    private readonly limits: ShareSessionLimits = DEFAULT_SESSION_LIMITS,
  ) {
    this.sweep = setInterval(() => this.expireAll(), LOCK_SWEEP_MS);
    this.sweep.unref();
    services.topics.onChange((c) => {
      if (c.kind === 'partition-changed' && c.partition.leader !== services.nodeId)
        this.dropTopicPartition(c.topic.name, c.partition.partition);
      else if (c.kind === 'deleted')
        for (const p of c.topic.partitions) this.dropTopicPartition(c.topic.name, p.partition);
    });
  }

  stop(): void {
    clearInterval(this.sweep);
  }

  stats(): ShareStats {
    let acquired = 0;
    for (const l of this.live.values()) acquired += l.sp.acquiredCount();
    return { sessions: this.sessions.size, sharePartitions: this.live.size, acquired };
  }

  // ---- ShareFetch / ShareAcknowledge

  async shareFetch(
    req: ShareFetchRequest,
    canRead: (topic: string) => boolean = () => true,
  ): Promise<ShareFetchResponse> {
    const top = (errorCode: number, errorMessage: string | null = null): ShareFetchResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      acquisitionLockTimeoutMs: this.config.lockDurationMs,
      responses: [],
      nodeEndpoints: [],
    });
    if (!req.groupId || !req.memberId) return top(ErrorCode.INVALID_REQUEST, 'group id and member id are required');
    const hasAcks = req.topics.some((t) => t.partitions.some((p) => p.acknowledgementBatches.length > 0));
    if (req.shareSessionEpoch === 0 && hasAcks)
      return top(ErrorCode.INVALID_REQUEST, 'acknowledgements cannot be sent in a request opening a share session');
    const sessionError = this.advanceSession(req.groupId, req.memberId, req.shareSessionEpoch);
    if (sessionError !== ErrorCode.NONE) return top(sessionError);
    const sessionKey = `${req.groupId}\u0000${req.memberId}`;
    const session = this.sessions.get(sessionKey);
    const now = this.clock.now();

    const out = new PartitionAnswers();
    const durable: LivePartition[] = [];
    for (const t of mergeTopics(req.topics)) {
      const topic = this.services.topics.list().find((x) => x.topicId === t.topicId);
      for (const p of t.partitions) {
        // A partition that does not exist never joins the session (it would stay there for ever).
        if (!topic || !this.services.topics.partition(topic.name, p.partitionIndex)) {
          const ans = out.get(t.topicId, p.partitionIndex);
          ans.errorCode = topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID;
          if (p.acknowledgementBatches.length > 0) ans.acknowledgeErrorCode = ans.errorCode;
          continue;
        }
        session?.partitions.set(`${t.topicId}\u0000${p.partitionIndex}`, {
          topicId: t.topicId,
          partition: p.partitionIndex,
        });
        if (p.acknowledgementBatches.length === 0) continue;
        const r = this.partitionFor(req.groupId, t.topicId, p.partitionIndex, canRead);
        if ('errorCode' in r) {
          out.get(t.topicId, p.partitionIndex).acknowledgeErrorCode = r.errorCode;
          continue;
        }
        r.sp.expireLocks(now);
        const code = r.sp.acknowledge(req.memberId, p.acknowledgementBatches);
        out.get(t.topicId, p.partitionIndex).acknowledgeErrorCode = code;
        if (code === ErrorCode.NONE) {
          r.dirty = true;
          durable.push(r);
        }
      }
    }
    for (const f of req.forgottenTopicsData)
      for (const p of f.partitions) session?.partitions.delete(`${f.topicId}\u0000${p}`);

    if (req.shareSessionEpoch === -1) {
      this.closeSession(req.groupId, req.memberId);
    } else if (session && req.maxRecords > 0) {
      let acquired = this.acquireAll(req, session, out, now, canRead);
      if (acquired === 0 && req.maxWaitMs > 0) {
        await this.waitForRecords(req.groupId, session, req.maxWaitMs);
        acquired = this.acquireAll(req, session, out, this.clock.now(), canRead);
      }
    }
    // Acknowledgements not made durable in time are answered with a retriable error, never NONE.
    for (const l of await this.persist(durable))
      out.get(l.key.topicId, l.key.partition).acknowledgeErrorCode = ErrorCode.REQUEST_TIMED_OUT;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      acquisitionLockTimeoutMs: this.config.lockDurationMs,
      responses: out.topics(),
      nodeEndpoints: this.endpointsFor(out),
    };
  }

  async shareAcknowledge(
    req: ShareAcknowledgeRequest,
    canRead: (topic: string) => boolean = () => true,
  ): Promise<ShareAcknowledgeResponse> {
    const top = (errorCode: number, errorMessage: string | null = null): ShareAcknowledgeResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      responses: [],
      nodeEndpoints: [],
    });
    if (!req.groupId || !req.memberId) return top(ErrorCode.INVALID_REQUEST, 'group id and member id are required');
    if (req.shareSessionEpoch === 0) return top(ErrorCode.INVALID_SHARE_SESSION_EPOCH);
    const sessionError = this.advanceSession(req.groupId, req.memberId, req.shareSessionEpoch);
    if (sessionError !== ErrorCode.NONE) return top(sessionError);
    const now = this.clock.now();
    const out = new PartitionAnswers();
    const durable: LivePartition[] = [];
    for (const t of mergeTopics(req.topics)) {
      for (const p of t.partitions) {
        const ans = out.get(t.topicId, p.partitionIndex);
        const r = this.partitionFor(req.groupId, t.topicId, p.partitionIndex, canRead);
        if ('errorCode' in r) {
          ans.errorCode = r.errorCode;
          if (r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) ans.currentLeader = r.leader;
          continue;
        }
        r.sp.expireLocks(now);
        ans.errorCode = r.sp.acknowledge(req.memberId, p.acknowledgementBatches);
        if (ans.errorCode === ErrorCode.NONE) {
          r.dirty = true;
          durable.push(r);
        }
      }
    }
    if (req.shareSessionEpoch === -1) this.closeSession(req.groupId, req.memberId);
    for (const l of await this.persist(durable))
      out.get(l.key.topicId, l.key.partition).errorCode = ErrorCode.REQUEST_TIMED_OUT;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      responses: out.topics().map((t) => ({
        topicId: t.topicId,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: p.errorCode,
          errorMessage: p.errorMessage,
          currentLeader: p.currentLeader,
        })),
      })),
      nodeEndpoints: this.endpointsFor(out),
    };
  }

  private advanceSession(groupId: string, memberId: string, epoch: number): number {
    const k = `${groupId}\u0000${memberId}`;
    const s = this.sessions.get(k);
    const now = this.clock.now();
    if (epoch === 0) {
      if (s) this.closeSession(groupId, memberId);
      else if (this.sessions.size >= this.limits.maxSessions) {
        this.expireSessions(now);
        if (this.sessions.size >= this.limits.maxSessions) return ErrorCode.SHARE_SESSION_LIMIT_REACHED;
      }
      this.sessions.set(k, { epoch: 1, lastUsed: now, nextStart: 0, partitions: new Map() });
      return ErrorCode.NONE;
    }
    if (!s) return ErrorCode.SHARE_SESSION_NOT_FOUND;
    s.lastUsed = now;
    if (epoch === -1) return ErrorCode.NONE;
    if (epoch !== s.epoch) return ErrorCode.INVALID_SHARE_SESSION_EPOCH;
    s.epoch = epoch === 0x7fffffff ? 1 : epoch + 1;
    return ErrorCode.NONE;
  }

  /** Drops sessions idle past the share session timeout, releasing what their members held. */
  private expireSessions(now: number): void {
    for (const [k, s] of [...this.sessions]) {
      if (now - s.lastUsed <= this.limits.idleTimeoutMs) continue;
      const [groupId, memberId] = k.split('\u0000');
      this.services.logger.debug({ groupId, memberId }, 'idle share session dropped');
      this.closeSession(groupId, memberId);
    }
  }

  private closeSession(groupId: string, memberId: string): void {
    const k = `${groupId}\u0000${memberId}`;
    const s = this.sessions.get(k);
    if (!s) return;
    this.sessions.delete(k);
    const changed: LivePartition[] = [];
    for (const { topicId, partition } of s.partitions.values()) {
      const l = this.live.get(spKey({ groupId, topicId, partition }));
      if (l?.sp.releaseMember(memberId)) {
        l.dirty = true;
        changed.push(l);
      }
    }
    void this.persist(changed, false);
  }

  /** Acquires records on every partition of the session; the number of records acquired. */
  private acquireAll(
    req: ShareFetchRequest,
    session: Session,
    out: PartitionAnswers,
    now: number,
    canRead: (topic: string) => boolean,
  ): number {
    let total = 0;
    let budget = req.maxRecords;
    let bytes = Math.min(req.maxBytes > 0 ? req.maxBytes : MAX_READ_BYTES, MAX_READ_BYTES);
    const all = [...session.partitions.values()];
    const start = all.length > 0 ? session.nextStart % all.length : 0;
    session.nextStart = start + 1;
    for (const { topicId, partition } of [...all.slice(start), ...all.slice(0, start)]) {
      const ans = out.get(topicId, partition);
      const r = this.partitionFor(req.groupId!, topicId, partition, canRead);
      if ('errorCode' in r) {
        ans.errorCode = r.errorCode;
        if (r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) ans.currentLeader = r.leader;
        continue;
      }
      if (budget <= 0 || bytes <= 0) continue;
      r.sp.expireLocks(now);
      const read = this.readRecords(r, bytes, budget);
      if (read.offsets.length === 0) continue;
      const acquired = r.sp.acquire(req.memberId!, read.offsets, budget, now);
      if (acquired.length === 0) continue;
      const n = acquired.reduce((s, a) => s + a.lastOffset - a.firstOffset + 1, 0);
      total += n;
      budget -= n;
      bytes -= read.bytes;
      ans.acquiredRecords.push(...acquired);
      ans.records = [...(Array.isArray(ans.records) ? ans.records : []), ...read.chunks];
      r.dirty = true;
      // Acquisitions are persisted (delivery counts), without holding the answer for replication.
      void this.persist([r], false);
    }
    return total;
  }

  /** Data record offsets a fetch could acquire, and the whole batches holding them. */
  private readRecords(
    l: LivePartition,
    maxBytes: number,
    maxNew: number,
  ): { offsets: number[]; chunks: Buffer[]; bytes: number } {
    const p = l.key.partition;
    let from = Math.min(l.sp.firstAvailable() ?? l.sp.endOffset, l.sp.endOffset);
    const fetchAt = (offset: number): FetchPartitionResult | null => {
      const out = this.services.replicas.fetch({
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes,
        partitions: [
          { topic: l.topic, partition: p, fetchOffset: offset, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1 },
        ],
      });
      // maxWaitMs 0 answers at once; a promise would be a replica manager change, not a wait.
      return out instanceof Promise ? null : out[0];
    };
    let res = fetchAt(from);
    if (res && res.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && res.logStartOffset > l.sp.startOffset) {
      l.sp.truncateTo(res.logStartOffset);
      l.dirty = true;
      from = Math.min(l.sp.firstAvailable() ?? l.sp.endOffset, l.sp.endOffset);
      res = fetchAt(from);
    }
    if (!res) return { offsets: [], chunks: [], bytes: 0 };
    if (res.errorCode !== ErrorCode.NONE || !res.records) return { offsets: [], chunks: [], bytes: 0 };
    // Offsets in flight (redelivery candidates) are bounded by the in-flight window; new ones stop at
    // what the fetch may still acquire (a compacted batch can span millions of offsets).
    const offsets: number[] = [];
    let fresh = 0;
    for (const chunk of res.records) {
      let pos = 0;
      while (pos < chunk.length && fresh < maxNew) {
        const h = readBatchHeader(chunk, pos);
        if (!isControl(h.attributes)) {
          const last = h.baseOffset + h.lastOffsetDelta;
          for (let o = Math.max(h.baseOffset, from); o <= last && o < res.highWatermark; o++) {
            if (o >= l.sp.endOffset && fresh++ >= maxNew) break;
            offsets.push(o);
          }
        }
        pos += h.size;
      }
    }
    return { offsets, chunks: res.records, bytes: res.bytes };
  }

  /** Long poll: until a session partition gets new records or a lock expires, or maxWaitMs. */
  private async waitForRecords(groupId: string, session: Session, maxWaitMs: number): Promise<void> {
    const parts: { topic: string; partition: number; fetchOffset: number }[] = [];
    for (const { topicId, partition } of session.partitions.values()) {
      const l = this.live.get(spKey({ groupId, topicId, partition }));
      if (l) parts.push({ topic: l.topic, partition, fetchOffset: l.sp.endOffset });
    }
    if (parts.length === 0) {
      await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 500)));
      return;
    }
    // Locks expiring meanwhile make records available too: wake at least every sweep.
    const wait = Math.min(maxWaitMs, Math.max(LOCK_SWEEP_MS, this.config.lockDurationMs));
    const r = this.services.replicas.fetch({
      replicaId: -1,
      maxWaitMs: wait,
      minBytes: 1,
      maxBytes: 1,
      partitions: parts.map((p) => ({ ...p, partitionMaxBytes: 1, currentLeaderEpoch: -1 })),
    });
    if (r instanceof Promise) await r;
  }

  // ---- share-partitions: lookup, load, persistence

  private partitionFor(
    groupId: string,
    topicId: string,
    partition: number,
    canRead: (topic: string) => boolean = () => true,
  ): LivePartition | { errorCode: number; leader: { leaderId: number; leaderEpoch: number } } {
    const topic = this.services.topics.list().find((t) => t.topicId === topicId);
    const none = { leaderId: -1, leaderEpoch: -1 };
    if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, leader: none };
    if (!canRead(topic.name)) return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, leader: none };
    const state = this.services.topics.partition(topic.name, partition);
    if (!state) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, leader: none };
    const leader = { leaderId: state.leader, leaderEpoch: state.leaderEpoch };
    const replica = this.services.replicas.replica(topic.name, partition);
    if (state.leader !== this.services.nodeId || !replica)
      return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, leader };
    const key = { groupId, topicId, partition };
    const k = spKey(key);
    let l = this.live.get(k);
    if (l) return l;
    this.ensureStateTopic();
    this.refreshIndex();
    const stored = this.index.get(k);
    const sp = stored
      ? SharePartition.fromSnapshot(this.config, stored.value)
      : // share.auto.offset.reset = latest: a new share-partition starts at the high watermark.
        new SharePartition(this.config, replica.highWatermark);
    if (sp.truncateTo(replica.log.logStartOffset()))
      this.services.logger.debug(
        { groupId, topic: topic.name, partition },
        'share-partition start moved to the log start',
      );
    l = {
      key,
      topic: topic.name,
      sp,
      seq: stored?.value.seq ?? 0,
      dirty: !stored,
      statePartition: -1,
      lastWrite: null,
    };
    this.live.set(k, l);
    this.services.logger.debug(
      { groupId, topic: topic.name, partition, startOffset: sp.startOffset, restored: stored !== undefined },
      'share-partition loaded',
    );
    return l;
  }

  private dropTopicPartition(topic: string, partition: number): void {
    for (const [k, l] of this.live) if (l.topic === topic && l.key.partition === partition) this.live.delete(k);
  }

  /** Reads new records of the local `__share_group_state` replicas into the index. */
  private refreshIndex(): void {
    const t = this.services.topics.get(SHARE_STATE_TOPIC);
    if (!t) return;
    for (const { partition } of t.partitions) {
      const replica = this.services.replicas.replica(SHARE_STATE_TOPIC, partition);
      if (!replica) continue;
      const end = replica.log.logEndOffset();
      let offset = Math.max(this.readPos.get(partition) ?? 0, replica.log.logStartOffset());
      while (offset < end) {
        const { records } = replica.log.read(offset, 1 << 20, end, true);
        if (records.length === 0) break;
        let next = offset;
        for (const chunk of records) {
          for (const b of decodeBatches(chunk)) {
            next = Math.max(next, lastOffsetOf(b.header) + 1);
            if (b.control) continue;
            for (const rec of b.records) {
              if (rec.offset < offset || !rec.key || !rec.value) continue;
              // A record that does not decode (truncated, foreign) is skipped, not fatal: one bad
              // record must not wedge loading every share-partition of its state partition.
              let key: ShareStateKey | null = null;
              let value: ShareStateValue | null = null;
              try {
                key = decodeShareStateKey(rec.key);
                value = key && decodeShareStateValue(rec.value);
              } catch {
                key = null;
              }
              if (!key || !value) {
                if (!this.warnedBadRecord)
                  this.services.logger.warn(
                    { partition, offset: rec.offset },
                    `skipping an undecodable ${SHARE_STATE_TOPIC} record (logged once)`,
                  );
                this.warnedBadRecord = true;
                continue;
              }
              const k = spKey(key);
              const had = this.index.get(k);
              if (!had || had.value.seq < value.seq) this.index.set(k, { key, value });
            }
          }
        }
        if (next <= offset) break;
        offset = next;
      }
      this.readPos.set(partition, offset);
    }
  }

  private ensureStateTopic(): void {
    const brokers = this.services.clustered ? this.services.liveBrokers().length : 1;
    createInternalTopicOnce(this.services, {
      name: SHARE_STATE_TOPIC,
      numPartitions: SHARE_STATE_PARTITIONS,
      replicationFactor: Math.max(1, Math.min(3, brokers)),
    });
  }

  /** A `__share_group_state` partition this broker leads, stable per share-partition while it leads it. */
  private statePartitionFor(l: LivePartition): number {
    const t = this.services.topics.get(SHARE_STATE_TOPIC);
    if (!t) return -1;
    const mine = t.partitions.filter((p) => p.leader === this.services.nodeId).map((p) => p.partition);
    if (mine.includes(l.statePartition)) return l.statePartition;
    if (mine.length === 0) return -1;
    l.statePartition = mine[javaHash(spKey(l.key)) % mine.length];
    return l.statePartition;
  }

  /**
   * Appends the state of every dirty share-partition; with `durable`, waits until it is replicated
   * and returns the share-partitions whose state is not (no state partition led here, a failed
   * append, or the high watermark not reaching it in time): their callers answer a retriable error.
   * A share-partition written meanwhile by another path (the sweep) is waited for all the same.
   */
  private async persist(parts: LivePartition[], durable = true): Promise<LivePartition[]> {
    const waits: { topic: string; partition: number; requiredOffset: number; l: LivePartition }[] = [];
    const failed: LivePartition[] = [];
    for (const l of new Set(parts)) {
      if (!l.dirty) {
        if (durable && l.lastWrite) waits.push({ topic: SHARE_STATE_TOPIC, ...l.lastWrite, l });
        continue;
      }
      const sp = this.statePartitionFor(l);
      if (sp < 0) {
        this.ensureStateTopic();
        failed.push(l);
        continue; // stays dirty: written by the next change or sweep
      }
      l.seq++;
      const value: ShareStateValue = { seq: l.seq, ...l.sp.snapshot() };
      const batch = buildRecordBatch([{ key: encodeShareStateKey(l.key), value: encodeShareStateValue(value) }]);
      const res = this.services.replicas.appendRecords(SHARE_STATE_TOPIC, sp, batch, 1);
      if (res.errorCode !== ErrorCode.NONE) {
        this.services.logger.debug(
          { partition: sp, errorCode: res.errorCode },
          `append to ${SHARE_STATE_TOPIC} failed`,
        );
        failed.push(l);
        continue;
      }
      l.dirty = false;
      l.lastWrite = { partition: sp, requiredOffset: res.requiredOffset };
      waits.push({ topic: SHARE_STATE_TOPIC, partition: sp, requiredOffset: res.requiredOffset, l });
    }
    if (!durable) return [];
    if (waits.length > 0) {
      const late =
        (await this.services.replicas.awaitHighWatermark(
          waits.map(({ topic, partition, requiredOffset }) => ({ topic, partition, requiredOffset })),
          DURABLE_WAIT_MS,
        )) ?? new Set<string>();
      for (const w of waits) {
        // Leadership of the state partition moved meanwhile: the record may be truncated away.
        const led = this.services.topics.partition(w.topic, w.partition)?.leader === this.services.nodeId;
        if (!led || late.has(`${w.topic}\u0000${w.partition}`)) failed.push(w.l);
      }
    }
    return failed;
  }

  private expireAll(): void {
    const now = this.clock.now();
    this.expireSessions(now);
    const changed: LivePartition[] = [];
    for (const l of this.live.values()) {
      if (l.sp.expireLocks(now)) l.dirty = true;
      if (l.dirty) changed.push(l);
    }
    if (changed.length > 0) void this.persist(changed, false);
  }

  private endpointsFor(out: PartitionAnswers): NodeEndpoint[] {
    const ids = new Set<number>();
    for (const p of out.all())
      if (p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && p.currentLeader.leaderId >= 0)
        ids.add(p.currentLeader.leaderId);
    const eps: NodeEndpoint[] = [];
    for (const id of ids) {
      const b = this.services.broker(id);
      if (b) eps.push({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    }
    return eps;
  }

  // ---- DescribeShareGroupOffsets (answered by the group's coordinator)

  describeOffsets(
    group: DescribeShareGroupOffsetsRequest['groups'][number],
    assigned: Map<string, Set<number>>,
  ): DescribeShareGroupOffsetsResponse['groups'][number] {
    this.refreshIndex();
    const topicsById = new Map(this.services.topics.list().map((t) => [t.topicId, t]));
    const topicsByName = new Map(this.services.topics.list().map((t) => [t.name, t]));
    // Every share-partition of the group: stored ones, live ones here, and those assigned now.
    const known = new Map<string, Set<number>>();
    const add = (topicId: string, p: number) =>
      (known.get(topicId) ?? known.set(topicId, new Set()).get(topicId)!).add(p);
    for (const { key } of this.index.values()) if (key.groupId === group.groupId) add(key.topicId, key.partition);
    for (const l of this.live.values()) if (l.key.groupId === group.groupId) add(l.key.topicId, l.key.partition);
    for (const [t, ps] of assigned) for (const p of ps) add(t, p);
    const wanted: { topicId: string; topicName: string; partitions: number[] }[] =
      group.topics === null
        ? [...known].flatMap(([topicId, ps]) => {
            const t = topicsById.get(topicId);
            return t ? [{ topicId, topicName: t.name, partitions: [...ps].sort((a, b) => a - b) }] : [];
          })
        : group.topics.map((t) => ({
            topicId: topicsByName.get(t.topicName)?.topicId ?? '00000000-0000-0000-0000-000000000000',
            topicName: t.topicName,
            partitions: t.partitions,
          }));
    return {
      groupId: group.groupId,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: wanted.map((t) => ({
        topicName: t.topicName,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => this.describePartition(group.groupId, t.topicName, t.topicId, p)),
      })),
    };
  }

  private describePartition(groupId: string, topic: string, topicId: string, partition: number) {
    const state = this.services.topics.partition(topic, partition);
    const base = { partitionIndex: partition, leaderEpoch: state?.leaderEpoch ?? -1, errorMessage: null };
    if (!state) return { ...base, startOffset: -1, lag: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    const k = spKey({ groupId, topicId, partition });
    const live = this.live.get(k);
    const stored = this.index.get(k)?.value;
    const snap = live ? live.sp.snapshot() : stored;
    if (!snap) return { ...base, startOffset: -1, lag: -1, errorCode: ErrorCode.NONE };
    const replica = this.services.replicas.replica(topic, partition);
    let done = 0;
    for (const b of snap.batches) if (b.state === 2 || b.state === 4) done += b.lastOffset - b.firstOffset + 1;
    const lag = replica ? Math.max(0, replica.highWatermark - snap.startOffset - done) : -1;
    return { ...base, startOffset: snap.startOffset, lag, errorCode: ErrorCode.NONE };
  }
}

/** librdkafka may list a topic id more than once (one entry per run of partitions): merged here. */
function mergeTopics<
  T extends {
    topicId: string;
    partitions: { partitionIndex: number; acknowledgementBatches: AcknowledgementBatch[] }[];
  },
>(
  topics: T[],
): { topicId: string; partitions: { partitionIndex: number; acknowledgementBatches: AcknowledgementBatch[] }[] }[] {
  const by = new Map<string, Map<number, AcknowledgementBatch[]>>();
  for (const t of topics) {
    const ps = by.get(t.topicId) ?? by.set(t.topicId, new Map()).get(t.topicId)!;
    for (const p of t.partitions)
      ps.set(p.partitionIndex, [...(ps.get(p.partitionIndex) ?? []), ...p.acknowledgementBatches]);
  }
  return [...by].map(([topicId, ps]) => ({
    topicId,
    partitions: [...ps].map(([partitionIndex, acknowledgementBatches]) => ({ partitionIndex, acknowledgementBatches })),
  }));
}

/** Per-partition answers of one request, in first-touched order. */
class PartitionAnswers {
  private readonly byTopic = new Map<string, Map<number, ShareFetchPartitionResponse>>();
  get(topicId: string, partition: number): ShareFetchPartitionResponse {
    const t = this.byTopic.get(topicId) ?? this.byTopic.set(topicId, new Map()).get(topicId)!;
    let p = t.get(partition);
    if (!p) {
      p = {
        partitionIndex: partition,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        acknowledgeErrorCode: ErrorCode.NONE,
        acknowledgeErrorMessage: null,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
        // Empty, never null: librdkafka 2.15 treats a null record set as a malformed response.
        records: [],
        acquiredRecords: [] as AcquiredRecords[],
      };
      t.set(partition, p);
    }
    return p;
  }
  all(): ShareFetchPartitionResponse[] {
    return [...this.byTopic.values()].flatMap((t) => [...t.values()]);
  }
  topics(): { topicId: string; partitions: ShareFetchPartitionResponse[] }[] {
    return [...this.byTopic].map(([topicId, ps]) => ({ topicId, partitions: [...ps.values()] }));
  }
}
