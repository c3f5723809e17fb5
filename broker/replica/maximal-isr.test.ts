// The leader's high watermark while an ISR expansion is in flight (KIP-497's "maximal ISR"): the
// follower being added must hold everything the HW covers, or a preferred election right after the
// expansion could make it leader without records that were already acknowledged. Unit under test:
// ReplicaManager with its real logs and topic store; the controller is a stand-in whose
// AlterPartition answers when the test says (the real quorum is covered by test/cluster-*.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { brokerSection } from '../../common/config/sections/broker.js';
import { createLogger } from '../../common/logging.js';
import type { AlterPartitionRequest, ControllerChannel } from '../controller/channel.js';
import { brokerConfigFor } from '../config.js';
import { batch, tempDir } from '../log/test-helpers.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { TopicStore, type PartitionRegistration } from '../state/topic-store.js';
import { openLogs } from './log-adapter.js';
import { ReplicaManager } from './replica-manager.js';

interface PendingAlter {
  req: AlterPartitionRequest;
  resolve(state: PartitionRegistration): void;
  reject(e: Error): void;
}

function controllerStandIn(alters: PendingAlter[]): ControllerChannel {
  const unused = () => Promise.reject(new Error('not used by this test'));
  return {
    activeController: () => 0,
    createTopic: unused,
    deleteTopic: unused,
    createPartitions: unused,
    alterTopicConfigs: unused,
    alterPartition: (req) =>
      new Promise<PartitionRegistration>((resolve, reject) => alters.push({ req, resolve, reject })),
    electLeaders: unused,
    createAcls: unused,
    deleteAcls: unused,
  };
}

function leaderOfT0(t: test.TestContext) {
  const dir = tempDir('kafka-sre-maximal-isr-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = brokerConfigFor(brokerSection.parse({ dataDir: dir }), 0, 0, -1);
  const logger = createLogger({ level: 'silent' });
  const topics = new TopicStore(config.metadataDir, 0, false);
  const logs = openLogs(config, logger);
  const alters: PendingAlter[] = [];
  const rm = new ReplicaManager(
    config,
    topics,
    logs.provider,
    new BrokerMetrics(),
    logger,
    controllerStandIn(alters),
    true,
  );
  rm.start();
  t.after(() => {
    rm.stop();
    logs.close();
  });
  const partition: PartitionRegistration = {
    topic: 't',
    partition: 0,
    leader: 0,
    leaderEpoch: 0,
    partitionEpoch: 0,
    replicas: [0, 1, 2],
    isr: [0, 1],
  };
  topics.applyTopic({
    name: 't',
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    internal: false,
    configs: {},
    partitions: [partition],
  });
  const append = (n: number) =>
    assert.equal(rm.appendRecords('t', 0, batch(Array.from({ length: n }, (_, i) => `v${i}`)), -1).errorCode, 0);
  const followerFetch = async (replicaId: number, fetchOffset: number) => {
    await rm.fetch({
      replicaId,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      partitions: [{ topic: 't', partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: 0 }],
    });
  };
  const hw = () => rm.replica('t', 0)!.highWatermark;
  return { topics, alters, append, followerFetch, hw, partition };
}

test('while adding a follower to the ISR, the high watermark waits for it too', async (t) => {
  const { alters, append, followerFetch, hw, topics, partition } = leaderOfT0(t);
  append(10);
  await followerFetch(1, 10);
  assert.equal(hw(), 10, 'ISR {0,1}: follower 1 at 10');
  append(10);
  // Follower 2 reached the HW: the leader asks to add it (answer still pending).
  await followerFetch(2, 10);
  assert.equal(alters.length, 1);
  assert.deepEqual(alters[0].req.newIsr, [0, 1, 2]);
  // Follower 1 catches up to 20; without the maximal ISR the HW would jump to 20 past follower 2.
  await followerFetch(1, 20);
  assert.equal(hw(), 10, 'the HW must not pass the joining follower');
  await followerFetch(2, 20);
  assert.equal(hw(), 20);
  // The committed change arrives through the metadata: the current ISR rules again.
  const committed = { ...partition, isr: [0, 1, 2], partitionEpoch: 1 };
  alters[0].resolve(committed);
  topics.applyPartition(committed);
  append(5);
  await followerFetch(1, 25);
  assert.equal(hw(), 20, 'follower 2 is in the ISR now');
  await followerFetch(2, 25);
  assert.equal(hw(), 25);
});

test('a rejected expansion stops holding the high watermark back', async (t) => {
  const { alters, append, followerFetch, hw } = leaderOfT0(t);
  append(10);
  await followerFetch(1, 10);
  append(10);
  await followerFetch(2, 10);
  await followerFetch(1, 20);
  assert.equal(hw(), 10);
  alters[0].reject(new Error('INELIGIBLE_REPLICA'));
  await new Promise((r) => setImmediate(r));
  assert.equal(hw(), 20, 'ISR {0,1} again: follower 1 alone decides');
});
