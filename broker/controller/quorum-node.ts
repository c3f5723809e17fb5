// One node's part in the metadata quorum: its Raft node (voter or observer), the metadata image it
// applies committed records to, the controller logic it runs while it leads, the RPC listener on
// the controller port, the ControllerChannel the data plane uses, and the broker's heartbeats to
// the active controller (registration, unfencing, liveness).
import type { Logger } from '../../common/index.js';
import { ErrorCode } from '../../protocol/index.js';
import type { BrokerConfig, ClusterSpec, HostPort, NodeSpec } from '../config.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import { RaftNode } from '../raft/raft.js';
import { RpcClient, RpcError, RpcServer } from '../raft/rpc.js';
import type { PartitionRegistration, TopicStore } from '../state/topic-store.js';
import type { TopicConfigs } from '../state/topic-config.js';
import {
  ControllerError,
  type AclBinding,
  type AlterPartitionRequest,
  type ControllerChannel,
  type CreateTopicSpec,
} from './channel.js';
import { MetadataImage } from './image.js';
import { QuorumController, type ElectionResult, type HeartbeatRequest } from './quorum-controller.js';
import type { MetadataRecord } from './records.js';

const REQUEST_TIMEOUT_MS = 15_000;

export class QuorumNode implements ControllerChannel {
  readonly image: MetadataImage;
  readonly raft: RaftNode<MetadataRecord>;
  readonly controller: QuorumController | null;
  private readonly server: RpcServer;
  private readonly clients = new Map<number, RpcClient>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private readonly self: NodeSpec;
  private fenced = true;
  /** Metadata index of the controller's first "unfenced" answer to this process (-1: none yet). */
  private unfencedAt = -1;
  private stopped = false;

  constructor(
    private readonly config: BrokerConfig,
    spec: ClusterSpec,
    topics: TopicStore,
    metrics: BrokerMetrics,
    private readonly logger: Logger,
  ) {
    const self = spec.nodes.find((n) => n.nodeId === config.nodeId);
    if (!self) throw new Error(`node ${config.nodeId} is not in the cluster spec`);
    this.self = self;
    this.image = new MetadataImage(topics);
    const voters = spec.nodes.filter((n) => n.voter).map((n) => n.nodeId);
    const peers = new Map<number, HostPort>(spec.nodes.map((n) => [n.nodeId, n.advertised.controller]));
    const secret = spec.secret ?? null;
    for (const [id, addr] of peers) if (id !== config.nodeId) this.clients.set(id, new RpcClient(addr, secret));
    let controller: QuorumController | null = null;
    this.raft = new RaftNode<MetadataRecord>({
      nodeId: config.nodeId,
      voters,
      peers,
      secret,
      dir: `${config.metadataDir}/raft`,
      electionTimeoutMs: config.controllerElectionTimeoutMs,
      logger: logger.child({ part: 'raft' }),
      noop: { type: 'noop' },
      apply: (e) => {
        this.image.apply(e.index, e.record);
        if (e.record.type === 'unclean-election' && this.raft.role === 'leader') metrics.uncleanLeaderElection();
      },
      onRoleChange: (role) => controller?.roleChanged(role === 'leader'),
    });
    controller = self.voter
      ? new QuorumController(config, this.raft, this.image, metrics, logger.child({ part: 'controller' }))
      : null;
    this.controller = controller;
    this.server = new RpcServer((method, params) => this.onRpc(method, params), logger, secret);
  }

  async start(): Promise<void> {
    await this.server.listen(this.self.bind.controller.host, this.self.bind.controller.port);
    this.raft.start();
    const beat = () => {
      void this.heartbeat().catch((e: unknown) =>
        this.logger.debug({ err: (e as Error).message }, 'heartbeat to the controller failed'),
      );
    };
    this.heartbeatTimer = setInterval(beat, this.config.brokerHeartbeatIntervalMs);
    beat();
  }

  /**
   * Whether this broker may serve clients: the active controller has unfenced it (answered a
   * heartbeat of this process, so a registration replayed from before a restart does not count),
   * this node has applied the metadata up to that answer, and it knows which node the controller
   * is. KRaft opens a broker's listeners only then, so a client never meets a broker that would
   * answer "no controller" or describe the cluster from a stale image.
   */
  ready(): boolean {
    return (
      this.unfencedAt >= 0 &&
      this.raft.appliedIndex >= this.unfencedAt &&
      this.image.isLive(this.config.nodeId) &&
      this.raft.leaderId >= 0
    );
  }

  /** Resolves once ready() (or rejects after timeoutMs, when the node stops or `signal` aborts). */
  async waitReady(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.stopped && !signal?.aborted) {
      if (this.ready()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.stopped || signal?.aborted)
      throw new Error(`broker ${this.config.nodeId} was stopped while waiting to be registered`);
    throw new Error(`broker ${this.config.nodeId} was not registered by an active controller within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    // Ends every controller call still retrying (a heartbeat, a change), so no timer outlives the node.
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.controller?.stop();
    this.raft.stop();
    for (const c of this.clients.values()) c.close();
    await this.server.close();
  }

  private async onRpc(method: string, params: unknown): Promise<unknown> {
    if (method === 'raft.vote')
      return this.raft.handleVote(params as Parameters<RaftNode<MetadataRecord>['handleVote']>[0]);
    if (method === 'raft.append')
      return this.raft.handleAppend(params as Parameters<RaftNode<MetadataRecord>['handleAppend']>[0]);
    if (method.startsWith('ctl.')) {
      if (!this.controller?.isActive)
        throw new ControllerError(ErrorCode.NOT_CONTROLLER, `node ${this.config.nodeId} is not the active controller`);
      return this.controller.handle(method, params);
    }
    throw new Error(`unknown RPC method ${method}`);
  }

  // ---------------------------------------------------------------- the channel

  activeController(): number {
    return this.raft.leaderId;
  }

  /**
   * The controller id clients get in Metadata and DescribeCluster. Never -1: librdkafka's admin
   * client gives up looking for a controller after a few -1 answers and then waits out its whole
   * timeout. KRaft answers any alive broker (clients cannot reach controllers; brokers forward
   * admin requests); here the active controller is a broker too, so it is named while it is live,
   * otherwise this broker, which is evidently up and forwards the request itself.
   */
  controllerIdForClients(): number {
    const active = this.raft.leaderId;
    if (active >= 0 && this.image.isLive(active)) return active;
    if (this.image.isLive(this.config.nodeId)) return this.config.nodeId;
    return this.image.liveBrokerIds()[0] ?? this.config.nodeId;
  }

  /**
   * Send a request to the active controller, following leadership changes until timeoutMs. Bounded
   * on every path, the local one included: a controller that lost its quorum cannot commit, and its
   * own caller (a controlled shutdown, a client's CreateTopics) must get an answer all the same.
   */
  private async call<T>(method: string, params: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown = null;
    while (Date.now() < deadline && !this.stopped) {
      const leader = this.raft.leaderId;
      try {
        if (leader === this.config.nodeId && this.controller?.isActive)
          return await withDeadline(
            this.controller.handle(method, params) as Promise<T>,
            deadline - Date.now(),
            method,
          );
        const client = leader >= 0 ? this.clients.get(leader) : undefined;
        if (client) return await client.call<T>(method, params, Math.max(200, deadline - Date.now()));
      } catch (e) {
        const code = e instanceof ControllerError ? e.errorCode : e instanceof RpcError ? e.code : -1;
        if (code >= 0 && code !== ErrorCode.NOT_CONTROLLER) throw new ControllerError(code, (e as Error).message);
        last = e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.stopped)
      throw new ControllerError(ErrorCode.REQUEST_TIMED_OUT, `broker ${this.config.nodeId} is stopping`);
    throw new ControllerError(
      ErrorCode.REQUEST_TIMED_OUT,
      `no active controller answered ${method} within ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ''}`,
    );
  }

  /** Call, then wait until this node has applied the change (so local reads see it). */
  private async change<T extends { index: number } | number>(method: string, params: unknown): Promise<T> {
    const res = await this.call<T>(method, params);
    const index = typeof res === 'number' ? res : res.index;
    await this.raft.waitApplied(index, REQUEST_TIMEOUT_MS).catch(() => undefined);
    return res;
  }

  private async heartbeat(): Promise<void> {
    const req: HeartbeatRequest = {
      nodeId: this.config.nodeId,
      client: this.self.advertised.client,
      interBroker: this.self.advertised.interBroker,
      rack: null,
      shuttingDown: this.shuttingDown,
    };
    const res = await this.call<{ fenced: boolean; index: number }>(
      'ctl.heartbeat',
      req,
      this.config.brokerHeartbeatIntervalMs * 2,
    );
    if (!res.fenced && this.unfencedAt < 0) this.unfencedAt = res.index;
    if (res.fenced !== this.fenced) {
      this.fenced = res.fenced;
      this.logger.info(
        { fenced: res.fenced },
        res.fenced ? 'this broker is fenced' : 'this broker is registered and active',
      );
    }
  }

  async createTopic(spec: CreateTopicSpec): Promise<void> {
    await this.change<number>('ctl.createTopic', spec);
  }
  async deleteTopic(name: string): Promise<void> {
    await this.change<number>('ctl.deleteTopic', { name });
  }
  async createPartitions(name: string, newTotal: number, validateOnly: boolean): Promise<void> {
    await this.change<number>('ctl.createPartitions', { name, newTotal, validateOnly });
  }
  async alterTopicConfigs(name: string, configs: TopicConfigs): Promise<void> {
    await this.change<number>('ctl.alterConfigs', { name, configs });
  }
  async alterPartition(req: AlterPartitionRequest): Promise<PartitionRegistration> {
    const res = await this.change<{ index: number; state: PartitionRegistration }>('ctl.alterPartition', req);
    return res.state;
  }
  async electLeaders(
    electionType: number,
    partitions: { topic: string; partition: number }[],
  ): Promise<ElectionResult[]> {
    const res = await this.call<ElectionResult[]>('ctl.electLeaders', { electionType, partitions });
    await this.raft.waitApplied(this.raft.commitIndex, 5000).catch(() => undefined);
    return res;
  }
  async createAcls(bindings: AclBinding[]): Promise<void> {
    await this.change<number>('ctl.createAcls', { bindings });
  }
  async deleteAcls(filters: AclBinding[]): Promise<AclBinding[][]> {
    return (await this.change<{ index: number; deleted: AclBinding[][] }>('ctl.deleteAcls', { filters })).deleted;
  }

  /**
   * Controlled shutdown: stop asking to be unfenced and have the controller move this broker's
   * leaderships to other ISR members (one commit: it answers once they are moved, or offline where
   * no other live in-sync replica exists). Bounded twice over, so a stop never waits for what
   * cannot come:
   * - a controller has about one election's time to answer (a failover in progress); when the
   *   peers are gone none will come;
   * - with no other live broker left (the whole cluster stopping: the others' controlled shutdowns
   *   fenced them) there is nobody to take the leaderships, so it is skipped; the last node of a
   *   full stop would otherwise wait for a quorum that has just left.
   */
  async controlledShutdown(timeoutMs: number): Promise<{ remaining: number }> {
    this.shuttingDown = true;
    const me = this.config.nodeId;
    const alone = () => !this.image.liveBrokerIds().some((id) => id !== me);
    if (alone()) {
      this.logger.info('controlled shutdown: no other live broker to take over leaderships; stopping');
      return { remaining: -1 };
    }
    const waitMs = Math.min(timeoutMs, Math.max(2000, 3 * this.config.controllerElectionTimeoutMs));
    const giveUpAt = Date.now() + waitMs;
    // The others may stop meanwhile (a full stop): noticed within 100 ms, not at the end of the wait.
    const lastOne = pollUntil(alone, 100);
    try {
      const outcome = await Promise.race([
        this.call<{ remaining: number }>('ctl.controlledShutdown', { nodeId: me }, waitMs).then(
          (r) => ({ remaining: r.remaining }),
          (e: unknown) => ({ error: e as Error }),
        ),
        lastOne.done.then(() => ({ alone: true as const })),
      ]);
      if ('alone' in outcome) {
        this.logger.info('controlled shutdown: the other brokers stopped meanwhile; stopping');
        return { remaining: -1 };
      }
      if ('error' in outcome) {
        const noController =
          outcome.error instanceof ControllerError && outcome.error.errorCode === ErrorCode.REQUEST_TIMED_OUT;
        this.logger.warn(
          { err: outcome.error.message },
          noController
            ? 'controlled shutdown: no controller answered; stopping without it'
            : 'controlled shutdown refused; stopping without it',
        );
        return { remaining: -1 };
      }
      // Our own image shows the moved leaderships before the replica manager is stopped.
      await this.raft
        .waitApplied(this.raft.commitIndex, Math.max(1, Math.min(2000, giveUpAt - Date.now())))
        .catch(() => undefined);
      return { remaining: outcome.remaining };
    } finally {
      lastOne.cancel();
    }
  }
}

/** Resolves `done` once `check()` holds (polled every intervalMs) until cancelled. */
function pollUntil(check: () => boolean, intervalMs: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (!check()) return;
      clearInterval(timer);
      resolve();
    }, intervalMs);
  });
  return { done, cancel: () => clearInterval(timer) };
}

/** The promise, or a rejection once ms have passed (the work itself goes on: a commit may still land). */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not done within ${ms} ms`)), Math.max(0, ms));
    // Never the reason a stopped node stays up (its caller may have stopped waiting already).
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
