import assert from 'node:assert/strict';
import { test } from 'node:test';
import { burnRateOf, errorBudget } from './error-budget.js';

test('the error budget of an objective is the share of events allowed to fail', () => {
  assert.equal(errorBudget(0.99), 1 - 0.99);
  assert.ok(Math.abs(errorBudget(0.999) - 0.001) < 1e-12);
});

test('an error ratio equal to the budget burns at rate 1; ten times the budget at rate 10', () => {
  assert.equal(burnRateOf(errorBudget(0.999), 0.999), 1);
  assert.ok(Math.abs(burnRateOf(0.01, 0.999) - 10) < 1e-9);
  assert.equal(burnRateOf(0, 0.99), 0);
});
