// The group plugin inside a real in-process broker (real log on disk, no sockets used): it creates
// `__consumer_offsets` with the configured partition count as a compacted internal topic, and a
// broker restarted on the same directory replays the stored offsets and groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerSection } from '../../common/config/sections/broker.js';
import { createLogger } from '../../common/logging.js';
import { startBroker } from '../broker.js';
import { brokerConfigFor } from '../config.js';
import { coordinatorConfigOf } from './plugin.js';

const logger = createLogger({ level: 'silent' });

function config(dataDir: string, offsetsTopicPartitions: number) {
  const section = brokerSection.parse({ dataDir, offsetsTopicPartitions, groupMinSessionTimeoutMs: 1000 });
  return brokerConfigFor(section, 0, 0, -1);
}

test("the broker config sets the coordinator's partition count and session timeout bounds", () => {
  const c = coordinatorConfigOf(config('/nowhere', 7));
  assert.equal(c.offsetsTopicPartitions, 7);
  assert.equal(c.minSessionTimeoutMs, 1000);
  assert.equal(c.initialRebalanceDelayMs, 0);
});

test('__consumer_offsets is created internal and compacted, and groups survive a restart of the broker', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'group-plugin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startBroker(config(dir, 3), logger);
  try {
    const topic = first.services.topics.get('__consumer_offsets');
    assert.equal(topic?.partitions.length, 3);
    assert.equal(topic?.internal, true);
    assert.equal(topic?.configs['cleanup.policy'], 'compact');
    const gc = first.services.groups!;
    const res = await gc.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: 'orders',
          partitions: [{ partitionIndex: 2, committedOffset: 41, committedLeaderEpoch: -1, committedMetadata: 'x' }],
        },
      ],
    });
    assert.equal(res.topics[0].partitions[0].errorCode, 0);
    const join = await gc.joinGroup(
      {
        groupId: 'h',
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 30_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
      },
      1,
      { clientId: 'c', clientHost: '/127.0.0.1' },
    );
    await gc.syncGroup({
      groupId: 'h',
      generationId: join.generationId,
      memberId: join.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: join.memberId, assignment: Buffer.from('asg') }],
    });
    await new Promise((r) => setImmediate(r));
  } finally {
    await first.stop();
  }

  // A different configured count does not move groups: the existing topic's count wins.
  const second = await startBroker(config(dir, 5), logger);
  try {
    assert.equal(second.services.topics.get('__consumer_offsets')?.partitions.length, 3);
    const gc = second.services.groups!;
    assert.equal(gc.offsetsTopicPartitions, 3);
    assert.deepEqual(gc.committed('g', 'orders', 2), {
      offset: 41,
      leaderEpoch: -1,
      metadata: 'x',
      commitTimestamp: gc.committed('g', 'orders', 2)?.commitTimestamp,
      topic: 'orders',
      partition: 2,
    });
    const h = gc.describeGroup('h');
    assert.equal(h.groupState, 'Stable');
    assert.equal(h.members[0].memberAssignment.toString(), 'asg');
  } finally {
    await second.stop();
  }
});
