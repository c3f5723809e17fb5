import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateLagSeconds, OffsetHistory } from './lag-seconds.js';

const S = 1000;

test('A caught-up consumer on an idle topic stays at zero however long the end offset is flat.', () => {
  const h = new OffsetHistory();
  for (let t = 0; t <= 3600 * S; t += 15 * S) {
    h.observe(100, t);
    assert.equal(estimateLagSeconds({ committed: 100, highWatermark: 100, nowMs: t, points: h.points() }).seconds, 0);
  }
});

test('A stopped consumer on a busy topic lags by the age of its oldest unconsumed record, growing with wall time.', () => {
  const h = new OffsetHistory();
  // 10 records per second; the consumer stopped at offset 500 (written at t=50 s).
  const seen: number[] = [];
  for (let t = 0; t <= 600 * S; t += 15 * S) {
    h.observe(Math.floor(t / 100), t);
    if (t >= 60 * S)
      seen.push(
        estimateLagSeconds({ committed: 500, highWatermark: Math.floor(t / 100), nowMs: t, points: h.points() })
          .seconds,
      );
  }
  const last = seen[seen.length - 1];
  assert.ok(Math.abs(last - 550) <= 15, `lag ${last} s should be about 550 s (record 500 written at ~50 s, now 600 s)`);
  for (let i = 1; i < seen.length; i++)
    assert.ok(Math.abs(seen[i] - seen[i - 1] - 15) < 1e-6, 'rises exactly with wall time: no saw-tooth');
});

test('A consumer that keeps up within a poll interval shows a small, steady lag without a saw-tooth.', () => {
  const h = new OffsetHistory();
  const seen: number[] = [];
  for (let t = 0; t <= 300 * S; t += 15 * S) {
    const hw = Math.floor(t / 100);
    h.observe(hw, t);
    const committed = Math.max(0, Math.floor((t - 2 * S) / 100)); // 2 s behind
    const est = estimateLagSeconds({ committed, highWatermark: hw, nowMs: t, points: h.points() });
    if (t >= 30 * S) seen.push(est.seconds);
  }
  for (const s of seen) assert.ok(s <= 2.2 && s >= 1.8, `steady about 2 s, got ${s}`);
});

test('Replay from offset 0 right after the exporter started reports the history age as a lower bound, without a jump.', () => {
  const h = new OffsetHistory();
  const seen: number[] = [];
  for (let t = 0; t <= 120 * S; t += 15 * S) {
    h.observe(1_000_000 + t / 100, t);
    const est = estimateLagSeconds({ committed: 0, highWatermark: 1_000_000 + t / 100, nowMs: t, points: h.points() });
    assert.equal(est.method, 'lower-bound');
    seen.push(est.seconds);
  }
  assert.deepEqual(seen, [0, 15, 30, 45, 60, 75, 90, 105, 120]);
});

test('The timestamp of the record at the committed offset wins over interpolation when it could be read.', () => {
  const est = estimateLagSeconds({
    committed: 0,
    highWatermark: 10,
    nowMs: 100 * S,
    recordTimestampMs: 40 * S,
    points: [],
  });
  assert.deepEqual(est, { seconds: 60, method: 'record' });
});

test('A ListOffsets-by-timestamp anchor below the sampled history makes replay from 0 interpolated.', () => {
  const h = new OffsetHistory();
  h.anchor(0, 0);
  h.observe(1000, 1000 * S);
  const est = estimateLagSeconds({ committed: 0, highWatermark: 1000, nowMs: 1000 * S, points: h.points() });
  assert.equal(est.method, 'interpolated');
  assert.ok(est.seconds >= 998 && est.seconds <= 1000, `about 1000 s, got ${est.seconds}`);
});

test('History stays bounded and keeps its oldest point when compacted.', () => {
  const h = new OffsetHistory(8);
  for (let i = 0; i < 100; i++) h.observe(i * 10, i * S);
  assert.equal(h.points().length, 8);
  assert.equal(h.points()[0].offset, 0);
  assert.equal(h.points()[7].offset, 990);
});

test('An end offset that goes backwards (topic recreated) resets the history.', () => {
  const h = new OffsetHistory();
  h.observe(100, 0);
  h.observe(5, S);
  assert.deepEqual(
    h.points().map((p) => p.offset),
    [5],
  );
});
