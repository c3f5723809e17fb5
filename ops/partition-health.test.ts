import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilters, partitionProblems } from './partition-health.js';

test('partition problems follow Kafka definitions', () => {
  assert.deepEqual([...partitionProblems({ leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }, 2)], []);
  assert.deepEqual([...partitionProblems({ leader: 1, replicas: [1, 2, 3], isr: [1, 2] }, 2)].sort(), [
    'atMinIsr',
    'underReplicated',
  ]);
  assert.deepEqual([...partitionProblems({ leader: -1, replicas: [1, 2], isr: [] }, 2)].sort(), [
    'unavailable',
    'underMinIsr',
    'underReplicated',
  ]);
  assert.deepEqual(
    [...partitionProblems({ leader: 2, replicas: [1, 2], isr: [1, 2] }, undefined)],
    ['unpreferredLeader'],
  );
  assert.equal(matchesFilters(new Set(), []), true);
  assert.equal(matchesFilters(new Set(['atMinIsr']), ['underReplicated']), false);
});
