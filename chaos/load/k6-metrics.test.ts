import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedThresholds, LoadMetrics, parseThreshold } from './k6-metrics.js';

test('counters and trends aggregate like k6 and thresholds are evaluated into the summary', () => {
  const m = new LoadMetrics();
  for (let i = 1; i <= 100; i++) m.add('kafka_writer_write_seconds', i / 1000);
  m.add('kafka_writer_error_count', 3);
  const s = m.summary({
    kafka_writer_error_count: ['count<10'],
    kafka_writer_write_seconds: ['p(95)<0.05', 'max<0.2'],
  });
  assert.equal(s.metrics.kafka_writer_error_count.values.count, 3);
  assert.equal(s.metrics.kafka_writer_error_count.thresholds?.['count<10'].ok, true);
  assert.ok(Math.abs(s.metrics.kafka_writer_write_seconds.values['p(95)'] - 0.09505) < 1e-9);
  assert.equal(s.metrics.kafka_writer_write_seconds.contains, 'time');
  assert.deepEqual(failedThresholds(s), ['kafka_writer_write_seconds: p(95)<0.05']);
  assert.ok(s.state.testRunDurationMs >= 0);
  const slowest = m.slowest('kafka_writer_write_seconds');
  assert.equal(slowest?.seconds, 0.1);
  assert.ok(
    slowest && Math.abs(Date.now() - 100 - slowest.startedAtMs) < 1000,
    'the slowest write started 0.1 s before it was recorded',
  );
  assert.equal(m.slowest('kafka_reader_end_to_end_seconds'), null);
});

test('bad threshold expressions are rejected', () => {
  assert.throws(() => parseThreshold('p95 < 1'), /bad threshold/);
  assert.deepEqual(parseThreshold('rate>=0.99'), { agg: 'rate', op: '>=', value: 0.99 });
});
