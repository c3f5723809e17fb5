// KIP-890 verification guards on the partition leader (broker/txn/verification.ts). Units under
// test: the transaction plugin's PartitionVerifier and TransactionCoordinator over a real topic
// store, replica manager and logs of one in-process broker (node 0; no socket, no process): the
// coordinator is local, so a verification asks it directly. Leadership changes and topic deletion
// are applied to the topic store as committed metadata is in a cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { brokerSection } from '../../common/config/sections/broker.js';
import { createLogger } from '../../common/logging.js';
import { ErrorCode } from '../../protocol/index.js';
import { brokerConfigFor } from '../config.js';
import { LocalControllerChannel } from '../controller/local-channel.js';
import { tempDir } from '../log/test-helpers.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { openLogs } from '../replica/log-adapter.js';
import { ReplicaManager } from '../replica/replica-manager.js';
import type { BrokerServices } from '../services.js';
import { ProducerIdManager } from '../state/producer-ids.js';
import { TopicStore, type PartitionRegistration } from '../state/topic-store.js';
import { TRANSACTION_STATE_TOPIC, type TransactionCoordinator } from './coordinator.js';
import { writeMarkersLocally } from './markers.js';
import { txnPlugin } from './plugin.js';
import { verifierOf, type PartitionVerifier } from './verification.js';

const v1 = { producerFenced: false };

function partitionOf(topic: string, partition: number, leader: number, leaderEpoch: number): PartitionRegistration {
  return { topic, partition, leader, leaderEpoch, partitionEpoch: leaderEpoch, replicas: [0, 1], isr: [leader] };
}

function addTopic(topics: TopicStore, name: string, partitions: number, topicId = 'AAAAAAAAAAAAAAAAAAAAAA'): void {
  topics.applyTopic({
    name,
    topicId,
    internal: name.startsWith('__'),
    configs: {},
    partitions: Array.from({ length: partitions }, (_, p) => partitionOf(name, p, 0, 0)),
  });
}

/** Node 0 leading `t` (2 partitions) and every `__transaction_state` partition, with the txn plugin started. */
function broker(t: test.TestContext): {
  services: BrokerServices;
  topics: TopicStore;
  tc: TransactionCoordinator;
  verifier: PartitionVerifier;
} {
  const dir = tempDir('kafka-sre-txn-verify-'); // removed when the file ends
  const config = brokerConfigFor(brokerSection.parse({ dataDir: dir }), 0, 0, -1);
  mkdirSync(config.metadataDir, { recursive: true });
  const logger = createLogger({ level: 'silent' });
  const topics = new TopicStore(config.metadataDir, 0, false);
  const logs = openLogs(config, logger);
  const metrics = new BrokerMetrics();
  const controller = new LocalControllerChannel(topics, 0);
  const replicas = new ReplicaManager(config, topics, logs.provider, metrics, logger, controller, false);
  replicas.start();
  const producerIds = new ProducerIdManager(config.metadataDir, 0, 1);
  producerIds.load();
  const services: BrokerServices = {
    nodeId: 0,
    clusterId: 'verification-test',
    config,
    logger,
    liveBrokers: () => [],
    broker: () => null,
    controllerId: () => 0,
    clustered: false,
    interBrokerEndpoint: () => null,
    controller,
    topics,
    replicas,
    logs: logs.manager,
    producerIds,
    metrics,
    groups: null,
    transactions: null,
  };
  txnPlugin.start(services);
  t.after(() => {
    txnPlugin.stop(services);
    replicas.stop();
    logs.close();
  });
  addTopic(topics, TRANSACTION_STATE_TOPIC, config.transactionStateLogNumPartitions, 'BBBBBBBBBBBBBBBBBBBBBB');
  addTopic(topics, 't', 2);
  const tc = services.transactions;
  const verifier = verifierOf(services);
  assert.ok(tc && verifier);
  return { services, topics, tc, verifier };
}

/** A producer of transactional id `id` with `t` partitions `ps` in its ongoing transaction. */
async function openTransaction(tc: TransactionCoordinator, id: string, ps: number[], bumps = 0) {
  let p = await tc.initProducerId(id, 10_000);
  for (let i = 0; i < bumps; i++) p = await tc.initProducerId(id, 10_000);
  assert.equal(p.errorCode, ErrorCode.NONE);
  const added = await tc.addPartitions(id, p.producerId, p.producerEpoch, [{ name: 't', partitions: ps }], v1);
  assert.deepEqual(
    added[0].results.map((r) => r.errorCode),
    ps.map(() => ErrorCode.NONE),
  );
  return p;
}

const T0 = 't\u00000';

test("a zombie's verification at the same time neither replaces nor stands for the live producer's", async (t) => {
  const { tc, verifier } = broker(t);
  // Epoch 1 is live; epoch 0 is the fenced instance (a zombie) still sending its batches.
  const { producerId, producerEpoch } = await openTransaction(tc, 'tx', [0], 1);
  const zombieEpoch = producerEpoch - 1;
  assert.ok(verifier.needs('t', 0, producerId, producerEpoch));
  assert.ok(verifier.needs('t', 0, producerId, zombieEpoch));
  // Both take their guard before either answer is read (the zombie's second).
  const live = verifier.verify('tx', producerId, producerEpoch, [{ topic: 't', partition: 0 }]);
  const zombie = verifier.verify('tx', producerId, zombieEpoch, [{ topic: 't', partition: 0 }]);
  assert.deepEqual([...(await zombie)], [[T0, ErrorCode.INVALID_PRODUCER_EPOCH]], 'the zombie is fenced');
  assert.deepEqual([...(await live)], [], 'the live producer is verified');
  assert.equal(verifier.needs('t', 0, producerId, producerEpoch), false, 'its next batches go straight to the log');
  assert.ok(verifier.needs('t', 0, producerId, zombieEpoch), "the zombie's epoch is not verified");
  assert.equal(verifier.guardCount('t', 0), 1, "the zombie's refused guard is gone");

  // Verified first, then the zombie: its refusal does not drop the live producer's guard either.
  assert.deepEqual(
    [...(await verifier.verify('tx', producerId, zombieEpoch, [{ topic: 't', partition: 0 }]))],
    [[T0, ErrorCode.INVALID_PRODUCER_EPOCH]],
  );
  assert.equal(verifier.needs('t', 0, producerId, producerEpoch), false);
});

test("a marker ends the guards of its epoch and older ones, not a newer epoch's", async (t) => {
  const { services, tc, verifier } = broker(t);
  const { producerId, producerEpoch } = await openTransaction(tc, 'tx', [0, 1], 1);
  assert.deepEqual(
    [
      ...(await verifier.verify('tx', producerId, producerEpoch, [
        { topic: 't', partition: 0 },
        { topic: 't', partition: 1 },
      ])),
    ],
    [],
  );
  const marker = async (epoch: number, partition: number) => {
    const res = await writeMarkersLocally(services, {
      markers: [
        {
          producerId,
          producerEpoch: epoch,
          transactionResult: false,
          topics: [{ name: 't', partitionIndexes: [partition] }],
          coordinatorEpoch: 0,
        },
      ],
    });
    assert.equal(res.markers[0].topics[0].partitions[0].errorCode, ErrorCode.NONE);
  };
  await marker(producerEpoch - 1, 0); // an older epoch's marker (nothing of the live epoch is in the log yet)
  assert.equal(verifier.needs('t', 0, producerId, producerEpoch), false, 'still verified');
  await marker(producerEpoch, 0);
  assert.ok(verifier.needs('t', 0, producerId, producerEpoch), 'its transaction on t-0 ended');
  assert.equal(verifier.needs('t', 1, producerId, producerEpoch), false, 'not on t-1');
});

test("a partition's guards go when this broker stops leading it; a verification in flight then is retriable", async (t) => {
  const { topics, tc, verifier } = broker(t);
  const { producerId, producerEpoch } = await openTransaction(tc, 'tx', [0, 1]);
  const both = [
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ];
  assert.deepEqual([...(await verifier.verify('tx', producerId, producerEpoch, both))], []);
  assert.deepEqual([verifier.guardCount('t', 0), verifier.guardCount('t', 1)], [1, 1]);

  topics.applyPartition(partitionOf('t', 0, 1, 1)); // broker 1 leads t-0 now
  assert.deepEqual([verifier.guardCount('t', 0), verifier.guardCount('t', 1)], [0, 1], 'only the lost partition');
  topics.applyPartition(partitionOf('t', 0, 0, 2)); // and node 0 again, a new leader epoch
  assert.ok(verifier.needs('t', 0, producerId, producerEpoch), 'verified again in the new leader epoch');

  // Leadership moves while the question is in flight: not verified, and not a fatal refusal.
  const inFlight = verifier.verify('tx', producerId, producerEpoch, [{ topic: 't', partition: 0 }]);
  topics.applyPartition(partitionOf('t', 0, 1, 3));
  assert.deepEqual([...(await inFlight)], [[T0, ErrorCode.NOT_ENOUGH_REPLICAS]]);
  assert.equal(verifier.guardCount('t', 0), 0);
});

test("a deleted topic's guards go: a topic recreated under the same name verifies its first batches", async (t) => {
  const { topics, tc, verifier } = broker(t);
  const { producerId, producerEpoch } = await openTransaction(tc, 'tx', [0]);
  assert.deepEqual([...(await verifier.verify('tx', producerId, producerEpoch, [{ topic: 't', partition: 0 }]))], []);
  assert.equal(verifier.needs('t', 0, producerId, producerEpoch), false);
  topics.applyRemoveTopic('t');
  assert.equal(verifier.guardCount('t', 0), 0);
  // The new topic starts at leader epoch 0 again, as the old one did: an old guard would pass it.
  addTopic(topics, 't', 2, 'CCCCCCCCCCCCCCCCCCCCCC');
  assert.ok(verifier.needs('t', 0, producerId, producerEpoch), 'the first batch on the new topic is verified');
});
