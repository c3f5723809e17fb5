import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emit, parseOutputFormat, renderFields, renderTable } from './output.js';
import { parseExporterStatuses } from './groups.js';

test('tables align columns, show - for empty cells, colour only when asked', () => {
  const t = renderTable({
    columns: ['A', 'LONGER'],
    rows: [
      ['x', [1, 2]],
      ['yyyy', null],
    ],
    problemRows: new Set([1]),
  });
  assert.equal(t, 'A     LONGER\nx     1,2\nyyyy  -\n');
  assert.ok(!t.includes('\u001b'));
  assert.ok(renderTable({ columns: ['A'], rows: [['x']], problemRows: new Set([0]) }, true).includes('\u001b[31mx'));
  assert.equal(
    renderFields([
      ['Id', 1],
      ['Controller', 'yes'],
    ]),
    'Id:         1\nController: yes\n',
  );
});

test('json output is one parseable document; unknown formats are rejected', () => {
  let out = '';
  emit('json', { a: 1 }, () => 'table', { write: (s) => (out += s), color: false });
  assert.deepEqual(JSON.parse(out), { a: 1 });
  assert.throws(() => parseOutputFormat('yaml'), /not an output format/);
});

test('exporter status series are read from /metrics text', () => {
  const s = parseExporterStatuses(
    'kafka_consumergroup_partition_status{cluster="local",consumergroup="g",topic="t",partition="1"} 5\nkafka_consumergroup_status{cluster="local",consumergroup="g"} 3\n',
  );
  assert.equal(s.partitions.get('g\u0000t\u00001'), 'STALL');
  assert.equal(s.groups.get('g'), 'ERR');
});
