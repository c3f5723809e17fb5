// The group coordinator as a broker plugin: at start it makes sure the internal topic
// `__consumer_offsets` exists (compacted, listed as internal), replays it into a new
// GroupCoordinator and hands that to the handlers through `services.groups`.
import { CONSUMER_OFFSETS_TOPIC } from '../../protocol/consumer-offsets/formats.js';
import type { BrokerConfig } from '../config.js';
import type { BrokerPlugin, BrokerServices } from '../handlers/types.js';
import { GroupCoordinator, defaultCoordinatorConfig, type CoordinatorConfig } from './coordinator.js';
import { OffsetsTopicStore } from './offsets-store.js';

/** The coordinator's settings from the broker config (Kafka's names in the section's descriptions). */
export function coordinatorConfigOf(
  c: Pick<BrokerConfig, 'offsetsTopicPartitions' | 'groupInitialRebalanceDelayMs' | 'groupMinSessionTimeoutMs' | 'groupMaxSessionTimeoutMs'>,
): CoordinatorConfig {
  return {
    ...defaultCoordinatorConfig,
    offsetsTopicPartitions: c.offsetsTopicPartitions,
    initialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: c.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
  };
}

const started = new Map<BrokerServices, GroupCoordinator>();

export const groupPlugin: BrokerPlugin & { stop(services?: BrokerServices): void } = {
  name: 'group-coordinator',

  start(services: BrokerServices): void {
    const config = coordinatorConfigOf(services.config);
    const existing = services.topics.get(CONSUMER_OFFSETS_TOPIC);
    if (!existing) {
      services.topics.create({ name: CONSUMER_OFFSETS_TOPIC, numPartitions: config.offsetsTopicPartitions, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
    } else if (existing.partitions.length !== config.offsetsTopicPartitions) {
      // Kafka never changes the partition count of __consumer_offsets: groups would move partitions.
      services.logger.warn({ existing: existing.partitions.length, configured: config.offsetsTopicPartitions }, `${CONSUMER_OFFSETS_TOPIC} keeps its existing partition count`);
      config.offsetsTopicPartitions = existing.partitions.length;
    }
    const store = new OffsetsTopicStore(services.replicas);
    const gc = new GroupCoordinator(store, config);
    gc.loading = true;
    services.groups = gc;
    const t0 = Date.now();
    let applied = 0;
    let skipped = 0;
    for (let p = 0; p < config.offsetsTopicPartitions; p++) {
      const r = gc.load(store.readAll(p));
      applied += r.applied;
      skipped += r.skipped;
    }
    gc.loading = false;
    started.set(services, gc);
    const s = gc.stats();
    services.logger.info({ records: applied, skipped, groups: s.numGroups, offsets: s.numOffsets, ms: Date.now() - t0 }, `loaded ${CONSUMER_OFFSETS_TOPIC}`);
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
