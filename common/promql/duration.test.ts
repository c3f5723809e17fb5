import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promDurationSeconds } from './duration.js';

test('a Prometheus duration is the sum of its parts, in seconds', () => {
  assert.equal(promDurationSeconds('15m'), 900);
  assert.equal(promDurationSeconds('1m30s'), 90);
  assert.equal(promDurationSeconds('500ms'), 0.5);
  assert.equal(promDurationSeconds('30d'), 30 * 86_400);
  assert.equal(promDurationSeconds('1w'), 604_800);
  assert.equal(promDurationSeconds('1y'), 31_536_000);
});
