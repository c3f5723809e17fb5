// The transaction coordinator as a broker plugin: it follows the leadership of the
// `__transaction_state` partitions (a broker coordinates the transactional ids of the partitions
// it leads, loading them from its local replica when it becomes leader, so the coordinator moves
// with the partition and survives a broker failure), writes state changes through the replica
// manager with acks=all, and sends markers to partition leaders over the inter-broker listener.
import { errorName } from '../../protocol/index.js';
import { buildRecordBatch } from '../../protocol/record-batch/index.js';
import { OffsetsTopicStore } from '../group/offsets-store.js';
import { PeerClient } from '../replication/peer-client.js';
import { securityOf } from '../security/index.js';
import type { BrokerPlugin, BrokerServices } from '../services.js';
import { createInternalTopicOnce } from '../state/internal-topics.js';
import { MarkerQueues, TRANSACTION_STATE_TOPIC, TransactionCoordinator } from './coordinator.js';
import { sendMarkers } from './markers.js';
import { PartitionVerifier, setVerifier } from './verification.js';

/** How long a state record may take to be replicated before the request fails (retriable). */
const PERSIST_TIMEOUT_MS = 5000;

const started = new Map<BrokerServices, { coordinator: TransactionCoordinator; peers: Map<number, PeerClient> }>();

/** Kafka creates `__transaction_state` on the first FindCoordinator for a transactional id. */
export function ensureTransactionStateTopic(services: BrokerServices): void {
  createInternalTopicOnce(services, {
    name: TRANSACTION_STATE_TOPIC,
    numPartitions: services.config.transactionStateLogNumPartitions,
    replicationFactor: -1,
  });
}

/** Inter-broker clients of the coordinator's marker sender and the leader's verifier, one per broker. */
function peersOf(services: BrokerServices, peers: Map<number, PeerClient>): (nodeId: number) => PeerClient | null {
  return (nodeId: number): PeerClient | null => {
    const ep = services.interBrokerEndpoint(nodeId);
    if (!ep) return null;
    let c = peers.get(nodeId);
    if (!c || c.address.host !== ep.host || c.address.port !== ep.port) {
      c?.close();
      c = new PeerClient(ep, `txn-coordinator-${services.nodeId}`, securityOf(services).interBroker);
      peers.set(nodeId, c);
    }
    return c;
  };
}

function newCoordinator(
  services: BrokerServices,
  peerOf: (nodeId: number) => PeerClient | null,
): TransactionCoordinator {
  const existing = services.topics.get(TRANSACTION_STATE_TOPIC);
  const queues = new MarkerQueues();
  return new TransactionCoordinator(
    {
      logger: services.logger.child({ part: 'txn' }),
      now: () => Date.now(),
      allocateProducerId: () => services.producerIds.allocate(),
      async persist(partition, key, value) {
        const out = services.replicas.appendRecords(
          TRANSACTION_STATE_TOPIC,
          partition,
          buildRecordBatch([{ key, value }]),
          -1,
        );
        if (out.errorCode !== 0) throw new Error(`append failed: ${errorName(out.errorCode)}`);
        const late = await services.replicas.awaitHighWatermark(
          [{ topic: TRANSACTION_STATE_TOPIC, partition, requiredOffset: out.requiredOffset }],
          PERSIST_TIMEOUT_MS,
        );
        if (late && late.size > 0) throw new Error('not replicated in time');
        if (services.topics.partition(TRANSACTION_STATE_TOPIC, partition)?.leader !== services.nodeId)
          throw new Error('leadership moved while replicating');
      },
      writeMarkers: (req, stillOwner) => sendMarkers(services, peerOf, req, stillOwner, queues),
      partitionExists: (topic, partition) => services.topics.partition(topic, partition) !== undefined,
      offsetsPartitionOf: (groupId) => services.groups?.partitionFor(groupId) ?? 0,
    },
    {
      // Like __consumer_offsets, the partition count of an existing topic wins over the config.
      numPartitions: existing?.partitions.length ?? services.config.transactionStateLogNumPartitions,
      maxTimeoutMs: services.config.transactionMaxTimeoutMs,
    },
    queues,
  );
}

/** Load a partition's transactional ids when this broker becomes its leader, drop them when not. */
function followLeadership(services: BrokerServices, tc: TransactionCoordinator): void {
  const store = new OffsetsTopicStore(services.replicas, TRANSACTION_STATE_TOPIC);
  const sync = (p: { partition: number; leader: number; leaderEpoch: number }) => {
    const mine = p.leader === services.nodeId;
    if (mine && !tc.owns(p.partition)) {
      const started = Date.now();
      const n = tc.load(p.partition, p.leaderEpoch, store.readAll(p.partition));
      tc.recordLoadTime(Date.now() - started);
      services.logger.debug(
        { partition: p.partition, transactionalIds: n },
        `now coordinating the transactions of ${TRANSACTION_STATE_TOPIC}-${p.partition}`,
      );
    } else if (!mine && tc.owns(p.partition)) {
      const n = tc.unload(p.partition);
      services.logger.debug(
        { partition: p.partition, transactionalIds: n },
        `no longer coordinating the transactions of ${TRANSACTION_STATE_TOPIC}-${p.partition}`,
      );
    }
  };
  services.topics.onChange((c) => {
    if (c.topic.name !== TRANSACTION_STATE_TOPIC) return;
    if (c.kind === 'partition-changed') sync(c.partition);
    else if (c.kind === 'created' || c.kind === 'partitions-added') {
      tc.config.numPartitions = c.topic.partitions.length;
      c.topic.partitions.forEach(sync);
    } else if (c.kind === 'deleted')
      for (let p = 0; p < tc.config.numPartitions; p++) sync({ partition: p, leader: -1, leaderEpoch: -1 });
  });
  services.topics.get(TRANSACTION_STATE_TOPIC)?.partitions.forEach(sync);
}

export const txnPlugin: BrokerPlugin & { stop(services?: BrokerServices): void } = {
  name: 'transaction-coordinator',

  start(services: BrokerServices): void {
    const peers = new Map<number, PeerClient>();
    const peerOf = peersOf(services, peers);
    const tc = newCoordinator(services, peerOf);
    setVerifier(services, new PartitionVerifier(services, peerOf));
    services.transactions = tc;
    started.set(services, { coordinator: tc, peers });
    followLeadership(services, tc);
    tc.start(services.config.transactionAbortTimedOutTransactionCleanupIntervalMs);
  },

  /** Stops one broker's coordinator, or every one this process started when called without services. */
  stop(services?: BrokerServices): void {
    for (const [svc, s] of started) {
      if (services && svc !== services) continue;
      s.coordinator.stop();
      setVerifier(svc, null);
      for (const p of s.peers.values()) p.close();
      started.delete(svc);
    }
  },
};
