// The active controller's decisions, on whichever voter leads the metadata quorum: broker
// registration and heartbeats, fencing after the session timeout, partition assignment, leader
// election (clean from the ISR; unclean only where the topic allows it), ISR changes asked for by
// leaders (AlterPartition), preferred-leader elections (asked for and automatic) and controlled
// shutdown. Every decision is a list of metadata records proposed to Raft; operations run one at a
// time so each one decides on an image that already holds the previous one's records.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../common/index.js';
import { ErrorCode, type AclFilter } from '../../protocol/index.js';
import type { BrokerConfig, HostPort } from '../config.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { RaftNode } from '../raft/raft.js';
import {
  INTERNAL_TOPICS,
  MAX_PARTITIONS_PER_TOPIC,
  validateTopicName,
  type PartitionRegistration,
  type TopicInfo,
} from '../state/topic-store.js';
import type { TopicConfigs } from '../state/topic-config.js';
import { ControllerError, type AclBinding, type AlterPartitionRequest, type CreateTopicSpec } from './channel.js';
import type { MetadataImage } from './image.js';
import type { MetadataRecord } from './records.js';
import { configAclBindings } from '../security/index.js';

export interface HeartbeatRequest {
  nodeId: number;
  client: HostPort;
  interBroker: HostPort;
  rack: string | null;
  /** Set while the broker runs its controlled shutdown: it must not be unfenced again. */
  shuttingDown: boolean;
}

export interface ElectionResult {
  topic: string;
  partition: number;
  errorCode: number;
  message: string | null;
}

const FENCE_CHECK_MS = 200;

export class QuorumController {
  private readonly lastHeartbeat = new Map<number, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private active = false;
  /** When this node last became the active controller, and which brokers have heartbeated it since. */
  private activeSince = 0;
  private readonly heardSince = new Set<number>();
  /** Brokers fenced by this node for a missed heartbeat session (Kafka's TimedOutBrokerHeartbeatCount). */
  timedOutBrokerHeartbeats = 0;

  constructor(
    private readonly config: BrokerConfig,
    private readonly raft: RaftNode<MetadataRecord>,
    private readonly image: MetadataImage,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger,
  ) {}

  /** Called when this node's Raft role changes. */
  roleChanged(isLeader: boolean): void {
    if (isLeader === this.active) return;
    this.active = isLeader;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (!isLeader) return;
    // A new controller gives every broker a full session before judging it.
    const now = Date.now();
    this.activeSince = now;
    this.heardSince.clear();
    for (const id of this.image.brokers.keys()) this.lastHeartbeat.set(id, now);
    // First in the queue, so no broker is unfenced (and serves clients) before the config's ACLs are in force.
    void this.serial(() => this.bootstrapAcls()).catch((e: unknown) =>
      this.logger.warn(
        { err: (e as Error).message },
        "could not write the config file's ACLs to the metadata log (retried by the next controller)",
      ),
    );
    this.timers.push(
      setInterval(() => void this.serial(() => this.fenceExpired()).catch(() => undefined), FENCE_CHECK_MS),
    );
    if (this.config.autoLeaderRebalanceEnable) {
      this.timers.push(
        setInterval(
          () => void this.serial(() => this.rebalancePreferred()).catch(() => undefined),
          this.config.leaderImbalanceCheckIntervalMs,
        ),
      );
    }
  }

  stop(): void {
    this.roleChanged(false);
  }

  get isActive(): boolean {
    return this.active && this.raft.role === 'leader';
  }

  /** Run one operation after the previous ones (each decides on an up-to-date image). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (!this.isActive) throw new ControllerError(ErrorCode.NOT_CONTROLLER, 'this node is not the active controller');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(records: MetadataRecord[]): Promise<number> {
    if (records.length === 0) return this.raft.appliedIndex;
    return this.raft.propose(records);
  }

  // ---------------------------------------------------------------- requests (RPC entry points)

  handle(method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case 'ctl.heartbeat':
        return this.heartbeat(params as HeartbeatRequest);
      case 'ctl.createTopic': {
        const spec = params as CreateTopicSpec;
        const rf =
          spec.assignments && spec.assignments.length > 0
            ? 0
            : spec.replicationFactor === -1
              ? this.defaultReplicationFactor()
              : spec.replicationFactor;
        return this.startingBrokers(rf).then(() => this.serial(() => this.createTopic(spec)));
      }
      case 'ctl.deleteTopic':
        return this.serial(() => this.deleteTopic((params as { name: string }).name));
      case 'ctl.createPartitions': {
        const p = params as { name: string; newTotal: number; validateOnly: boolean };
        const rf = this.image.topics.get(p.name)?.partitions[0]?.replicas.length ?? 0;
        return this.startingBrokers(rf).then(() =>
          this.serial(() => this.createPartitions(p.name, p.newTotal, p.validateOnly)),
        );
      }
      case 'ctl.alterConfigs': {
        const p = params as { name: string; configs: TopicConfigs };
        return this.serial(() => this.alterConfigs(p.name, p.configs));
      }
      case 'ctl.alterPartition':
        return this.serial(() => this.alterPartition(params as AlterPartitionRequest));
      case 'ctl.electLeaders': {
        const p = params as { electionType: number; partitions: { topic: string; partition: number }[] };
        return this.serial(() => this.electLeaders(p.electionType, p.partitions));
      }
      case 'ctl.createAcls':
        return this.serial(() =>
          this.commit(
            (params as { bindings: AclBinding[] }).bindings.map((binding) => ({ type: 'acl', kind: 'add', binding })),
          ),
        );
      case 'ctl.deleteAcls':
        return this.serial(() => this.deleteAcls((params as { filters: AclFilter[] }).filters));
      case 'ctl.controlledShutdown':
        return this.serial(() => this.controlledShutdown((params as { nodeId: number }).nodeId));
      default:
        return Promise.reject(new Error(`unknown controller request ${method}`));
    }
  }

  /**
   * Before placing `replicas` replicas: while fewer brokers are live, wait for the ones this new
   * controller has not heard from yet, during its first session timeout. A cluster starting as a
   * unit registers its brokers within moments of each other, and a client that caught the first
   * one ready (an RF=3 CreateTopics right after the port opened) should not get
   * INVALID_REPLICATION_FACTOR for a broker milliseconds away. Outside that window, or once every
   * broker has been heard from, too few live brokers fail at once, as in Kafka. Runs outside the
   * serial queue: the registrations it waits for go through that queue.
   */
  private async startingBrokers(replicas: number): Promise<void> {
    const windowEnd = this.activeSince + this.config.brokerSessionTimeoutMs;
    while (
      this.isActive &&
      this.image.liveBrokerIds().length < replicas &&
      replicas <= this.config.brokers &&
      this.heardSince.size < this.config.brokers &&
      Date.now() < windowEnd
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async heartbeat(req: HeartbeatRequest): Promise<{ fenced: boolean; index: number }> {
    if (!this.isActive) throw new ControllerError(ErrorCode.NOT_CONTROLLER, 'this node is not the active controller');
    this.lastHeartbeat.set(req.nodeId, Date.now());
    this.heardSince.add(req.nodeId);
    const b = this.image.brokers.get(req.nodeId);
    const changed =
      !b ||
      b.client.host !== req.client.host ||
      b.client.port !== req.client.port ||
      b.interBroker.host !== req.interBroker.host ||
      b.interBroker.port !== req.interBroker.port;
    if (!changed && (!b.fenced || req.shuttingDown)) return { fenced: b.fenced, index: this.image.offset };
    const index = await this.serial(async () => {
      const records: MetadataRecord[] = [];
      const cur = this.image.brokers.get(req.nodeId);
      if (!cur || changed)
        records.push({
          type: 'broker',
          nodeId: req.nodeId,
          client: req.client,
          interBroker: req.interBroker,
          rack: req.rack,
        });
      if ((!cur || cur.fenced) && !req.shuttingDown) {
        records.push({ type: 'fence', nodeId: req.nodeId, fenced: false });
        records.push(...this.electOnUnfence(req.nodeId));
        this.logger.info({ broker: req.nodeId }, 'broker registered and unfenced');
      }
      return this.commit(records);
    });
    return { fenced: this.image.brokers.get(req.nodeId)?.fenced ?? true, index };
  }

  // ---------------------------------------------------------------- fencing and elections

  private async fenceExpired(): Promise<void> {
    const now = Date.now();
    for (const b of this.image.brokers.values()) {
      if (b.fenced) continue;
      const seen = this.lastHeartbeat.get(b.nodeId) ?? now;
      if (now - seen <= this.config.brokerSessionTimeoutMs) continue;
      this.logger.warn({ broker: b.nodeId, silentMs: now - seen }, 'broker missed its session timeout: fencing it');
      this.timedOutBrokerHeartbeats += 1;
      await this.fence(b.nodeId);
    }
  }

  private async fence(nodeId: number): Promise<number> {
    const started = Date.now();
    const records: MetadataRecord[] = [{ type: 'fence', nodeId, fenced: true }];
    let elections = 0;
    for (const t of this.image.topics.list()) {
      for (const p of t.partitions) {
        const next = this.withoutReplica(t, p, nodeId);
        if (!next) continue;
        if (next.state.leader !== p.leader) elections += 1;
        records.push({ type: 'partition', state: next.state });
        if (next.unclean)
          records.push({ type: 'unclean-election', topic: t.name, partition: p.partition, leader: next.state.leader });
      }
    }
    const index = await this.commit(records);
    for (let i = 0; i < elections; i++) this.metrics.leaderElected(Date.now() - started);
    return index;
  }

  /** The partition with `nodeId` gone from its ISR and leadership, or null when nothing changes. */
  private withoutReplica(
    t: TopicInfo,
    p: PartitionRegistration,
    nodeId: number,
  ): { state: PartitionRegistration; unclean: boolean } | null {
    const inIsr = p.isr.includes(nodeId);
    if (!inIsr && p.leader !== nodeId) return null;
    // The last ISR member stays in the ISR: it is the only replica known to hold every committed record.
    const isr = p.isr.length > 1 ? p.isr.filter((r) => r !== nodeId) : [...p.isr];
    let leader = p.leader;
    let unclean = false;
    if (leader === nodeId || leader < 0) {
      leader = p.replicas.find((r) => r !== nodeId && isr.includes(r) && this.image.isLive(r)) ?? -1;
      if (leader < 0 && this.uncleanAllowed(t)) {
        leader = p.replicas.find((r) => r !== nodeId && this.image.isLive(r)) ?? -1;
        if (leader >= 0) {
          unclean = true;
          this.logger.warn(
            { topic: t.name, partition: p.partition, leader },
            'unclean leader election: a replica outside the ISR leads',
          );
          return {
            state: {
              ...p,
              leader,
              leaderEpoch: p.leaderEpoch + 1,
              partitionEpoch: p.partitionEpoch + 1,
              isr: [leader],
            },
            unclean,
          };
        }
      }
    }
    const leaderChanged = leader !== p.leader;
    if (!leaderChanged && isr.length === p.isr.length) return null;
    return {
      state: {
        ...p,
        leader,
        leaderEpoch: leaderChanged ? p.leaderEpoch + 1 : p.leaderEpoch,
        partitionEpoch: p.partitionEpoch + 1,
        isr,
      },
      unclean,
    };
  }

  /** Leaderless partitions this returning broker can lead (it is in their ISR). */
  private electOnUnfence(nodeId: number): MetadataRecord[] {
    const out: MetadataRecord[] = [];
    for (const t of this.image.topics.list()) {
      for (const p of t.partitions) {
        if (p.leader >= 0 && this.image.isLive(p.leader)) continue;
        if (!p.replicas.includes(nodeId)) continue;
        if (p.isr.includes(nodeId)) {
          out.push({
            type: 'partition',
            state: { ...p, leader: nodeId, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 },
          });
        } else if (this.uncleanAllowed(t)) {
          out.push({
            type: 'partition',
            state: {
              ...p,
              leader: nodeId,
              leaderEpoch: p.leaderEpoch + 1,
              partitionEpoch: p.partitionEpoch + 1,
              isr: [nodeId],
            },
          });
          out.push({ type: 'unclean-election', topic: t.name, partition: p.partition, leader: nodeId });
        }
      }
    }
    return out;
  }

  private uncleanAllowed(t: TopicInfo): boolean {
    const v = t.configs['unclean.leader.election.enable'];
    return v !== undefined ? v === 'true' : this.config.uncleanLeaderElectionEnable;
  }

  private async electLeaders(
    electionType: number,
    partitions: { topic: string; partition: number }[],
  ): Promise<ElectionResult[]> {
    const started = Date.now();
    const records: MetadataRecord[] = [];
    const results: ElectionResult[] = partitions.map(({ topic, partition }) => {
      const t = this.image.topics.get(topic);
      const p = t?.partitions[partition];
      const res = (errorCode: number, message: string | null = null): ElectionResult => ({
        topic,
        partition,
        errorCode,
        message,
      });
      if (!t || !p) return res(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'unknown topic or partition');
      if (electionType === 0) {
        const preferred = p.replicas[0];
        if (p.leader === preferred) return res(ErrorCode.ELECTION_NOT_NEEDED, 'the preferred replica already leads');
        if (!p.isr.includes(preferred) || !this.image.isLive(preferred))
          return res(
            ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
            `preferred replica ${preferred} is not a live ISR member`,
          );
        records.push({
          type: 'partition',
          state: { ...p, leader: preferred, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 },
        });
        return res(ErrorCode.NONE);
      }
      if (p.leader >= 0 && this.image.isLive(p.leader))
        return res(ErrorCode.ELECTION_NOT_NEEDED, 'the partition has a live leader');
      const leader = p.replicas.find((r) => this.image.isLive(r));
      if (leader === undefined) return res(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, 'no live replica');
      records.push({
        type: 'partition',
        state: { ...p, leader, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1, isr: [leader] },
      });
      records.push({ type: 'unclean-election', topic, partition, leader });
      return res(ErrorCode.NONE);
    });
    await this.commit(records);
    for (const r of records) if (r.type === 'partition') this.metrics.leaderElected(Date.now() - started);
    return results;
  }

  /** Partitions not led by their preferred replica while it is a live ISR member. */
  imbalanced(): { topic: string; partition: number; preferred: number }[] {
    const out: { topic: string; partition: number; preferred: number }[] = [];
    for (const t of this.image.topics.list()) {
      for (const p of t.partitions) {
        const preferred = p.replicas[0];
        if (p.leader !== preferred && p.isr.includes(preferred) && this.image.isLive(preferred))
          out.push({ topic: t.name, partition: p.partition, preferred });
      }
    }
    return out;
  }

  /** auto.leader.rebalance.enable: move leadership back where a broker's imbalance passes the threshold. */
  private async rebalancePreferred(): Promise<void> {
    const wrong = this.imbalanced();
    if (wrong.length === 0) return;
    const preferredCount = new Map<number, number>();
    for (const t of this.image.topics.list())
      for (const p of t.partitions) preferredCount.set(p.replicas[0], (preferredCount.get(p.replicas[0]) ?? 0) + 1);
    const chosen = wrong.filter((w) => {
      const n = wrong.filter((x) => x.preferred === w.preferred).length;
      return (100 * n) / (preferredCount.get(w.preferred) ?? 1) > this.config.leaderImbalancePerBrokerPercentage;
    });
    if (chosen.length > 0) await this.electLeaders(0, chosen);
  }

  private async controlledShutdown(nodeId: number): Promise<{ remaining: number }> {
    const records: MetadataRecord[] = [];
    const cur = this.image.brokers.get(nodeId);
    if (cur && !cur.fenced) records.push({ type: 'fence', nodeId, fenced: true });
    let offline = 0;
    for (const t of this.image.topics.list()) {
      for (const p of t.partitions) {
        if (p.leader !== nodeId && !p.isr.includes(nodeId)) continue;
        const other = p.replicas.find((r) => r !== nodeId && p.isr.includes(r) && this.image.isLive(r));
        if (p.leader === nodeId && other === undefined) {
          // No other live in-sync replica (RF 1, or the rest are down): the partition goes offline
          // now instead of holding the shutdown for its whole timeout, as KRaft does. The ISR keeps
          // this broker, so it leads again as soon as it is back (electOnUnfence).
          records.push({
            type: 'partition',
            state: { ...p, leader: -1, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 },
          });
          offline += 1;
          continue;
        }
        const isr = p.isr.length > 1 ? p.isr.filter((r) => r !== nodeId) : p.isr;
        const leader = p.leader === nodeId ? (other as number) : p.leader;
        records.push({
          type: 'partition',
          state: {
            ...p,
            leader,
            leaderEpoch: leader !== p.leader ? p.leaderEpoch + 1 : p.leaderEpoch,
            partitionEpoch: p.partitionEpoch + 1,
            isr,
          },
        });
      }
    }
    await this.commit(records);
    this.logger.info({ broker: nodeId, changed: records.length, offline }, 'controlled shutdown: leaderships moved');
    if (offline > 0)
      this.logger.warn(
        { broker: nodeId, partitions: offline },
        'controlled shutdown: partitions without another in-sync replica are offline until this broker returns',
      );
    return { remaining: 0 };
  }

  /**
   * The config file's ACLs, written once into the metadata log as ordinary ACL records (then the
   * marker), so every node enforces them and DeleteAcls can remove them. Once written, a later
   * controller does not bring back what an operator deleted.
   */
  private async bootstrapAcls(): Promise<number> {
    if (this.image.aclsBootstrapped) return this.image.offset;
    const have = new Set(this.image.acls.list().map((b) => JSON.stringify(b)));
    const add = configAclBindings(this.config.security).filter((b) => !have.has(JSON.stringify(b)));
    const index = await this.commit([
      ...add.map((binding): MetadataRecord => ({ type: 'acl', kind: 'add', binding })),
      { type: 'acls-bootstrapped' },
    ]);
    if (add.length > 0) this.logger.info({ acls: add.length }, "wrote the config file's ACLs to the metadata log");
    return index;
  }

  /** DeleteAcls: every binding matching each filter goes; answers the removed bindings per filter. */
  private async deleteAcls(filters: AclFilter[]): Promise<{ index: number; deleted: AclBinding[][] }> {
    const deleted = filters.map((f) => this.image.acls.list(f));
    const unique = new Map(deleted.flat().map((b) => [JSON.stringify(b), b]));
    const index = await this.commit([...unique.values()].map((binding) => ({ type: 'acl', kind: 'remove', binding })));
    return { index, deleted };
  }

  // ---------------------------------------------------------------- topics

  private defaultReplicationFactor(): number {
    return this.config.defaultReplicationFactor ?? Math.min(3, this.config.brokers);
  }

  private assign(numPartitions: number, rf: number): number[][] {
    const live = this.image.liveBrokerIds();
    if (rf > live.length)
      throw new ControllerError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `replication factor ${rf} is larger than the ${live.length} available broker(s)`,
      );
    const start = Math.floor(Math.random() * live.length);
    return Array.from({ length: numPartitions }, (_, p) =>
      Array.from({ length: rf }, (_, k) => live[(start + p + k) % live.length]),
    );
  }

  private async createTopic(spec: CreateTopicSpec): Promise<number> {
    const bad = validateTopicName(spec.name);
    if (bad) throw new ControllerError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
    if (this.image.topics.get(spec.name))
      throw new ControllerError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${spec.name}' already exists`);
    let assignments = spec.assignments;
    if (!assignments || assignments.length === 0) {
      const n = spec.numPartitions === -1 ? this.config.defaultPartitions : spec.numPartitions;
      if (n < 1) throw new ControllerError(ErrorCode.INVALID_PARTITIONS, 'number of partitions must be at least 1');
      if (n > MAX_PARTITIONS_PER_TOPIC)
        throw new ControllerError(
          ErrorCode.INVALID_PARTITIONS,
          `at most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic on the reference broker`,
        );
      const rf = spec.replicationFactor === -1 ? this.defaultReplicationFactor() : spec.replicationFactor;
      if (rf < 1)
        throw new ControllerError(ErrorCode.INVALID_REPLICATION_FACTOR, 'replication factor must be at least 1');
      assignments = this.assign(n, rf);
    } else {
      for (const a of assignments) {
        const unknown = a.filter((b) => !this.image.brokers.has(b));
        if (unknown.length > 0)
          throw new ControllerError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `unknown broker(s) ${unknown.join(', ')} in the assignment`,
          );
      }
    }
    const topic: TopicInfo = {
      name: spec.name,
      topicId: randomUUID(),
      internal: INTERNAL_TOPICS.has(spec.name),
      configs: { ...(spec.configs ?? {}) },
      partitions: assignments.map((replicas, partition) => this.newPartition(spec.name, partition, replicas)),
    };
    if (spec.validateOnly) return this.image.offset;
    const index = await this.commit([{ type: 'topic', topic }]);
    this.logger.info(
      { topic: spec.name, partitions: topic.partitions.length, replicationFactor: assignments[0]?.length },
      'created topic',
    );
    return index;
  }

  private newPartition(topic: string, partition: number, replicas: number[]): PartitionRegistration {
    const live = replicas.filter((r) => this.image.isLive(r));
    const leader = live[0] ?? -1;
    return {
      topic,
      partition,
      leader,
      leaderEpoch: 0,
      partitionEpoch: 0,
      replicas: [...replicas],
      isr: live.length > 0 ? live : [...replicas],
    };
  }

  private async deleteTopic(name: string): Promise<number> {
    if (!this.image.topics.get(name))
      throw new ControllerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${name}'`);
    return this.commit([{ type: 'remove-topic', name }]);
  }

  private async createPartitions(name: string, newTotal: number, validateOnly: boolean): Promise<number> {
    const t = this.image.topics.get(name);
    if (!t) throw new ControllerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${name}'`);
    const from = t.partitions.length;
    if (newTotal > MAX_PARTITIONS_PER_TOPIC)
      throw new ControllerError(
        ErrorCode.INVALID_PARTITIONS,
        `at most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic on the reference broker`,
      );
    if (newTotal <= from)
      throw new ControllerError(
        ErrorCode.INVALID_PARTITIONS,
        `topic '${name}' has ${from} partition(s); the new count must be larger, got ${newTotal}`,
      );
    const rf = t.partitions[0]?.replicas.length ?? 1;
    const assignments = this.assign(newTotal - from, rf);
    if (validateOnly) return this.image.offset;
    return this.commit(
      assignments.map((replicas, i) => ({ type: 'partition', state: this.newPartition(name, from + i, replicas) })),
    );
  }

  private async alterConfigs(name: string, configs: TopicConfigs): Promise<number> {
    if (!this.image.topics.get(name))
      throw new ControllerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${name}'`);
    return this.commit([{ type: 'configs', name, configs }]);
  }

  private async alterPartition(req: AlterPartitionRequest): Promise<{ index: number; state: PartitionRegistration }> {
    const p = this.image.topics.partition(req.topic, req.partition);
    if (!p)
      throw new ControllerError(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `unknown partition ${req.topic}-${req.partition}`,
      );
    if (req.leaderEpoch !== p.leaderEpoch)
      throw new ControllerError(
        ErrorCode.FENCED_LEADER_EPOCH,
        `leader epoch ${req.leaderEpoch} is stale (current ${p.leaderEpoch})`,
      );
    if (req.partitionEpoch !== p.partitionEpoch)
      throw new ControllerError(
        ErrorCode.INVALID_UPDATE_VERSION,
        `partition epoch ${req.partitionEpoch} is stale (current ${p.partitionEpoch})`,
      );
    if (!req.newIsr.includes(p.leader))
      throw new ControllerError(ErrorCode.INVALID_REQUEST, 'the new ISR must contain the leader');
    const added = req.newIsr.filter((r) => !p.isr.includes(r));
    const ineligible = added.filter((r) => !this.image.isLive(r) || !p.replicas.includes(r));
    if (ineligible.length > 0)
      throw new ControllerError(
        ErrorCode.INELIGIBLE_REPLICA,
        `replica(s) ${ineligible.join(', ')} cannot join the ISR (fenced or not a replica)`,
      );
    const state: PartitionRegistration = {
      ...p,
      isr: p.replicas.filter((r) => req.newIsr.includes(r)),
      partitionEpoch: p.partitionEpoch + 1,
    };
    const index = await this.commit([{ type: 'partition', state }]);
    return { index, state };
  }
}
