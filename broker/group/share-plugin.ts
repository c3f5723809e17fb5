// KIP-932 share groups as a broker plugin (listed after the group plugin in
// handlers/registry.ts): a ShareGroupCoordinator for the groups this node coordinates (leader of
// the group's `__consumer_offsets` partition, like every group type) and a SharePartitionManager
// for the share-partitions of the partitions it leads. Handlers reach both with shareServicesOf();
// its metrics (Kafka 4's group-coordinator-metrics for share groups) are registered here too.
import { Gauge } from 'prom-client';
import { CONSUMER_OFFSETS_TOPIC, ErrorCode } from '../../protocol/index.js';
import { brokerMetrics as M } from '../../common/metrics/index.js';
import type { BrokerPlugin, BrokerServices } from '../services.js';
import { systemClock } from './clock.js';
import { ShareGroupCoordinator } from './share-group.js';
import { SharePartitionManager } from './share-partitions.js';

export interface ShareServices {
  coordinator: ShareGroupCoordinator;
  partitions: SharePartitionManager;
  /** NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS for a group id on this node. */
  unavailable(groupId: string): number;
  /** The group id is a classic or consumer group here. */
  otherGroupType(groupId: string): boolean;
}

const running = new Map<BrokerServices, ShareServices>();

export function shareServicesOf(services: BrokerServices): ShareServices {
  const s = running.get(services);
  // The plugin starts before the listener opens: a missing entry is a wiring bug.
  if (!s) throw new Error('share groups not started');
  return s;
}

/** Share groups this node coordinates (group-count{protocol="share"}); undefined before the plugin starts. */
export function shareGroupCountOf(services: BrokerServices): number | undefined {
  return running.get(services)?.coordinator.list().length;
}

/** Rebalances of the last 30 s per second, Kafka's Meter-style `-rate` next to the `-count`. */
const RATE_WINDOW_MS = 30_000;

function registerMetrics(services: BrokerServices, coordinator: ShareGroupCoordinator): void {
  const registers = [services.metrics.registry];
  const names = services.metrics.registry.getMetricsAsArray().map((m) => m.name);
  if (names.includes(M.shareGroupCount.name)) return;
  new Gauge({
    name: M.shareGroupCount.name,
    help: M.shareGroupCount.help,
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const counts: Record<string, number> = { empty: 0, stable: 0, dead: 0 };
      for (const g of coordinator.list()) counts[g.state.toLowerCase()]++;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: M.shareGroupRebalanceCount.name,
    help: M.shareGroupRebalanceCount.help,
    registers,
    collect() {
      this.set(coordinator.rebalancesTotal);
    },
  });
  new Gauge({
    name: M.shareGroupRebalanceRate.name,
    help: M.shareGroupRebalanceRate.help,
    registers,
    collect() {
      this.set(coordinator.rebalancesSince(Date.now() - RATE_WINDOW_MS) / (RATE_WINDOW_MS / 1000));
    },
  });
}

export const sharePlugin: BrokerPlugin = {
  name: 'share-groups',

  start(services: BrokerServices): void {
    const c = services.config;
    const topics = () =>
      services.topics.list().map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions.length,
        internal: t.internal,
      }));
    const coordinator = new ShareGroupCoordinator(
      {
        sessionTimeoutMs: c.groupShareSessionTimeoutMs,
        heartbeatIntervalMs: c.groupShareHeartbeatIntervalMs,
        maxSize: c.groupShareMaxSize,
      },
      systemClock,
      topics,
    );
    const partitions = new SharePartitionManager(
      services,
      {
        lockDurationMs: c.groupShareRecordLockDurationMs,
        deliveryCountLimit: c.groupShareDeliveryCountLimit,
        maxRecordLocks: 2000,
      },
      systemClock,
      { idleTimeoutMs: c.groupShareSessionTimeoutMs, maxSessions: c.groupShareMaxShareSessions },
    );
    const gc = () => services.groups;
    const share: ShareServices = {
      coordinator,
      partitions,
      unavailable: (groupId) => gc()?.unavailable(groupId) ?? ErrorCode.COORDINATOR_NOT_AVAILABLE,
      otherGroupType: (groupId) => (gc()?.listGroups() ?? []).some((g) => g.groupId === groupId),
    };
    // The groups of an offsets partition this node stops leading move to its new leader.
    services.topics.onChange((ch) => {
      if (ch.topic.name !== CONSUMER_OFFSETS_TOPIC || ch.kind !== 'partition-changed') return;
      if (ch.partition.leader === services.nodeId) return;
      const g = gc();
      if (g) coordinator.unload((id) => g.partitionFor(id) === ch.partition.partition);
    });
    registerMetrics(services, coordinator);
    running.set(services, share);
  },

  stop(services: BrokerServices): void {
    const s = running.get(services);
    if (!s) return;
    s.coordinator.shutdown();
    s.partitions.stop();
    running.delete(services);
  },
};
