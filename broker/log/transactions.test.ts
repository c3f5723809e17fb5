// Transactions in the partition log: an open transaction bounds the first unstable offset (and so
// the last stable offset), an ABORT marker records the aborted range in the transaction index, and
// both survive a clean restart, an unclean one (no snapshot at the end: replay from the log) and a
// follower truncation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildControlBatch } from '../../protocol/record-batch/index.js';
import { LogManager } from './log-manager.js';
import { InvalidProducerEpochError, TransactionCoordinatorFencedError } from './errors.js';
import { batch, readAll, tempDir } from './test-helpers.js';

const txn = (producerId: number, values: string[], baseSequence: number, producerEpoch = 0) =>
  batch(values, { producerId, producerEpoch, baseSequence, transactional: true });
const marker = (producerId: number, commit: boolean, producerEpoch = 0) =>
  buildControlBatch({ producerId, producerEpoch, commit, coordinatorEpoch: 0 });

test('open transactions hold the first unstable offset; markers close them; aborts are indexed', () => {
  const dir = tempDir();
  const logs = LogManager.open({ dir });
  const log = logs.getOrCreate('t', 0);
  log.appendAsLeader(batch(['plain']), 0); // 0
  assert.equal(log.firstUnstableOffset(), -1);
  log.appendAsLeader(txn(7, ['a', 'b'], 0), 0); // 1-2
  log.appendAsLeader(txn(8, ['c'], 0), 0); // 3
  assert.equal(log.firstUnstableOffset(), 1);
  log.appendAsLeader(txn(7, ['d'], 2), 0); // 4
  log.appendAsLeader(marker(7, false), 0); // 5: producer 7 aborted [1, 5]
  assert.equal(log.firstUnstableOffset(), 3, 'producer 8 still open');
  log.appendAsLeader(marker(8, true), 0); // 6
  assert.equal(log.firstUnstableOffset(), -1);
  assert.deepEqual(log.abortedTransactions(0, 7), [{ producerId: 7, firstOffset: 1 }]);
  assert.deepEqual(log.abortedTransactions(6, 7), [], 'a range after the abort marker');
  // A marker from an older epoch than the partition knows is refused (a fenced coordinator/producer).
  log.appendAsLeader(txn(7, ['e'], 0, 1), 0); // 7: epoch 1 starts at sequence 0
  assert.throws(() => log.appendAsLeader(marker(7, true, 0), 0), InvalidProducerEpochError);
  assert.equal(log.firstUnstableOffset(), 7);
  logs.close();

  const again = LogManager.open({ dir });
  const l2 = again.getOrCreate('t', 0);
  assert.equal(l2.firstUnstableOffset(), 7, 'the open transaction survives a clean restart (snapshot)');
  assert.deepEqual(l2.abortedTransactions(0, 100), [{ producerId: 7, firstOffset: 1 }]);
  l2.appendAsLeader(marker(7, false, 1), 0); // 8: aborted [7, 8]
  assert.equal(l2.firstUnstableOffset(), -1);
  assert.deepEqual(l2.abortedTransactions(0, 100), [
    { producerId: 7, firstOffset: 1 },
    { producerId: 7, firstOffset: 7 },
  ]);
  // Follower truncation below the second abort forgets it and reopens the transaction.
  l2.truncateTo(8);
  assert.deepEqual(l2.abortedTransactions(0, 100), [{ producerId: 7, firstOffset: 1 }]);
  assert.equal(l2.firstUnstableOffset(), 7);
  again.close();
});

test('after an unclean shutdown the producer state and aborted transactions are rebuilt from the log', () => {
  const dir = tempDir();
  const logs = LogManager.open({ dir });
  const log = logs.getOrCreate('t', 0);
  log.appendAsLeader(txn(3, ['a'], 0), 0); // 0
  log.appendAsLeader(marker(3, false), 0); // 1
  log.appendAsLeader(txn(3, ['b'], 1), 0); // 2
  log.appendAsLeader(txn(4, ['c'], 0), 0); // 3
  log.appendAsLeader(marker(3, true), 0); // 4
  // No close(): no snapshot at the log end and no clean-shutdown marker.
  logs.flushAll();
  const again = LogManager.open({ dir });
  const l2 = again.getOrCreate('t', 0);
  assert.ok(again.recoveredFromCrash);
  assert.equal(l2.firstUnstableOffset(), 3, 'producer 4 is still open');
  assert.deepEqual(l2.abortedTransactions(0, 10), [{ producerId: 3, firstOffset: 0 }]);
  again.close();
});

test('the aborted-transaction index forgets the transactions below the log start offset', () => {
  const dir = tempDir();
  const logs = LogManager.open({ dir });
  const log = logs.getOrCreate('t', 0);
  log.appendAsLeader(txn(5, ['a', 'b'], 0), 0); // 0-1
  log.appendAsLeader(marker(5, false), 0); // 2: aborted [0, 2]
  log.appendAsLeader(txn(5, ['c'], 2), 0); // 3
  log.appendAsLeader(marker(5, false), 0); // 4: aborted [3, 4]
  log.appendAsLeader(batch(['plain']), 0); // 5
  assert.equal(log.producerState.abortedTxns.length, 2);
  log.deleteRecordsBefore(3);
  assert.deepEqual(
    log.producerState.abortedTxns.map((a) => a.firstOffset),
    [3],
    'the first abort lies wholly below the new log start',
  );
  log.deleteRecordsBefore(4);
  assert.equal(log.producerState.abortedTxns.length, 1, 'an abort whose marker is at the log start stays');
  log.deleteRecordsBefore(5);
  assert.equal(log.producerState.abortedTxns.length, 0);
  logs.close();
  const again = LogManager.open({ dir });
  assert.equal(again.getOrCreate('t', 0).producerState.abortedTxns.length, 0, 'the index file was rewritten');
  again.close();
});

test('compaction keeps the committed value of a key over aborted and still-open transactional values', () => {
  const dir = tempDir();
  const logs = LogManager.open({ dir });
  const log = logs.getOrCreate('c', 0, { cleanupPolicy: 'compact' });
  const keyed = (producerId: number, value: string) =>
    batch([value], { keys: ['k'], producerId, producerEpoch: 0, baseSequence: 0, transactional: true });
  const values = () =>
    readAll(log)
      .filter((r) => r.key === 'k')
      .map((r) => r.value);
  log.appendAsLeader(batch(['committed'], { keys: ['k'] }), 0); // 0
  log.appendAsLeader(keyed(1, 'aborted'), 0); // 1
  log.appendAsLeader(marker(1, false), 0); // 2
  log.appendAsLeader(keyed(2, 'open'), 0); // 3: producer 2's transaction stays open
  log.roll();
  log.appendAsLeader(batch(['tail'], { keys: ['other'] }), 0); // 4, active segment
  log.compact(Date.now(), true);
  assert.deepEqual(values(), ['committed', 'open'], 'the aborted value is gone; the open one does not replace');
  assert.equal(log.abortedTransactions(0, 10).length, 1, 'the ABORT marker and its index entry stay');
  log.appendAsLeader(marker(2, true), 0); // 5: producer 2 commits
  log.roll();
  log.appendAsLeader(batch(['tail2'], { keys: ['other'] }), 0);
  log.compact(Date.now(), true);
  assert.deepEqual(values(), ['open'], 'once committed, the transactional value is the newest');
  logs.close();
});

test('a marker from an older coordinator epoch than the producer’s last one is fenced; the open transaction stays', () => {
  const dir = tempDir();
  const logs = LogManager.open({ dir });
  const log = logs.getOrCreate('t', 0);
  const markerOf = (commit: boolean, coordinatorEpoch: number) =>
    buildControlBatch({ producerId: 7, producerEpoch: 0, commit, coordinatorEpoch });
  log.appendAsLeader(batch(['a'], { producerId: 7, producerEpoch: 0, baseSequence: 0, transactional: true }), 0);
  log.appendAsLeader(markerOf(true, 5), 0); // the coordinator of epoch 5 committed the first transaction
  assert.deepEqual(
    log.activeProducers().map((p) => p.coordinatorEpoch),
    [5],
    'DescribeProducers reports the coordinator epoch of the last marker',
  );
  const open = log.appendAsLeader(
    batch(['b'], { producerId: 7, producerEpoch: 0, baseSequence: 1, transactional: true }),
    0,
  ).firstOffset;
  // A marker request of epoch 4 that waited while the state partition moved must not end it.
  assert.throws(
    () => log.appendAsLeader(markerOf(false, 4), 0),
    (e: Error) => e instanceof TransactionCoordinatorFencedError && e.errorCode === 52,
  );
  assert.equal(log.firstUnstableOffset(), open, 'the transaction opened since is still open');
  log.appendAsLeader(markerOf(true, 5), 0);
  assert.equal(log.firstUnstableOffset(), -1);
  logs.close();
  // Replayed from the log after a restart: the fence holds.
  const reopened = LogManager.open({ dir });
  const again = reopened.getOrCreate('t', 0);
  again.appendAsLeader(batch(['c'], { producerId: 7, producerEpoch: 0, baseSequence: 2, transactional: true }), 0);
  assert.throws(() => again.appendAsLeader(markerOf(true, 4), 0), TransactionCoordinatorFencedError);
  reopened.close();
});
