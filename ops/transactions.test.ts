// find-hanging's decision (KIP-664) for an open transaction a partition reports, from what the
// coordinators answer: every way a coordinator can fail to know the transaction, and the healthy
// case within and past the max timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactionDescription, TransactionListing } from '../kafka-client/index.js';
import { hangingReason, parseTimeoutMinutes } from './transactions.js';

const NOW = 1_800_000_000_000;
const open = { topic: 'out', partition: 1, producerId: 7, producerEpoch: 3 };
const listing: TransactionListing = {
  transactionalId: 'tx',
  producerId: 7,
  transactionState: 'Ongoing',
  coordinatorId: 0,
};
const ongoing: TransactionDescription = {
  transactionalId: 'tx',
  errorCode: 0,
  transactionState: 'Ongoing',
  transactionTimeoutMs: 60_000,
  transactionStartTimeMs: NOW - 60_000,
  producerId: 7,
  producerEpoch: 3,
  topics: [{ topic: 'out', partitions: [0, 1] }],
  coordinatorId: 0,
};
const MAX = 15 * 60_000;
const reason = (d: Partial<TransactionDescription>, listings = [listing]) =>
  hangingReason(open, listings, [{ ...ongoing, ...d }], MAX, NOW);

test('a transaction its coordinator has open on the partition, within the max timeout, is not hanging', () => {
  assert.equal(reason({}), null);
  assert.equal(reason({ transactionState: 'PrepareCommit' }), null, 'markers on their way');
});

test('hanging: unknown producer id, unknown id, no open transaction, other epoch, partition missing, too old', () => {
  assert.deepEqual(reason({}, []), {
    reason: 'no coordinator has a transactional id with this producer id',
    transactionalId: null,
    abortable: true,
  });
  assert.match(reason({ errorCode: 105 })!.reason, /no longer maps/);
  assert.match(reason({ producerId: 8 })!.reason, /no longer maps/);
  assert.deepEqual(reason({ transactionState: 'Empty', topics: [] }), {
    reason: 'the coordinator has no open transaction for it (state Empty)',
    transactionalId: 'tx',
    abortable: true,
  });
  assert.match(reason({ transactionState: 'CompleteAbort' })!.reason, /CompleteAbort/);
  assert.match(reason({ producerEpoch: 4 })!.reason, /epoch 4, the partition's 3/);
  assert.match(reason({ topics: [{ topic: 'out', partitions: [0] }] })!.reason, /partition is not in/);
  // Too old, but its coordinator still has it open with this partition: listed, never aborted from
  // outside (the coordinator may have decided to commit; an ABORT would split the transaction).
  const old = reason({ transactionStartTimeMs: NOW - MAX - 60_000 })!;
  assert.match(old.reason, /open 16\.0 min, longer than/);
  assert.equal(old.abortable, false);
  assert.equal(
    reason({ transactionStartTimeMs: NOW - MAX - 60_000, transactionState: 'PrepareCommit' })!.abortable,
    false,
  );
});

test('--max-transaction-timeout-minutes: minutes >= 0, fractions allowed', () => {
  assert.equal(parseTimeoutMinutes('15'), 900_000);
  assert.equal(parseTimeoutMinutes('0'), 0);
  assert.equal(parseTimeoutMinutes('0.5'), 30_000);
  for (const bad of ['', '-1', 'x']) assert.throws(() => parseTimeoutMinutes(bad), /expected minutes/);
});
