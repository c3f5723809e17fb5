// What a broker's ApiVersions lets the client see of its groups: ListGroups v5 (types) and
// ConsumerGroupDescribe (KIP-848 members) are used only when offered, so an older broker keeps
// the classic path (DescribeGroups) and the client says once what it cannot see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupVisibility, listedOnly } from './group-listing.js';

const v = (max: number, min = 0) => ({ minVersion: min, maxVersion: max });

test('ListGroups v5 and ConsumerGroupDescribe are used only when the broker offers them', () => {
  assert.deepEqual(groupVisibility({ versions: { 16: v(5), 69: v(1) } }), { typed: true, consumerDescribe: true });
  // Kafka 3.x before KIP-848: ListGroups v4, no API 69.
  assert.deepEqual(groupVisibility({ versions: { 16: v(4) } }), { typed: false, consumerDescribe: false });
  assert.deepEqual(groupVisibility({ versions: { 16: v(5) } }), { typed: true, consumerDescribe: false });
  assert.deepEqual(groupVisibility({}), { typed: false, consumerDescribe: false });
});

test('a listed-only group keeps its listed type and state, with members unknown rather than 0', () => {
  const g = listedOnly({ groupId: 'q', protocolType: 'share', type: 'share', state: 'Stable' }, 2);
  assert.equal(g.type, 'share');
  assert.equal(g.state, 'Stable');
  assert.equal(g.coordinator, 2);
  assert.equal(g.described, false);
  assert.equal(listedOnly({ groupId: 'x', protocolType: 'consumer', type: 'consumer' }, 0).state, 'Unknown');
});
