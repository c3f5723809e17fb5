// Replica fetchers: for every partition this broker follows, fetch from its leader with the Kafka
// Fetch API (replica_id = our id) over the leader's inter-broker listener, one fetcher (one
// connection, one Fetch for all its partitions) per leader. A partition that gets a new leader or
// epoch first truncates a divergent tail: OffsetForLeaderEpoch tells where our latest epoch ends in
// the leader's log, and everything above it goes (so no acknowledged record is lost and no
// uncommitted tail survives a failover).
import type { Logger } from '../../common/index.js';
import {
  fetchCodec,
  type FetchRequest,
  listOffsetsCodec,
  offsetForLeaderEpochCodec,
  ErrorCode,
  errorName,
} from '../../protocol/index.js';
import type { BrokerConfig } from '../config.js';
import type { BrokerServices } from '../services.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { Replica, ReplicaManager } from '../replica/replica-manager.js';
import type { PartitionRegistration } from '../state/topic-store.js';
import { PeerClient } from './peer-client.js';
import { securityOf } from '../security/index.js';
import { divergenceOffset } from './truncation.js';

interface Followed {
  topic: string;
  partition: number;
  leaderEpoch: number;
  /** Truncate by leader epoch before the next fetch (new leader or epoch, or out of range). */
  truncate: boolean;
  /** Back off until this time (the leader refused: stale metadata on one side). */
  retryAt: number;
  /** max(leader's HW from the last response, our LEO): lag = this - our LEO, Kafka's `HW - fetch offset`. */
  leaderEnd: number;
  /** The last fetch attempt for this partition failed (kafka_server_replicafetchermanager_failedpartitionscount). */
  failing: boolean;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function groupByTopic(fs: Followed[]): Map<string, Followed[]> {
  const byTopic = new Map<string, Followed[]>();
  for (const f of fs) {
    const list = byTopic.get(f.topic);
    if (list) list.push(f);
    else byTopic.set(f.topic, [f]);
  }
  return byTopic;
}
const FETCH_VERSION = 11;
const EPOCH_VERSION = 3;
const LIST_OFFSETS_VERSION = 3;

class LeaderFetcher {
  readonly partitions = new Map<string, Followed>();
  private client: PeerClient | null = null;
  private running = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly leaderId: number,
    private readonly config: BrokerConfig,
    private readonly services: BrokerServices,
    private readonly replicas: ReplicaManager,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.client?.close();
    this.wake?.();
  }

  nudge(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private peer(): PeerClient | null {
    const ep = this.services.interBrokerEndpoint(this.leaderId);
    if (!ep) return null;
    if (!this.client || this.client.address.host !== ep.host || this.client.address.port !== ep.port) {
      this.client?.close();
      this.client = new PeerClient(ep, `replica-fetcher-${this.config.nodeId}`, securityOf(this.services).interBroker);
    }
    return this.client;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.partitions.size === 0) {
        await this.sleep(1000);
        continue;
      }
      const peer = this.peer();
      if (!peer) {
        await this.sleep(200);
        continue;
      }
      try {
        await this.truncateWhereNeeded(peer);
        const sent = await this.fetchOnce(peer);
        if (!sent) await this.sleep(100);
      } catch (e) {
        if (!this.running) return;
        for (const f of this.partitions.values()) f.failing = true;
        this.metrics.followerFetchError();
        this.logger.debug({ leader: this.leaderId, err: (e as Error).message }, 'replica fetch failed');
        await this.sleep(300);
      }
    }
  }

  private replicaOf(f: Followed): Replica | undefined {
    return this.replicas.replica(f.topic, f.partition);
  }

  /** OffsetForLeaderEpoch for every partition that needs it, then truncate each to the answer. */
  private async truncateWhereNeeded(peer: PeerClient): Promise<void> {
    const now = Date.now();
    const todo = [...this.partitions.values()].filter((f) => f.truncate && f.retryAt <= now && this.replicaOf(f));
    if (todo.length === 0) return;
    const byTopic = groupByTopic(todo);
    const asked = new Set(todo);
    const res = await peer.request(
      offsetForLeaderEpochCodec,
      EPOCH_VERSION,
      {
        replicaId: this.config.nodeId,
        topics: [...byTopic].map(([topic, fs]) => ({
          topic,
          partitions: fs.map((f) => ({
            partition: f.partition,
            currentLeaderEpoch: f.leaderEpoch,
            leaderEpoch: this.replicaOf(f)!.log.latestEpoch(),
          })),
        })),
      },
      10_000,
    );
    for (const t of res.topics) {
      for (const p of t.partitions) {
        // The same registration we asked for: not re-registered (new epoch) or dropped (we lead it now) meanwhile.
        const f = this.partitions.get(key(t.topic, p.partition));
        const replica = f && asked.has(f) ? this.replicaOf(f) : undefined;
        if (!f || !replica) continue;
        if (p.errorCode !== ErrorCode.NONE) {
          f.retryAt = Date.now() + 200;
          f.failing = true;
          continue;
        }
        const log = replica.log;
        const leo = log.logEndOffset();
        const target = divergenceOffset(log, p, replica.highWatermark);
        if (target < leo) {
          const to = log.truncateTo(target);
          this.logger.info(
            { topic: f.topic, partition: f.partition, from: leo, to, records: leo - to, leaderEpoch: p.leaderEpoch },
            'truncated a divergent log tail before following the new leader',
          );
        }
        replica.highWatermark = Math.min(replica.highWatermark, log.logEndOffset());
        f.truncate = false;
      }
    }
  }

  private async fetchOnce(peer: PeerClient): Promise<boolean> {
    const now = Date.now();
    const ready = [...this.partitions.values()].filter((f) => !f.truncate && f.retryAt <= now && this.replicaOf(f));
    if (ready.length === 0) return false;
    const byTopic = groupByTopic(ready);
    const asked = new Set(ready);
    const req: FetchRequest = {
      replicaId: this.config.nodeId,
      maxWaitMs: this.config.replicaFetchWaitMaxMs,
      minBytes: 1,
      maxBytes: 16 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, fs]) => ({
        topic,
        partitions: fs.map((f) => {
          const log = this.replicaOf(f)!.log;
          return {
            partition: f.partition,
            currentLeaderEpoch: f.leaderEpoch,
            fetchOffset: log.logEndOffset(),
            logStartOffset: log.logStartOffset(),
            partitionMaxBytes: 4 * 1024 * 1024,
          };
        }),
      })),
      forgottenTopics: [],
      rackId: '',
    };
    const res = await peer.request(fetchCodec, FETCH_VERSION, req, this.config.replicaFetchWaitMaxMs + 30_000);
    for (const t of res.topics) {
      for (const p of t.partitions) {
        // Batches fetched under a registration that changed meanwhile are dropped: the new one truncates first.
        const f = this.partitions.get(key(t.topic, p.partitionIndex));
        const replica = f && asked.has(f) ? this.replicaOf(f) : undefined;
        if (!f || !replica) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.resetOutOfRange(peer, f, replica);
          continue;
        }
        if (p.errorCode !== ErrorCode.NONE) {
          // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH: one side's metadata is behind; the
          // partition-changed event that fixes ours re-registers the partition, theirs needs a moment.
          this.logger.debug(
            { topic: t.topic, partition: p.partitionIndex, error: errorName(p.errorCode) },
            'leader refused a replica fetch',
          );
          f.retryAt = Date.now() + 200;
          f.failing = true;
          continue;
        }
        const batches = p.records === null ? [] : Buffer.isBuffer(p.records) ? [p.records] : p.records;
        try {
          const bytes = this.replicas.appendAsFollower(replica, batches, p.highWatermark, p.logStartOffset);
          this.metrics.replicationBytes('in', bytes);
          f.failing = false;
        } catch (e) {
          this.logger.warn(
            { topic: t.topic, partition: p.partitionIndex, err: (e as Error).message },
            'follower append failed',
          );
          f.retryAt = Date.now() + 1000;
          f.failing = true;
        }
        f.leaderEnd = Math.max(p.highWatermark, replica.log.logEndOffset());
      }
    }
    return true;
  }

  /** Our fetch offset is outside the leader's log: below its start (retention) or above its end. */
  private async resetOutOfRange(peer: PeerClient, f: Followed, replica: Replica): Promise<void> {
    const res = await peer.request(
      listOffsetsCodec,
      LIST_OFFSETS_VERSION,
      {
        replicaId: this.config.nodeId,
        isolationLevel: 0,
        topics: [{ name: f.topic, partitions: [{ partitionIndex: f.partition, timestamp: -2, maxNumOffsets: 1 }] }],
      },
      10_000,
    );
    const start = res.topics[0]?.partitions[0];
    if (!start || start.errorCode !== ErrorCode.NONE) {
      f.retryAt = Date.now() + 500;
      return;
    }
    const log = replica.log;
    if (log.logEndOffset() < start.offset) {
      this.logger.warn(
        { topic: f.topic, partition: f.partition, from: log.logEndOffset(), leaderLogStart: start.offset },
        "follower is behind the leader's log start: starting over from it",
      );
      log.truncateFullyAndStartAt(start.offset);
      replica.highWatermark = start.offset;
    } else f.truncate = true;
  }

  maxLag(): number {
    let lag = 0;
    for (const f of this.partitions.values()) {
      const r = this.replicaOf(f);
      if (r) lag = Math.max(lag, f.leaderEnd - r.log.logEndOffset());
    }
    return lag;
  }
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, LeaderFetcher>();
  private readonly leaderOf = new Map<string, number>();
  private running = false;

  constructor(
    private readonly config: BrokerConfig,
    private readonly services: BrokerServices,
    private readonly replicas: ReplicaManager,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.services.topics.onChange((c) => {
      if (c.kind === 'partition-changed') this.follow(c.partition);
      else if (c.kind === 'created' || c.kind === 'partitions-added') c.topic.partitions.forEach((p) => this.follow(p));
      else if (c.kind === 'deleted') c.topic.partitions.forEach((p) => this.unfollow(p.topic, p.partition));
    });
    for (const t of this.services.topics.list()) t.partitions.forEach((p) => this.follow(p));
  }

  stop(): void {
    this.running = false;
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
  }

  private follow(p: PartitionRegistration): void {
    const me = this.config.nodeId;
    if (!p.replicas.includes(me) || p.leader === me || p.leader < 0) {
      this.unfollow(p.topic, p.partition);
      return;
    }
    const k = key(p.topic, p.partition);
    const prevLeader = this.leaderOf.get(k);
    const prev = prevLeader !== undefined ? this.fetchers.get(prevLeader)?.partitions.get(k) : undefined;
    if (prev && prevLeader === p.leader && prev.leaderEpoch === p.leaderEpoch) return;
    this.unfollow(p.topic, p.partition);
    let fetcher = this.fetchers.get(p.leader);
    if (!fetcher) {
      fetcher = new LeaderFetcher(p.leader, this.config, this.services, this.replicas, this.metrics, this.logger);
      this.fetchers.set(p.leader, fetcher);
      if (this.running) fetcher.start();
    }
    fetcher.partitions.set(k, {
      topic: p.topic,
      partition: p.partition,
      leaderEpoch: p.leaderEpoch,
      truncate: true,
      retryAt: 0,
      leaderEnd: 0,
      failing: false,
    });
    this.leaderOf.set(k, p.leader);
    fetcher.nudge();
  }

  private unfollow(topic: string, partition: number): void {
    const k = key(topic, partition);
    const leader = this.leaderOf.get(k);
    if (leader === undefined) return;
    this.leaderOf.delete(k);
    this.fetchers.get(leader)?.partitions.delete(k);
  }

  /** Followed partitions whose last fetch failed (leader down or refusing, append error). */
  failedPartitions(): number {
    let n = 0;
    for (const f of this.fetchers.values()) for (const p of f.partitions.values()) if (p.failing) n++;
    return n;
  }

  /** Largest lag in records over every followed partition (kafka_server_replicafetchermanager_maxlag). */
  maxLag(): number {
    let lag = 0;
    for (const f of this.fetchers.values()) lag = Math.max(lag, f.maxLag());
    return lag;
  }
}
