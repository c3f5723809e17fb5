// The offsets-topic store writes real record batches and reads them back in log order; the
// coordinator replays what it reads. The replica manager is faked by a list of batches with offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatches, lastOffsetOf, readBatchHeader, setBaseOffset } from '../../protocol/record-batch/index.js';
import { decodeKey } from '../../protocol/consumer-offsets/formats.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import { FakeClock } from './clock.js';
import { GroupCoordinator } from './coordinator.js';
import { OffsetsTopicStore } from './offsets-store.js';

function fakeReplicas(failWith = 0) {
  const batches: { base: number; buf: Buffer }[] = [];
  let leo = 0;
  const log = {
    logStartOffset: () => 0,
    logEndOffset: () => leo,
    // One batch per read, like a small max-bytes read: exercises the read loop.
    read: (offset: number) => ({
      records: batches
        .filter((b) => lastOffsetOf(readBatchHeader(b.buf)) >= offset)
        .slice(0, 1)
        .map((b) => b.buf),
      bytes: 0,
    }),
  };
  const replicas = {
    appendRecords: (topic: string, partition: number, records: Buffer) => {
      if (failWith)
        return { errorCode: failWith, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, requiredOffset: -1 };
      const buf = Buffer.from(records);
      setBaseOffset(buf, 0, leo);
      batches.push({ base: leo, buf });
      leo = lastOffsetOf(readBatchHeader(buf)) + 1;
      return {
        errorCode: 0,
        baseOffset: batches[batches.length - 1].base,
        logAppendTime: -1,
        logStartOffset: 0,
        requiredOffset: leo,
      };
    },
    replica: (topic: string, partition: number) =>
      topic === '__consumer_offsets' && partition === 0 ? { log } : undefined,
  };
  return { replicas: replicas as unknown as ReplicaManager, batches };
}

test('commits and group metadata written through the store are replayed into a new coordinator', async () => {
  const { replicas, batches } = fakeReplicas();
  const store = new OffsetsTopicStore(replicas);
  const gc = new GroupCoordinator(store, { offsetsTopicPartitions: 1 }, new FakeClock());
  const commit = (group: string, offset: number) =>
    gc.commitOffsets({
      groupId: group,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null },
            { partitionIndex: 1, committedOffset: offset + 1, committedLeaderEpoch: -1, committedMetadata: 'm' },
          ],
        },
      ],
    });
  await commit('a', 5);
  await commit('a', 7);
  await commit('b', 1);
  assert.equal(await gc.deleteGroup('b'), 0);
  assert.equal(batches.length, 4);
  const keys = decodeBatches(batches[0].buf)[0].records.map((r) => decodeKey(r.key!));
  assert.deepEqual(
    keys.map((k) => k.kind === 'offset' && k.partition),
    [0, 1],
  );

  const records = store.readAll(0);
  assert.equal(records.length, 2 + 2 + 2 + 3);
  assert.deepEqual(store.readAll(3), []);
  const again = new GroupCoordinator(null, { offsetsTopicPartitions: 1 }, new FakeClock());
  assert.deepEqual(again.load(records), { applied: 9, skipped: 0 });
  assert.equal(again.committed('a', 't', 0)?.offset, 7);
  assert.equal(again.committed('a', 't', 1)?.metadata, 'm');
  assert.equal(again.committed('b', 't', 0), undefined);
  assert.deepEqual(
    again.listGroups().map((g) => g.groupId),
    ['a'],
  );
});

test('an append the log refuses fails the commit with a retriable error', async () => {
  const { replicas } = fakeReplicas(56);
  const gc = new GroupCoordinator(new OffsetsTopicStore(replicas), {}, new FakeClock());
  const res = await gc.commitOffsets({
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [
      {
        name: 't',
        partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }],
      },
    ],
  });
  assert.equal(res.topics[0].partitions[0].errorCode, 15);
});
