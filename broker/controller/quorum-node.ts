// One node's part in the metadata quorum: its Raft node (voter or observer), the metadata image it
// applies committed records to, the controller logic it runs while it leads, the RPC listener on
// the controller port, the ControllerChannel the data plane uses, and the broker's heartbeats to
// the active controller (registration, unfencing, liveness).
import type { Logger } from '../../common/logging.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { BrokerConfig, ClusterSpec, HostPort, NodeSpec } from '../config.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import { RaftNode } from '../raft/raft.js';
import { RpcClient, RpcError, RpcServer } from '../raft/rpc.js';
import type { PartitionState, TopicStore } from '../state/topic-store.js';
import type { TopicConfigs } from '../state/topic-config.js';
import { ControllerError, type AclBinding, type AlterPartitionRequest, type ControllerChannel, type CreateTopicSpec } from './channel.js';
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
    for (const [id, addr] of peers) if (id !== config.nodeId) this.clients.set(id, new RpcClient(addr));
    let controller: QuorumController | null = null;
    this.raft = new RaftNode<MetadataRecord>({
      nodeId: config.nodeId,
      voters,
      peers,
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
    controller = self.voter ? new QuorumController(config, this.raft, this.image, metrics, logger.child({ part: 'controller' })) : null;
    this.controller = controller;
    this.server = new RpcServer((method, params) => this.onRpc(method, params), logger);
  }

  async start(): Promise<void> {
    await this.server.listen(this.self.bind.controller.host, this.self.bind.controller.port);
    this.raft.start();
    const beat = () => {
      void this.heartbeat().catch((e: unknown) => this.logger.debug({ err: (e as Error).message }, 'heartbeat to the controller failed'));
    };
    this.heartbeatTimer = setInterval(beat, this.config.brokerHeartbeatIntervalMs);
    beat();
  }

  /** Resolves once this broker is registered and unfenced (or rejects after timeoutMs). */
  async waitUnfenced(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.image.isLive(this.config.nodeId)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`broker ${this.config.nodeId} was not registered by an active controller within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.controller?.stop();
    this.raft.stop();
    for (const c of this.clients.values()) c.close();
    await this.server.close();
  }

  private async onRpc(method: string, params: unknown): Promise<unknown> {
    if (method === 'raft.vote') return this.raft.handleVote(params as Parameters<RaftNode<MetadataRecord>['handleVote']>[0]);
    if (method === 'raft.append') return this.raft.handleAppend(params as Parameters<RaftNode<MetadataRecord>['handleAppend']>[0]);
    if (method.startsWith('ctl.')) {
      if (!this.controller?.isActive) throw new ControllerError(ErrorCode.NOT_CONTROLLER, `node ${this.config.nodeId} is not the active controller`);
      return this.controller.handle(method, params);
    }
    throw new Error(`unknown RPC method ${method}`);
  }

  // ---------------------------------------------------------------- the channel

  activeController(): number {
    return this.raft.leaderId;
  }

  /** Send a request to the active controller, following leadership changes until timeoutMs. */
  private async call<T>(method: string, params: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown = null;
    while (Date.now() < deadline) {
      const leader = this.raft.leaderId;
      try {
        if (leader === this.config.nodeId && this.controller?.isActive) return (await this.controller.handle(method, params)) as T;
        const client = leader >= 0 ? this.clients.get(leader) : undefined;
        if (client) return await client.call<T>(method, params, Math.max(1000, deadline - Date.now()));
      } catch (e) {
        const code = e instanceof ControllerError ? e.errorCode : e instanceof RpcError ? e.code : -1;
        if (code >= 0 && code !== ErrorCode.NOT_CONTROLLER) throw new ControllerError(code, (e as Error).message);
        last = e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new ControllerError(ErrorCode.REQUEST_TIMED_OUT, `no active controller answered ${method} within ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ''}`);
  }

  /** Call, then wait until this node has applied the change (so local reads see it). */
  private async change<T extends { index: number } | number>(method: string, params: unknown): Promise<T> {
    const res = await this.call<T>(method, params);
    const index = typeof res === 'number' ? res : res.index;
    await this.raft.waitApplied(index, REQUEST_TIMEOUT_MS).catch(() => undefined);
    return res;
  }

  private async heartbeat(): Promise<void> {
    const req: HeartbeatRequest = { nodeId: this.config.nodeId, client: this.self.advertised.client, interBroker: this.self.advertised.interBroker, rack: null, shuttingDown: this.shuttingDown };
    const res = await this.call<{ fenced: boolean; index: number }>('ctl.heartbeat', req, this.config.brokerHeartbeatIntervalMs * 2);
    if (res.fenced !== this.fenced) {
      this.fenced = res.fenced;
      this.logger.info({ fenced: res.fenced }, res.fenced ? 'this broker is fenced' : 'this broker is registered and active');
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
  async alterPartition(req: AlterPartitionRequest): Promise<PartitionState> {
    const res = await this.change<{ index: number; state: PartitionState }>('ctl.alterPartition', req);
    return res.state;
  }
  async electLeaders(electionType: number, partitions: { topic: string; partition: number }[]): Promise<ElectionResult[]> {
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
   * Controlled shutdown: stop asking to be unfenced, have the controller move this broker's
   * leaderships to other ISR members, and wait until it leads nothing (or the timeout passes).
   */
  async controlledShutdown(timeoutMs: number): Promise<{ remaining: number }> {
    this.shuttingDown = true;
    const deadline = Date.now() + timeoutMs;
    let remaining = -1;
    while (Date.now() < deadline) {
      try {
        // Short attempts: when the whole cluster stops at once the last brokers have no quorum
        // left, and waiting the full timeout for a controller that cannot exist only delays them.
        const attempt = Math.min(5000, Math.max(1000, deadline - Date.now()));
        remaining = (await this.call<{ remaining: number }>('ctl.controlledShutdown', { nodeId: this.config.nodeId }, attempt)).remaining;
        await this.raft.waitApplied(this.raft.commitIndex, 2000).catch(() => undefined);
        if (remaining === 0) break;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message }, 'controlled shutdown: no controller answered; stopping without it');
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    return { remaining };
  }
}
