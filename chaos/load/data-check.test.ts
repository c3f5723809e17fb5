import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkData, groupConsumption, judgeData, type LogEntry, type SendRecord } from './data-check.js';

// An ack log: producer 0 sends to partition 0 one record per send, each acknowledged 5 ms after it
// started and the next one started 10 ms later (sequential sends, so their order must hold).
const sequential = (ids: string[], partition = 0, producer = 0): SendRecord[] =>
  ids.map((id, i) => ({ producer, partition, ids: [id], startedAt: i * 10, endedAt: i * 10 + 5, outcome: 'acked' }));
const logOf = (ids: string[], partition = 0): LogEntry[] => ids.map((id, offset) => ({ id, partition, offset }));
const complete = (entries: LogEntry[]) => ({ entries, complete: true, detail: 'read 1 partition' });

test('every acknowledged record in the log once and in order: nothing to report', () => {
  const r = checkData(sequential(['a', 'b', 'c']), complete(logOf(['a', 'b', 'c'])));
  assert.deepEqual(
    [r.acknowledged, r.inLog, r.lostWrite, r.duplicate, r.nonmonotonicSend, r.indeterminate, r.unexpected],
    [3, 3, 0, 0, 0, 0, 0],
  );
  const j = judgeData(r, { maxLost: 0 });
  assert.equal(j.passed, true);
  assert.equal(
    j.reason,
    '3 acknowledged, 3 read back from the log: lost-write 0 (allowed 0), duplicate 0, nonmonotonic-send 0, indeterminate 0 (0 found in log)',
  );
});

test('a deliberately dropped acknowledged record is lost-write 1, named, and fails maxLost 0', () => {
  const r = checkData(sequential(['a', 'b', 'c']), complete(logOf(['a', 'c'])));
  assert.equal(r.lostWrite, 1);
  assert.deepEqual(r.lostWriteSample, ['b@p0']);
  const j = judgeData(r, { maxLost: 0 });
  assert.equal(j.passed, false);
  assert.match(
    j.reason,
    /^3 acknowledged, 2 read back from the log: lost-write 1 \(allowed 0\), duplicate 0, nonmonotonic-send 0, indeterminate 0 \(0 found in log\); lost-write e\.g\. b@p0$/,
  );
});

test('lost writes within maxLost pass, and the message gives the exact count (not "0 lost")', () => {
  const r = checkData(sequential(['a', 'b', 'c', 'd']), complete(logOf(['a', 'd'])));
  const j = judgeData(r, { maxLost: 2 });
  assert.equal(j.passed, true);
  assert.match(j.reason, /lost-write 2 \(allowed 2\)/);
});

test('a record id present twice in the log is one duplicate; it fails only with maxDuplicates', () => {
  const r = checkData(sequential(['a', 'b']), complete(logOf(['a', 'b', 'b', 'b'])));
  assert.equal(r.duplicate, 1);
  assert.deepEqual(r.duplicateSample, ['b at p0/1, p0/2, p0/3']);
  assert.equal(r.lostWrite, 0);
  assert.equal(r.nonmonotonicSend, 0, 'the first copy of b is in order');
  assert.equal(judgeData(r, { maxLost: 0 }).passed, true);
  const strict = judgeData(r, { maxLost: 0, maxDuplicates: 0 });
  assert.equal(strict.passed, false);
  assert.match(strict.reason, /duplicate 1 \(allowed 0\)/);
});

test('a send acknowledged before the next was sent, but after it in the log, is nonmonotonic-send', () => {
  // Producer 0: a (acked at 5), then b (sent at 10); the log has b before a.
  const r = checkData(sequential(['a', 'b']), complete(logOf(['b', 'a'])));
  assert.equal(r.nonmonotonicSend, 1);
  assert.deepEqual(r.nonmonotonicSample, ['b@p0/0 before a@p0/1, which was acknowledged before it was sent']);
  const j = judgeData(r, { maxLost: 0 });
  assert.equal(j.passed, false);
  assert.match(j.reason, /nonmonotonic-send 1/);
});

test('records of one send out of their send order are nonmonotonic-send', () => {
  const sends: SendRecord[] = [
    { producer: 0, partition: 0, ids: ['a', 'b', 'c'], startedAt: 0, endedAt: 5, outcome: 'acked' },
  ];
  const r = checkData(sends, complete(logOf(['a', 'c', 'b'])));
  assert.equal(r.nonmonotonicSend, 1);
  assert.deepEqual(r.nonmonotonicSample, ['c@p0/1 before b@p0/2, which was sent before it in the same send']);
});

test('overlapping sends, other producers and other partitions are not ordered', () => {
  const sends: SendRecord[] = [
    // Concurrent sends of producer 0 (b started before a was acknowledged): either order is fine.
    { producer: 0, partition: 0, ids: ['a'], startedAt: 0, endedAt: 50, outcome: 'acked' },
    { producer: 0, partition: 0, ids: ['b'], startedAt: 10, endedAt: 20, outcome: 'acked' },
    // Producer 1 after producer 0's sends, same partition, earlier in the log: no order between producers.
    { producer: 1, partition: 0, ids: ['x'], startedAt: 100, endedAt: 110, outcome: 'acked' },
    // Producer 0 on partition 1: its own stream.
    { producer: 0, partition: 1, ids: ['p'], startedAt: 100, endedAt: 110, outcome: 'acked' },
  ];
  const r = checkData(sends, complete([...logOf(['x', 'b', 'a']), ...logOf(['p'], 1)]));
  assert.equal(r.nonmonotonicSend, 0, JSON.stringify(r.nonmonotonicSample));
  assert.equal(r.lostWrite, 0);
});

test('indeterminate sends are counted apart, found or not, and are never an error', () => {
  const sends: SendRecord[] = [
    ...sequential(['a', 'b']),
    { producer: 0, partition: 0, ids: ['t1', 't2'], startedAt: 30, endedAt: 60, outcome: 'indeterminate' },
    { producer: 0, partition: 0, ids: ['t3'], startedAt: 70, endedAt: Infinity, outcome: 'indeterminate' },
  ];
  const r = checkData(sends, complete(logOf(['a', 'b', 't2'])));
  assert.deepEqual([r.acknowledged, r.indeterminate, r.indeterminateFound, r.lostWrite], [2, 3, 1, 0]);
  const j = judgeData(r, { maxLost: 0 });
  assert.equal(j.passed, true);
  assert.match(
    j.reason,
    /lost-write 0 \(allowed 0\), duplicate 0, nonmonotonic-send 0, indeterminate 3 \(1 found in log\)$/,
  );
});

test('a read-back that stopped short of the end offsets is inconclusive, never a pass', () => {
  const r = checkData(sequential(['a']), {
    entries: logOf(['a']),
    complete: false,
    detail: 'read-back of t stopped short (p1 at 3 of 9): no record for 30000 ms',
  });
  const j = judgeData(r, { maxLost: 0 });
  assert.equal(j.passed, false);
  assert.match(j.reason, /^inconclusive: read-back of t stopped short/);
});

test('a record in the log that no send carried fails (a phantom write)', () => {
  const r = checkData(sequential(['a']), complete(logOf(['a', 'ghost'])));
  assert.equal(r.unexpected, 1);
  assert.equal(judgeData(r, { maxLost: 0 }).passed, false);
});

test('no acknowledged record at all fails the check', () => {
  assert.equal(judgeData(checkData([], complete([])), { maxLost: 0 }).passed, false);
});

test("the load group's view is informational: acknowledged records it did not read", () => {
  assert.deepEqual(groupConsumption(['a', 'b', 'c'], ['a', 'a', 'c']), { consumed: 3, missedAcknowledged: 1 });
});
