// The group coordinator as a broker plugin: at start it makes sure the internal topic
// `__consumer_offsets` exists (compacted, listed as internal), replays it into a new
// GroupCoordinator and hands that to the handlers through `services.groups`.
import { CONSUMER_OFFSETS_TOPIC } from '../../protocol/index.js';
import type { BrokerConfig } from '../config.js';
import type { BrokerPlugin, BrokerServices } from '../services.js';
import {
  GroupCoordinator,
  defaultCoordinatorConfig,
  type CoordinatorConfig,
  type StoredRecord,
} from './coordinator.js';
import { OffsetsTopicStore } from './offsets-store.js';
import { ConsumerGroupCoordinator, type ConsumerGroupConfig } from './consumer-coordinator.js';

/** The coordinator's settings from the broker config (Kafka's names in the section's descriptions). */
export function coordinatorConfigOf(
  c: Pick<
    BrokerConfig,
    'offsetsTopicPartitions' | 'groupInitialRebalanceDelayMs' | 'groupMinSessionTimeoutMs' | 'groupMaxSessionTimeoutMs'
  >,
): CoordinatorConfig {
  return {
    ...defaultCoordinatorConfig,
    offsetsTopicPartitions: c.offsetsTopicPartitions,
    initialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: c.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
  };
}

/** The KIP-848 coordinator's settings (group.consumer.*). */
export function consumerGroupConfigOf(
  c: Pick<
    BrokerConfig,
    | 'groupConsumerSessionTimeoutMs'
    | 'groupConsumerHeartbeatIntervalMs'
    | 'groupConsumerAssignors'
    | 'groupConsumerMigrationPolicy'
  >,
): ConsumerGroupConfig {
  return {
    sessionTimeoutMs: c.groupConsumerSessionTimeoutMs,
    heartbeatIntervalMs: c.groupConsumerHeartbeatIntervalMs,
    assignors: [...c.groupConsumerAssignors],
    migrationPolicy: c.groupConsumerMigrationPolicy,
  };
}

/** A classic coordinator with the KIP-848 one beside it, both persisting through `store`. */
function newCoordinators(
  services: BrokerServices,
  store: OffsetsTopicStore,
  config: CoordinatorConfig,
): GroupCoordinator {
  const gc = new GroupCoordinator(store, config);
  const topics = () =>
    services.topics.list().map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: t.partitions.length,
      internal: t.internal,
    }));
  gc.attachConsumerGroups(
    new ConsumerGroupCoordinator(store, topics, (g) => gc.partitionFor(g), consumerGroupConfigOf(services.config)),
  );
  return gc;
}

const started = new Map<BrokerServices, GroupCoordinator>();

/** Replays one offsets partition; offsets of transactions still open there wait for their marker. */
function loadPartition(gc: GroupCoordinator, store: OffsetsTopicStore, partition: number) {
  const pending = new Map<number, StoredRecord[]>();
  const r = gc.load(store.readAll(partition, pending));
  for (const [producerId, records] of pending) gc.loadPendingTxnOffsets(producerId, records);
  return r;
}

/**
 * Cluster mode: load the groups of each `__consumer_offsets` partition when this broker becomes its
 * leader, forget them when it stops leading it (the coordinator moves with the partition).
 */
function followLeadership(services: BrokerServices, gc: GroupCoordinator, store: OffsetsTopicStore): void {
  const loaded = new Set<number>();
  gc.owns = (partition) => loaded.has(partition);
  const sync = (p: { partition: number; leader: number }) => {
    const mine = p.leader === services.nodeId;
    if (mine && !loaded.has(p.partition)) {
      loaded.add(p.partition);
      const r = loadPartition(gc, store, p.partition);
      // Routine: once per offsets partition per broker (50 of them) at every start and leader move.
      services.logger.debug(
        { partition: p.partition, records: r.applied },
        `now coordinating the groups of ${CONSUMER_OFFSETS_TOPIC}-${p.partition}`,
      );
    } else if (!mine && loaded.has(p.partition)) {
      loaded.delete(p.partition);
      const n = gc.unloadPartition(p.partition);
      services.logger.debug(
        { partition: p.partition, groups: n },
        `no longer coordinating the groups of ${CONSUMER_OFFSETS_TOPIC}-${p.partition}`,
      );
    }
  };
  services.topics.onChange((c) => {
    if (c.topic.name !== CONSUMER_OFFSETS_TOPIC) return;
    if (c.kind === 'partition-changed') sync(c.partition);
    else if (c.kind === 'created' || c.kind === 'partitions-added') c.topic.partitions.forEach(sync);
    else if (c.kind === 'deleted') for (const p of [...loaded]) sync({ partition: p, leader: -1 });
  });
  services.topics.get(CONSUMER_OFFSETS_TOPIC)?.partitions.forEach(sync);
}

export const groupPlugin: BrokerPlugin & { stop(services?: BrokerServices): void } = {
  name: 'group-coordinator',

  async start(services: BrokerServices): Promise<void> {
    const config = coordinatorConfigOf(services.config);
    const existing = services.topics.get(CONSUMER_OFFSETS_TOPIC);
    if (services.clustered) {
      // Created on the first FindCoordinator (as Kafka does), once enough brokers are registered.
      if (existing) config.offsetsTopicPartitions = existing.partitions.length;
      const store = new OffsetsTopicStore(services.replicas);
      const gc = newCoordinators(services, store, config);
      services.groups = gc;
      started.set(services, gc);
      followLeadership(services, gc, store);
      return;
    }
    if (!existing) {
      await services.controller.createTopic({
        name: CONSUMER_OFFSETS_TOPIC,
        numPartitions: config.offsetsTopicPartitions,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'compact' },
      });
    } else if (existing.partitions.length !== config.offsetsTopicPartitions) {
      // Kafka never changes the partition count of __consumer_offsets: groups would move partitions.
      services.logger.warn(
        { existing: existing.partitions.length, configured: config.offsetsTopicPartitions },
        `${CONSUMER_OFFSETS_TOPIC} keeps its existing partition count`,
      );
      config.offsetsTopicPartitions = existing.partitions.length;
    }
    const store = new OffsetsTopicStore(services.replicas);
    const gc = newCoordinators(services, store, config);
    gc.loading = true;
    services.groups = gc;
    const t0 = Date.now();
    let applied = 0;
    let skipped = 0;
    for (let p = 0; p < config.offsetsTopicPartitions; p++) {
      const r = loadPartition(gc, store, p);
      applied += r.applied;
      skipped += r.skipped;
    }
    gc.loading = false;
    started.set(services, gc);
    const s = gc.stats();
    services.logger.info(
      { records: applied, skipped, groups: s.numGroups, offsets: s.numOffsets, ms: Date.now() - t0 },
      `loaded ${CONSUMER_OFFSETS_TOPIC}`,
    );
  },

  /** Stops one broker's coordinator, or every one this process started when called without services. */
  stop(services?: BrokerServices): void {
    for (const [svc, gc] of started) {
      if (services && svc !== services) continue;
      gc.shutdown();
      started.delete(svc);
    }
  },
};
