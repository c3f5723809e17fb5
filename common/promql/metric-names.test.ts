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
  ['a bare selector names one metric', 'up', ['up']],
  [
    'functions, grouping labels and matchers (even one whose value is a keyword) are not metric names',
    'sum by (topic, partition) (rate(a_total{topic=~"x", job="by"}[5m]))',
    ['a_total'],
  ],
  [
    'both sides of a binary operation are found, keywords are not',
    'a / on (cluster) group_left (slo) b or vector(0) unless c offset 5m',
    ['a', 'b', 'c'],
  ],
  ['numbers with exponents and durations are not names', 'x > 1e3 and y[1h:5m]', ['x', 'y']],
  [
    'recording-rule names in a bare selector are names',
    'slo:sli_error:ratio_rate5m{slo="a"}',
    ['slo:sli_error:ratio_rate5m'],
  ],
  ['string literals are ignored', 'label_replace(m, "dst", "$1", "src", "(.*)")', ['m']],
  ['single-quoted and backtick strings are ignored too', "label_replace(m, 'dst x', `$1 y`, 'src', '(.*)')", ['m']],
];

for (const [name, expr, want] of cases) {
  test(name, () => assert.deepEqual(metricNamesIn(expr).sort(), [...want].sort()));
}
