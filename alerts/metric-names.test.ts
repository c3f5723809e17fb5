import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricNamesIn } from './metric-names.js';

const cases: [string, string, string[]][] = [
  ['a bare comparison keeps the metric', 'up{job="kafka-broker"} == 0', ['up']],
  [
    'function names and grouping labels are dropped',
    'sum by (cluster, instance) (rate(kafka_x_total{a="b"}[5m])) > 0',
    ['kafka_x_total'],
  ],
  [
    'vector matching clauses are dropped',
    'a > on (cluster, topic) group_left () (2 * avg by (cluster, topic) (b))\nand\na > 10',
    ['a', 'b'],
  ],
  [
    'strings inside matchers and label_replace are ignored',
    'label_replace(x{m=~"foo|bar"}, "broker", "$1", "instance", "(.*)")',
    ['x'],
  ],
  [
    'offsets, subqueries and numbers are ignored',
    'changes(y[1d] offset 30m) > 1e3 and count_over_time((z == 1)[15m:1m]) >= 4',
    ['y', 'z'],
  ],
  [
    'recording-rule names with colons are kept',
    'slo:sli_error:ratio_rate1h{slo="s"} / 0.001 > 14.4',
    ['slo:sli_error:ratio_rate1h'],
  ],
  ['keywords are not metrics', 'a unless b or c and bool d', ['a', 'b', 'c', 'd']],
];

for (const [name, expr, want] of cases) {
  test(name, () => assert.deepEqual(metricNamesIn(expr).sort(), [...want].sort()));
}
