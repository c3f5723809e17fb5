import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTransactions, describeTransactions, transactionProblems, type TxnRecord } from './txn-check.js';
import { checkData, judgeData, type LogEntry } from './data-check.js';

// Transactions of 2 records on partition 0; offsets are given where the send's answer put them.
const txn = (txnNo: number, outcome: TxnRecord['outcome'], baseOffset: number, hung = false): TxnRecord => ({
  producer: 0,
  txn: txnNo,
  ids: [`t0:${txnNo}:a`, `t0:${txnNo}:b`],
  offsets: [{ partition: 0, baseOffset }],
  outcome,
  hung,
});
const entries = (t: TxnRecord, partition = 0): LogEntry[] =>
  t.ids.map((id, i) => ({ id, partition, offset: t.offsets[0].baseOffset + i }));
const reads = (list: LogEntry[]) => list.map(({ id, partition, offset }) => ({ id, partition, offset }));

test('committed records read back and by the group, aborted ones hidden: nothing to report', () => {
  const c0 = txn(0, 'committed', 0);
  const a1 = txn(1, 'aborted', 3);
  const c2 = txn(2, 'committed', 6);
  const back = [...entries(c0), ...entries(c2)];
  const r = checkTransactions([c0, a1, c2], back, reads(back));
  assert.deepEqual(r.transactions, { committed: 2, aborted: 1, indeterminate: 0, hung: 0 });
  assert.deepEqual(
    [r.committedRecords, r.committedLost, r.groupMissed, r.abortedRecords, r.abortedVisible, r.duplicate],
    [4, 0, 0, 2, 0, 0],
  );
  assert.deepEqual(transactionProblems(r), []);
  assert.equal(
    describeTransactions(r),
    '2 committed / 1 aborted / 0 indeterminate transactions (0 hung): committed-lost 0 of 4, group-missed 0, duplicate 0, aborted-visible 0 of 2, not-resumed 0 of 0 hung partitions, indeterminate 0 (0 read back)',
  );
});

test('a committed record missing from the read-back is committed-lost; one the group never read is group-missed', () => {
  const c0 = txn(0, 'committed', 0);
  const r = checkTransactions([c0], entries(c0).slice(0, 1), []);
  assert.equal(r.committedLost, 1);
  assert.deepEqual(r.committedLostSample, ['t0:0:b (producer 0 txn 0)']);
  assert.equal(r.groupMissed, 2);
  const problems = transactionProblems(r);
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^committed-lost e\.g\. t0:0:b/);
  assert.match(problems[1], /^group-missed/);
});

test('an aborted record seen by the read-back or by the group is aborted-visible and names who saw it', () => {
  const c0 = txn(0, 'committed', 0);
  const a1 = txn(1, 'aborted', 3);
  const back = [...entries(c0), entries(a1)[0]];
  const r = checkTransactions([c0, a1], back, reads([...entries(c0), entries(a1)[1]]));
  assert.equal(r.abortedVisible, 2);
  assert.deepEqual(r.abortedVisibleSample, [
    't0:1:a (producer 0 txn 1, seen by read-back)',
    't0:1:b (producer 0 txn 1, seen by group)',
  ]);
  assert.match(transactionProblems(r)[0], /^aborted-visible/);
});

test('a hung transaction passes only when the group read past its first offset on each partition it wrote to', () => {
  const c0 = txn(0, 'committed', 0);
  const hung = {
    ...txn(1, 'aborted', 2, true),
    offsets: [
      { partition: 0, baseOffset: 2 },
      { partition: 1, baseOffset: 0 },
    ],
  };
  const c2 = txn(2, 'committed', 5);
  const back = [...entries(c0), ...entries(c2)];
  // The group read p0 past offset 2 but nothing on p1.
  const r = checkTransactions([c0, hung, c2], back, reads(back));
  assert.equal(r.transactions.hung, 1);
  assert.equal(r.hungPartitions, 2);
  assert.equal(r.notResumed, 1);
  assert.deepEqual(r.notResumedSample, ['p1: producer 0 txn 1 hung at offset 0, the group read up to nothing']);
  // With a committed record past it on p1 read by the group, it resumed everywhere.
  const later = { ...txn(3, 'committed', 4), offsets: [{ partition: 1, baseOffset: 4 }] };
  const back2 = [...back, ...entries(later, 1)];
  const ok = checkTransactions([c0, hung, c2, later], back2, reads(back2));
  assert.equal(ok.notResumed, 0);
  assert.deepEqual(transactionProblems(ok), []);
  // A hung transaction without offsets proves nothing about resuming.
  const blind = checkTransactions([c0, { ...hung, offsets: [] }, c2], back, reads(back));
  assert.match(transactionProblems(blind).join(), /hung transactions with no known offsets/);
});

test('indeterminate commits may go either way; duplicates and unknown ids fail; no commit proves nothing', () => {
  const c0 = txn(0, 'committed', 0);
  const i1 = txn(1, 'indeterminate', 2);
  const back = [...entries(c0), entries(c0)[0], entries(i1)[0], { id: 't0:9:z', partition: 0, offset: 9 }];
  const r = checkTransactions([c0, i1], back, reads(back));
  assert.deepEqual([r.indeterminateRecords, r.indeterminateFound, r.duplicate, r.unexpected], [2, 1, 1, 1]);
  const problems = transactionProblems(r);
  assert.ok(problems.some((p) => p.startsWith('duplicate')));
  assert.ok(problems.some((p) => p.startsWith('transactional records in the log')));
  assert.deepEqual(transactionProblems(checkTransactions([txn(0, 'aborted', 0)], [], [])), [
    'no transaction committed: the check proves nothing',
  ]);
});

test('judgeData adds the transactional verdict and needs no plain acknowledged record when it is there', () => {
  const c0 = txn(0, 'committed', 0);
  const plain = checkData([], { entries: [], complete: true, detail: 'read 6 partitions' });
  plain.transactions = checkTransactions([c0], entries(c0), reads(entries(c0)));
  const ok = judgeData(plain, { maxLost: 0 });
  assert.equal(ok.passed, true, ok.reason);
  assert.match(ok.reason, /^transactions: 1 committed \/ 0 aborted/);
  plain.transactions = checkTransactions([c0], [], reads(entries(c0)));
  const bad = judgeData(plain, { maxLost: 0 });
  assert.equal(bad.passed, false);
  assert.match(bad.reason, /committed-lost e\.g\. t0:0:a/);
  // Without transactions, an empty plain load still proves nothing.
  assert.equal(judgeData(checkData([], { entries: [], complete: true, detail: '' }), { maxLost: 0 }).passed, false);
});
