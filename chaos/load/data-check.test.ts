import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataCheck, judgeData } from './data-check.js';

test('every acknowledged record consumed once: nothing lost, no duplicates', () => {
  const r = dataCheck(['a', 'b', 'c'], ['c', 'a', 'b']);
  assert.deepEqual(r, { acknowledged: 3, consumed: 3, uniqueConsumed: 3, lost: 0, lostSample: [], duplicates: 0, unacknowledgedButConsumed: 0 });
  assert.equal(judgeData(r, { maxLost: 0 }).passed, true);
});

test('an acknowledged record never consumed is lost and named', () => {
  const r = dataCheck(['a', 'b', 'c'], ['a', 'c']);
  assert.equal(r.lost, 1);
  assert.deepEqual(r.lostSample, ['b']);
  const j = judgeData(r, { maxLost: 0 });
  assert.equal(j.passed, false);
  assert.match(j.reason, /1 acknowledged records lost \(max 0\), e.g. b/);
});

test('a record read twice counts one duplicate; duplicates fail only with maxDuplicates', () => {
  const r = dataCheck(['a', 'b'], ['a', 'b', 'a', 'a']);
  assert.equal(r.duplicates, 2);
  assert.equal(r.lost, 0);
  assert.equal(judgeData(r, { maxLost: 0 }).passed, true);
  assert.equal(judgeData(r, { maxLost: 0, maxDuplicates: 1 }).passed, false);
});

test('a consumed record whose send was never acknowledged is not loss', () => {
  const r = dataCheck(['a'], ['a', 'x']);
  assert.equal(r.unacknowledgedButConsumed, 1);
  assert.equal(r.lost, 0);
});

test('no acknowledged record at all fails the check', () => {
  assert.equal(judgeData(dataCheck([], []), { maxLost: 0 }).passed, false);
});
