import assert from 'node:assert/strict';
import { test } from 'node:test';
import { burnRate, burnWindowsFor, durationSeconds, errorRatioWindows } from './burn-rate-windows.js';

test('the 30-day table gives the SRE Workbook burn rates 14.4, 6, 3 and 1', () => {
  assert.deepEqual(
    burnWindowsFor('30d').map((w) => [w.severity, w.longWindow, w.shortWindow, w.burnRate]),
    [
      ['page', '1h', '5m', 14.4],
      ['page', '6h', '30m', 6],
      ['ticket', '1d', '2h', 3],
      ['ticket', '3d', '6h', 1],
    ],
  );
});

test('a 28-day period scales the burn rates with the budget length', () => {
  assert.deepEqual(
    burnWindowsFor('28d').map((w) => w.burnRate),
    [13.44, 5.6, 2.8, 0.933333],
  );
});

test('every window of the table has a recorded error ratio', () => {
  for (const w of burnWindowsFor()) {
    assert.ok(errorRatioWindows.includes(w.longWindow), w.longWindow);
    assert.ok(errorRatioWindows.includes(w.shortWindow), w.shortWindow);
    assert.ok(
      durationSeconds(w.shortWindow) * 12 <= durationSeconds(w.longWindow),
      'short window is about 1/12 of the long one',
    );
  }
});

test('durations other than a number and one unit are rejected', () => {
  assert.throws(() => durationSeconds('1h30m'), /not a simple duration/);
  assert.equal(burnRate({ longWindow: '1h', budgetConsumed: 0.02 }), 14.4);
});
