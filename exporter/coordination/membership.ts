// Membership of the coordination group, spoken directly (JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup with protocol/'s codecs) rather than through a kafkajs consumer: the exporter needs
// the generation, must never fetch from the coordination topic, and must know when its assignment
// can no longer be trusted.
//
// Stickiness: every JoinGroup carries the partitions this replica holds and the generation it got
// them in (consumer-protocol.ts), and the leader keeps each with its holder as far as balance allows
// (shard.ts), so a replica joining or leaving moves only its share. Meanwhile (eager protocol) a
// replica keeps exporting its old share until the new assignment arrives.
//
// Trust: an assignment is current while the coordinator answers heartbeats. A replica that has not
// heard from the coordinator for a session timeout has been (or is about to be) expelled and its
// partitions given to others, so it reports no assignment from then on: it exports nothing rather
// than the same groups as their new owner.
//
// The requests go over a client of their own: a JoinGroup waits at the coordinator until every
// member has rejoined, and a broker answers one connection's requests in order, so sharing the
// collector's connections would hold its requests behind that wait.
import type { Logger } from '../../common/index.js';
import type { ClusterClient } from '../../kafka-client/index.js';
import {
  ErrorCode,
  errorName,
  findCoordinatorCodec,
  heartbeatCodec,
  joinGroupCodec,
  leaveGroupCodec,
  syncGroupCodec,
} from '../../protocol/index.js';
import { assignedPartitions, claimedPartitions, encodeAssignment, encodeSubscription } from './consumer-protocol.js';
import { assignShards, movedPartitions, type ShardMember } from './shard.js';

export interface MembershipSettings {
  groupId: string;
  topic: string;
  /** Partitions of the coordination topic (the leader deals them out). */
  partitions: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
}

export interface Assignment {
  generation: number;
  memberId: string;
  partitions: readonly number[];
}

const PROTOCOL = 'kafka-sre-shards';
const RETRY_MS = 500;

/** A coordinator-side answer that means: find the coordinator again. */
const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

class GroupError extends Error {
  constructor(
    readonly api: string,
    readonly code: number,
  ) {
    super(`${api}: ${errorName(code)}`);
  }
}

export class ShardMembership {
  private memberId = '';
  private coordinator?: number;
  private assignment?: Assignment;
  /** Last answer from the coordinator that confirmed the assignment (sync or heartbeat). */
  private confirmedMs = 0;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastError?: string;

  constructor(
    private readonly client: ClusterClient,
    private readonly settings: MembershipSettings,
    private readonly logger: Logger,
    private readonly onChange: (a: Assignment | undefined) => void = () => undefined,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** The assignment, while the coordinator has confirmed it within a session timeout. */
  current(nowMs = Date.now()): Assignment | undefined {
    if (!this.assignment || nowMs - this.confirmedMs >= this.settings.sessionTimeoutMs) return undefined;
    return this.assignment;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    // Leaving at once hands the partitions over now instead of after a session timeout.
    if (this.memberId && this.coordinator !== undefined)
      await this.client
        .request(this.coordinator, leaveGroupCodec, {
          groupId: this.settings.groupId,
          members: [{ memberId: this.memberId, groupInstanceId: null }],
        })
        .catch(() => undefined);
    this.setAssignment(undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.coordinator ??= await this.findCoordinator();
        await this.joinAndSync();
        await this.heartbeatUntilRebalance();
        this.lastError = undefined;
      } catch (e) {
        if (e instanceof GroupError) {
          if (COORDINATOR_MOVED.has(e.code)) this.coordinator = undefined;
          if (e.code === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
          // Expelled, or a newer generation dealt the partitions anew: ours are someone else's now.
          if (e.code === ErrorCode.UNKNOWN_MEMBER_ID || e.code === ErrorCode.ILLEGAL_GENERATION)
            this.setAssignment(undefined);
        } else this.coordinator = undefined; // connection trouble: the coordinator may have moved
        const msg = (e as Error).message;
        if (msg !== this.lastError) this.logger.warn({ err: msg, group: this.settings.groupId }, 'coordination group');
        this.lastError = msg;
        await this.sleep(RETRY_MS);
      }
    }
  }

  private async findCoordinator(): Promise<number> {
    const md = await this.client.metadata({ topics: () => false, groups: () => false, includeInternal: false });
    let last: unknown;
    for (const b of md.brokers) {
      try {
        const res = await this.client.request(b.id, findCoordinatorCodec, { key: this.settings.groupId, keyType: 0 });
        if (res.errorCode !== 0) throw new GroupError('FindCoordinator', res.errorCode);
        return res.nodeId;
      } catch (e) {
        last = e;
      }
    }
    throw last ?? new Error('no broker in the metadata');
  }

  private async joinAndSync(): Promise<void> {
    const s = this.settings;
    for (;;) {
      if (this.stopped) return;
      const join = await this.client.request(this.coordinator!, joinGroupCodec, {
        groupId: s.groupId,
        sessionTimeoutMs: s.sessionTimeoutMs,
        rebalanceTimeoutMs: s.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [
          {
            name: PROTOCOL,
            metadata: encodeSubscription(s.topic, this.assignment?.partitions ?? [], this.assignment?.generation ?? -1),
          },
        ],
      });
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId;
        continue;
      }
      if (join.errorCode !== 0) throw new GroupError('JoinGroup', join.errorCode);
      this.memberId = join.memberId;
      const leader = join.leader === join.memberId;
      const members: ShardMember[] = leader
        ? join.members.map((m) => ({ memberId: m.memberId, ...claimedPartitions(m.metadata, s.topic) }))
        : [];
      const dealt = leader ? assignShards(members, s.partitions) : new Map<string, number[]>();
      const sync = await this.client.request(this.coordinator!, syncGroupCodec, {
        groupId: s.groupId,
        generationId: join.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        assignments: [...dealt].map(([memberId, parts]) => ({
          memberId,
          assignment: encodeAssignment(s.topic, parts),
        })),
      });
      if (sync.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
      if (sync.errorCode !== 0) throw new GroupError('SyncGroup', sync.errorCode);
      this.confirmedMs = Date.now();
      this.setAssignment({
        generation: join.generationId,
        memberId: this.memberId,
        partitions: assignedPartitions(sync.assignment, s.topic),
      });
      if (leader)
        this.logger.info(
          {
            group: s.groupId,
            generation: join.generationId,
            members: dealt.size,
            moved: movedPartitions(members, dealt),
          },
          'coordination group: assigned the shards',
        );
      return;
    }
  }

  /** Heartbeats until the coordinator asks for a rejoin (the assignment stays until the new one). */
  private async heartbeatUntilRebalance(): Promise<void> {
    while (!this.stopped) {
      await this.sleep(this.settings.heartbeatIntervalMs);
      if (this.stopped) return;
      const a = this.assignment!;
      const res = await this.client.request(this.coordinator!, heartbeatCodec, {
        groupId: this.settings.groupId,
        generationId: a.generation,
        memberId: this.memberId,
        groupInstanceId: null,
      });
      if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return;
      if (res.errorCode !== 0) throw new GroupError('Heartbeat', res.errorCode);
      this.confirmedMs = Date.now();
    }
  }

  private setAssignment(a: Assignment | undefined): void {
    const before = this.assignment;
    this.assignment = a;
    if (before?.generation !== a?.generation || before?.partitions.join() !== a?.partitions.join()) this.onChange(a);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
