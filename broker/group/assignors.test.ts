// The KIP-848 server-side assignors: uniform (balanced and sticky, also with mixed subscriptions)
// and range (contiguous per topic); and the RE2J-to-JavaScript regex translation of subscriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rangeAssignor, uniformAssignor, assignorsByName, type Assignment } from './assignors.js';
import { InvalidRegexError, translateRe2 } from './regex.js';

const T1 = '00000000-0000-0000-0000-000000000001';
const T2 = '00000000-0000-0000-0000-000000000002';

function member(memberId: string, topics: string[], previous: Assignment = new Map()) {
  return { memberId, topics: new Set(topics), previous };
}
const count = (a: Assignment) => [...a.values()].reduce((n, ps) => n + ps.length, 0);
function everyPartitionOnce(result: Map<string, Assignment>, partitions: Map<string, number>): void {
  const seen = new Set<string>();
  for (const a of result.values())
    for (const [t, ps] of a)
      for (const p of ps) {
        assert.ok(!seen.has(`${t}:${p}`), `${t}:${p} assigned twice`);
        seen.add(`${t}:${p}`);
      }
  for (const [t, n] of partitions) for (let p = 0; p < n; p++) assert.ok(seen.has(`${t}:${p}`), `${t}:${p} unassigned`);
}

test('uniform: same subscriptions -> loads differ by at most one, every partition exactly once', () => {
  const partitions = new Map([
    [T1, 7],
    [T2, 3],
  ]);
  const members = ['a', 'b', 'c'].map((id) => member(id, [T1, T2]));
  const r = uniformAssignor.assign({ members, partitions });
  everyPartitionOnce(r, partitions);
  const loads = [...r.values()].map(count);
  assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `loads ${loads}`);
});

test('uniform is sticky: a joining member takes partitions only from the others’ surplus', () => {
  const partitions = new Map([[T1, 6]]);
  const first = uniformAssignor.assign({ members: [member('a', [T1]), member('b', [T1])], partitions });
  const second = uniformAssignor.assign({
    members: [member('a', [T1], first.get('a')), member('b', [T1], first.get('b')), member('c', [T1])],
    partitions,
  });
  everyPartitionOnce(second, partitions);
  for (const id of ['a', 'b']) {
    const kept = second
      .get(id)!
      .get(T1)!
      .filter((p) => first.get(id)!.get(T1)!.includes(p));
    assert.equal(kept.length, 2, `${id} keeps 2 of its 3 partitions`);
  }
  assert.equal(count(second.get('c')!), 2);
});

test('uniform: a newcomer gets its share when the others each hold ceil(fair) (6 partitions, 3 -> 4 members)', () => {
  const partitions = new Map([[T1, 6]]);
  const result = uniformAssignor.assign({
    members: [
      member('a', [T1], new Map([[T1, [0, 1]]])),
      member('b', [T1], new Map([[T1, [2, 3]]])),
      member('c', [T1], new Map([[T1, [4, 5]]])),
      member('d', [T1]),
    ],
    partitions,
  });
  everyPartitionOnce(result, partitions);
  assert.deepEqual([...result.values()].map(count).sort(), [1, 1, 2, 2]);
  assert.equal(count(result.get('d')!), 1, 'the newcomer is not starved');
  // Stickiness: the three keep 5 of their 6 between them.
  assert.equal(result.get('d')!.get(T1)!.length, 1);
});

test('uniform with mixed subscriptions: a member alone on a topic still gets its share of the shared one', () => {
  const partitions = new Map([
    [T1, 6],
    [T2, 2],
  ]);
  const first = uniformAssignor.assign({ members: [member('a', [T1]), member('b', [T1])], partitions });
  const r = uniformAssignor.assign({
    members: [member('a', [T1], first.get('a')), member('b', [T1], first.get('b')), member('z', [T1, T2])],
    partitions,
  });
  everyPartitionOnce(r, partitions);
  assert.deepEqual(r.get('z')!.get(T2), [0, 1]);
  assert.equal(r.get('z')!.get(T1)?.length, 2, 'the regex-style member gets 2 of the 6 shared partitions');
  assert.equal(count(r.get('a')!), 2);
  assert.equal(count(r.get('b')!), 2);
});

test('range: contiguous ranges per topic in member id order, the first members get the extra', () => {
  const partitions = new Map([
    [T1, 5],
    [T2, 2],
  ]);
  const r = rangeAssignor.assign({ members: [member('b', [T1, T2]), member('a', [T1])], partitions });
  assert.deepEqual(r.get('a')!.get(T1), [0, 1, 2]);
  assert.deepEqual(r.get('b')!.get(T1), [3, 4]);
  assert.deepEqual(r.get('b')!.get(T2), [0, 1]);
  assert.equal(r.get('a')!.get(T2), undefined);
  assert.throws(() => assignorsByName(['sticky']), /unknown consumer group assignor/);
  assert.deepEqual(
    assignorsByName(['range', 'uniform']).map((a) => a.name),
    ['range', 'uniform'],
  );
});

test('RE2J regexes: full-match semantics, the common syntax translated, the rest rejected', () => {
  const m = (re: string, name: string) => translateRe2(re).test(name);
  assert.ok(m('orders.*', 'orders-eu'));
  assert.ok(!m('orders', 'orders-eu'), 'RE2J matches() is a full match');
  assert.ok(m('^k848-(orders|audit)$', 'k848-audit'));
  assert.ok(m('(?i)ORDERS', 'orders'));
  assert.ok(m('\\Qa.b\\E-[0-9]+', 'a.b-12'));
  assert.ok(!m('\\Qa.b\\E-[0-9]+', 'axb-12'));
  assert.ok(m('[[:alpha:]]+-\\d', 'abc-1'));
  assert.ok(m('(?P<env>prod|dev)\\.events', 'dev.events'));
  assert.ok(m('\\Atopic\\z', 'topic'));
  for (const bad of ['(?=x)y', '(a)\\1', 'a(?i)b', '[abc', '(unclosed', '\\pL+'])
    assert.throws(() => translateRe2(bad), InvalidRegexError, bad);
});
