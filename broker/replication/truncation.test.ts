// test-budget: 10s
// Divergent tails on real partition logs (broker/log): a deposed leader's uncommitted writes are
// cut at the point the new leader's OffsetForLeaderEpoch answer gives, after which following the
// new leader leaves both logs byte-identical; committed records are never cut; the HW fallback
// only applies when the leader knows no epoch at or below ours; producer state survives on a
// follower so the new leader deduplicates a retried idempotent batch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogManager, type PartitionLog } from '../log/index.js';
import { batch, readAll, tempDir } from '../log/test-helpers.js';
import { divergenceOffset } from './truncation.js';

/** Copies the leader's batches from `from` on into the follower, as a replica fetch would. */
function replicate(leader: PartitionLog, follower: PartitionLog, from = follower.logEndOffset()): void {
  let at = from;
  while (at < leader.logEndOffset()) {
    const r = leader.read(at, 1 << 20);
    for (const b of r.records) follower.appendAsFollower(Buffer.from(b));
    at = follower.logEndOffset();
  }
}

const segmentBytes = (logs: LogManager, topic: string) =>
  readFileSync(join(logs.dir, `${topic}-0`, '00000000000000000000.log'));

describe('truncation by leader epoch', () => {
  it("cuts a deposed leader's uncommitted tail and then converges byte for byte", () => {
    const a = LogManager.open({ dir: tempDir() });
    const b = LogManager.open({ dir: tempDir() });
    const oldLeader = a.getOrCreate('t', 0);
    const newLeader = b.getOrCreate('t', 0);
    // Epoch 0 on the old leader, replicated (committed: offsets 0-9).
    for (let i = 0; i < 5; i++) oldLeader.appendAsLeader(batch([`c${i}a`, `c${i}b`]), 0);
    replicate(oldLeader, newLeader);
    // Epoch 1: the old leader writes 6 more records that nobody fetched, then dies.
    for (let i = 0; i < 3; i++) oldLeader.appendAsLeader(batch([`lost${i}a`, `lost${i}b`]), 1);
    assert.equal(oldLeader.logEndOffset(), 16);
    // The other replica becomes leader in epoch 2 and takes new writes at 10.
    for (let i = 0; i < 4; i++) newLeader.appendAsLeader(batch([`n${i}`]), 2);
    assert.equal(newLeader.logEndOffset(), 14);

    // The deposed leader asks for its latest epoch (1); the new leader knows epoch 0, ending at 10.
    const answer = newLeader.endOffsetForEpoch(oldLeader.latestEpoch());
    assert.deepEqual(answer, { leaderEpoch: 0, endOffset: 10 });
    const target = divergenceOffset(oldLeader, answer, 0);
    assert.equal(target, 10, 'the epoch-1 tail goes, all of epoch 0 stays (even with HW 0 on this replica)');
    oldLeader.truncateTo(target);
    assert.equal(oldLeader.latestEpoch(), 0);
    replicate(newLeader, oldLeader);
    assert.equal(oldLeader.logEndOffset(), 14);
    assert.deepEqual(readAll(oldLeader), readAll(newLeader));
    assert.ok(!readAll(oldLeader).some((r) => r.value?.startsWith('lost')));
    a.flushAll();
    b.flushAll();
    assert.ok(segmentBytes(a, 't').equals(segmentBytes(b, 't')), 'segment files are byte-identical');
    a.close();
    b.close();
  });

  it("keeps a follower that is merely behind, and cuts at the leader's end of a shared epoch", () => {
    const logs = LogManager.open({ dir: tempDir() });
    const leader = logs.getOrCreate('l', 0);
    const behind = logs.getOrCreate('f', 0);
    for (let i = 0; i < 4; i++) leader.appendAsLeader(batch([`x${i}`]), 3);
    replicate(leader, behind);
    for (let i = 0; i < 4; i++) leader.appendAsLeader(batch([`y${i}`]), 5);
    assert.equal(
      divergenceOffset(behind, leader.endOffsetForEpoch(behind.latestEpoch()), 0),
      behind.logEndOffset(),
      'nothing to cut',
    );

    // Same epoch, longer on our side: the leader got only part of our epoch before it took over.
    const ahead = logs.getOrCreate('h', 0);
    for (let i = 0; i < 6; i++) ahead.appendAsLeader(batch([`z${i}`]), 7);
    const shortLeader = logs.getOrCreate('s', 0);
    replicate(ahead, shortLeader);
    shortLeader.truncateTo(4);
    assert.equal(divergenceOffset(ahead, shortLeader.endOffsetForEpoch(ahead.latestEpoch()), 0), 4);
    logs.close();
  });

  it('falls back to the high watermark only when the leader knows no epoch at or below ours', () => {
    const logs = LogManager.open({ dir: tempDir() });
    const f = logs.getOrCreate('f', 0);
    for (let i = 0; i < 5; i++) f.appendAsLeader(batch([`v${i}`]), 4);
    assert.equal(divergenceOffset(f, { leaderEpoch: -1, endOffset: -1 }, 3), 3);
    const empty = logs.getOrCreate('e', 0);
    assert.equal(divergenceOffset(empty, { leaderEpoch: -1, endOffset: -1 }, 0), 0, 'an empty log has nothing to cut');
    logs.close();
  });

  it('keeps idempotent producer state on a follower, so the next leader deduplicates a retry', () => {
    const logs = LogManager.open({ dir: tempDir() });
    const leader = logs.getOrCreate('p', 0);
    const follower = logs.getOrCreate('q', 0);
    const send = (seq: number) => batch([`m${seq}`], { producerId: 42, producerEpoch: 0, baseSequence: seq });
    for (let seq = 0; seq < 3; seq++) leader.appendAsLeader(send(seq), 1);
    replicate(leader, follower);
    // The producer did not see the ack of sequence 2 and retries it at the new leader.
    const retry = follower.appendAsLeader(send(2), 2);
    assert.equal(retry.duplicate, true);
    assert.equal(retry.firstOffset, 2);
    assert.equal(follower.logEndOffset(), 3);
    assert.equal(follower.appendAsLeader(send(3), 2).firstOffset, 3);
    logs.close();
  });
});
