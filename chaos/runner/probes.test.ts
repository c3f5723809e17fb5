import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from './probes.js';

test("comparators with tolerance lean in the comparison's favour", () => {
  assert.equal(compare(104, '<', 100, 5), true);
  assert.equal(compare(105, '<', 100, 5), false);
  assert.equal(compare(96, '>=', 100, 4), true);
  assert.equal(compare(0.5, '==', 0, 0.5), true);
  assert.equal(compare(1, '==', 0), false);
  assert.equal(compare(1, '!=', 0), true);
  assert.equal(compare(0, '!=', 0, 0.1), false);
});
