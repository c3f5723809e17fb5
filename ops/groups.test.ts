import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../common/config/schema.js';
import { hiddenGroupIds, hiddenGroupsNote, withoutHiddenGroups, type GroupSummary } from './groups.js';

const summary = (groupId: string): GroupSummary => ({
  groupId,
  type: 'classic',
  state: 'Stable',
  protocolType: 'consumer',
  assignor: 'range',
  coordinator: 1,
  members: 1,
  topics: [],
});

test("groups list leaves out the exporter fleet's configured coordination group, and says so", () => {
  assert.deepEqual(hiddenGroupIds(configSchema.parse({})), [], 'no fleet configured: nothing hidden');
  const fleet = configSchema.parse({ exporter: { coordination: { group: 'kafka-sre-exporters' } } });
  assert.deepEqual(hiddenGroupIds(fleet), ['kafka-sre-exporters']);

  const list = ['orders', 'kafka-sre-exporters', 'billing'].map(summary);
  const { shown, hidden } = withoutHiddenGroups(list, hiddenGroupIds(fleet));
  assert.deepEqual(
    shown.map((g) => g.groupId),
    ['orders', 'billing'],
  );
  assert.deepEqual(
    hidden.map((g) => g.groupId),
    ['kafka-sre-exporters'],
  );
  assert.equal(
    hiddenGroupsNote(hidden),
    '(not shown: exporter coordination group kafka-sre-exporters; --all lists it)\n',
  );

  // --all (no ids hidden), or the group not present on the cluster: the full list and no note.
  assert.equal(withoutHiddenGroups(list, []).shown.length, 3);
  const absent = withoutHiddenGroups(['orders'].map(summary), hiddenGroupIds(fleet));
  assert.equal(absent.shown.length, 1);
  assert.equal(hiddenGroupsNote(absent.hidden), '');
});
