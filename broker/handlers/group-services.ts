// Glue shared by the group API handlers (08-16, 42): the coordinator from BrokerServices, the
// client identity Kafka records for members, and where FindCoordinator points.
import { CONSUMER_OFFSETS_TOPIC } from '../../protocol/index.js';
import type { GroupCoordinator } from '../group/coordinator.js';
import type { ClientInfo } from '../group/coordinator.js';
import type { CoordinatorLocator } from '../group/requests.js';
import type { BrokerServices, RequestContext } from '../services.js';
import { createInternalTopicOnce } from '../state/internal-topics.js';

export function coordinatorOf(ctx: RequestContext): GroupCoordinator {
  const gc = ctx.services.groups;
  // The group plugin starts before the listener opens, so this is a wiring bug, not a client error.
  if (!gc) throw new Error('group coordinator not started');
  return gc;
}

export function clientInfo(ctx: RequestContext): ClientInfo {
  // Kafka shows the client host as InetAddress.toString(): "/127.0.0.1".
  return {
    clientId: ctx.clientId ?? '',
    clientHost: ctx.clientHost.startsWith('/') ? ctx.clientHost : `/${ctx.clientHost}`,
  };
}

/** Kafka creates __consumer_offsets on the first FindCoordinator; clients retry meanwhile. */
function ensureOffsetsTopic(services: BrokerServices): void {
  createInternalTopicOnce(services, {
    name: CONSUMER_OFFSETS_TOPIC,
    numPartitions: services.config.offsetsTopicPartitions,
    replicationFactor: -1,
  });
}

/** The coordinator of an offsets partition is that partition's leader, if it is live. */
export function locateCoordinator(services: BrokerServices): CoordinatorLocator {
  return (partition) => {
    ensureOffsetsTopic(services);
    const leader = services.topics.partition(CONSUMER_OFFSETS_TOPIC, partition)?.leader ?? -1;
    const node = leader >= 0 ? services.broker(leader) : null;
    return node ? { nodeId: node.nodeId, host: node.host, port: node.port } : null;
  };
}
