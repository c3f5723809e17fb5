import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameFilter } from './filters.js';
import { SeriesBudget } from './cardinality.js';

const cases: { name: string; allow?: string[]; deny?: string[]; input: string; want: boolean }[] = [
  { name: 'An empty filter lets every name through.', input: 'orders', want: true },
  { name: 'A name matching an allow pattern passes.', allow: ['orders.*'], input: 'orders-eu', want: true },
  { name: 'A name matching no allow pattern is dropped.', allow: ['orders.*'], input: 'payments', want: false },
  {
    name: 'A deny pattern wins over an allow pattern.',
    allow: ['.*'],
    deny: ['.*-tmp'],
    input: 'orders-tmp',
    want: false,
  },
  { name: 'Patterns are anchored, so a partial match does not pass.', allow: ['order'], input: 'orders', want: false },
];
for (const c of cases) test(c.name, () => assert.equal(nameFilter({ allow: c.allow, deny: c.deny })(c.input), c.want));

test('An invalid pattern is reported with the field it came from.', () => {
  assert.throws(
    () => nameFilter({ deny: ['('] }, 'exporter.topics'),
    /exporter\.topics\.deny: "\(" is not a valid regular expression/,
  );
});

test('The series budget admits series up to the limit and counts what it dropped.', () => {
  const b = new SeriesBudget(5);
  assert.equal(b.take(3), true);
  assert.equal(b.take(3), false);
  assert.equal(b.take(2), true);
  assert.equal(b.take(1), false);
  assert.deepEqual([b.admitted, b.droppedSeries, b.limitReached], [5, 4, true]);
});
