// Fleet mode for one cluster (exporter.coordination): this replica's membership of the
// coordination group, and per collection cycle a ShardView that tells the collector which
// consumer groups are its to export and whether it exports the cluster-wide series (it does when
// it holds coordination partition 0). Also the shard self-metrics.
import type { Registry, Gauge } from 'prom-client';
import type { ExporterClusterConfig, ExporterConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/index.js';
import { ClusterClient, type NameFilter } from '../../kafka-client/index.js';
import { catalogGauge } from '../metrics/exposition.js';
import { ShardMembership, type Assignment } from './membership.js';
import { shardOf } from './shard.js';

const START_RETRY_MS = 5000;

export type CoordinationConfig = ExporterConfig['coordination'];

/** What one collection cycle may export. */
export interface ShardView {
  /** False while the replica holds no assignment: it then exports no group and no cluster-wide series. */
  readonly assigned: boolean;
  /** Holds coordination partition 0: exports brokers, topics, partitions, log dirs, URP/offline. */
  readonly clusterWide: boolean;
  readonly generation: number;
  readonly partitions: readonly number[];
  /**
   * The group filter of this cycle: the configured one, minus the coordination group, minus the
   * groups of other replicas. Counts the groups the configured filter lets through (every
   * replica's share together) for `kafka_sre_exporter_listed_groups`.
   */
  readonly groups: NameFilter;
}

export class ShardCoordinator {
  private membership?: ShardMembership;
  private client?: ClusterClient;
  private partitionCount = 0;
  private readonly gauges: {
    groups: Gauge<string>;
    partitions: Gauge<string>;
    generation: Gauge<string>;
    listed: Gauge<string>;
  };
  private listed = new Set<string>();
  private stopping = false;
  private starting?: Promise<void>;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly cluster: ExporterClusterConfig,
    private readonly settings: CoordinationConfig & { group: string },
    private readonly baseGroups: NameFilter,
    registry: Registry,
    private readonly logger: Logger,
    /** Called when the assignment changed (the collector collects at once rather than at the next interval). */
    private readonly onChange: () => void = () => undefined,
  ) {
    this.gauges = {
      groups: catalogGauge('exporterShardGroups', registry),
      partitions: catalogGauge('exporterShardPartitions', registry),
      generation: catalogGauge('exporterShardGeneration', registry),
      listed: catalogGauge('exporterListedGroups', registry),
    };
    const l = { cluster: cluster.name };
    this.gauges.partitions.set(l, 0);
    this.gauges.generation.set(l, -1);
  }

  /**
   * Creates the coordination topic when missing and joins the group, in the background: until
   * then (cluster unreachable, topic not creatable) the replica holds no share and exports nothing.
   */
  start(): void {
    const attempt = async (): Promise<void> => {
      if (this.stopping) return;
      try {
        await this.join();
      } catch (e) {
        this.logger.warn(
          { cluster: this.cluster.name, err: (e as Error).message },
          'coordination: cannot prepare the coordination topic; retrying',
        );
        this.retry = setTimeout(() => void attempt(), START_RETRY_MS);
      }
    };
    this.starting = attempt();
  }

  private async join(): Promise<void> {
    const s = this.settings;
    // Its own connections: a JoinGroup waits at the coordinator up to the rebalance timeout.
    this.client ??= new ClusterClient(
      {
        ...this.cluster,
        clientId: `${this.cluster.clientId ?? 'kafka-sre'}-coordination`,
        requestTimeoutMs: Math.max(this.cluster.requestTimeoutMs, s.rebalanceTimeoutMs + 5000),
      },
      this.logger,
    );
    this.partitionCount = await this.ensureTopic(this.client);
    this.membership = new ShardMembership(
      this.client,
      {
        groupId: s.group,
        topic: s.topic,
        partitions: this.partitionCount,
        sessionTimeoutMs: s.sessionTimeoutMs,
        heartbeatIntervalMs: s.heartbeatIntervalMs,
        rebalanceTimeoutMs: s.rebalanceTimeoutMs,
      },
      this.logger,
      (a) => this.changed(a),
    );
    this.membership.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    await this.starting;
    await this.membership?.stop();
    await this.client?.close();
  }

  /** Holds coordination partition 0 now (the cluster-wide series and the probe are this replica's). */
  holdsPartitionZero(nowMs = Date.now()): boolean {
    return this.membership?.current(nowMs)?.partitions.includes(0) ?? false;
  }

  /** The share of this cycle (fixed for the cycle, so a rebalance mid-cycle cannot split it). */
  view(nowMs = Date.now()): ShardView {
    const a = this.membership?.current(nowMs);
    const owned = new Set(a?.partitions ?? []);
    const listed = new Set<string>();
    this.listed = listed;
    const coordinationGroup = this.settings.group;
    const n = this.partitionCount;
    return {
      assigned: a !== undefined,
      clusterWide: owned.has(0),
      generation: a?.generation ?? -1,
      partitions: [...owned],
      groups: (g) => {
        if (g === coordinationGroup || !this.baseGroups(g)) return false;
        listed.add(g);
        return owned.has(shardOf(g, n));
      },
    };
  }

  /** Self-metrics after a successful cycle: what it exported and, from partition 0's holder, what there was. */
  recordCycle(view: ShardView, exportedGroups: number): void {
    const l = { cluster: this.cluster.name };
    this.gauges.groups.set(l, exportedGroups);
    this.gauges.partitions.set(l, view.partitions.length);
    this.gauges.generation.set(l, view.generation);
    // Only one replica reports the total, so sum(shard_groups) can be compared with it.
    if (view.clusterWide) this.gauges.listed.set(l, this.listed.size);
    else this.gauges.listed.remove(l);
  }

  private changed(a: Assignment | undefined): void {
    this.logger.info(
      { cluster: this.cluster.name, generation: a?.generation ?? -1, partitions: a?.partitions ?? [] },
      a ? 'exporter shard assigned' : 'exporter shard lost',
    );
    this.onChange();
  }

  /** Partitions of the coordination topic, creating it when it does not exist. */
  private async ensureTopic(client: ClusterClient): Promise<number> {
    const s = this.settings;
    const find = async () =>
      (await client.metadata({ topics: (t) => t === s.topic, groups: () => false, includeInternal: true })).topics.find(
        (t) => t.name === s.topic,
      );
    const existing = await find();
    if (existing && existing.partitions.length > 0) return existing.partitions.length;
    const brokers = (await client.metadata({ topics: () => false, groups: () => false, includeInternal: false }))
      .brokers.length;
    const rf = s.replicationFactor > 0 ? s.replicationFactor : Math.min(3, brokers);
    // Another replica may create it at the same moment: "already exists" is success.
    await client
      .admin()
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: s.topic,
            numPartitions: s.partitions,
            replicationFactor: rf,
            // Nothing is ever written to it; the partitions only number the shards.
            configEntries: [{ name: 'retention.ms', value: String(3600_000) }],
          },
        ],
      })
      .catch((e: Error) => {
        if (!/already exists/i.test(e.message)) throw e;
      });
    this.logger.info({ topic: s.topic, partitions: s.partitions, replicationFactor: rf }, 'coordination topic ready');
    for (let i = 0; i < 20; i++) {
      const t = await find();
      if (t && t.partitions.length > 0) return t.partitions.length;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`coordination topic ${s.topic} did not appear after creating it`);
  }
}
