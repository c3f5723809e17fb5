// What a broker's ApiVersions lets the client see of its groups: ListGroups v5 (types) and
// ConsumerGroupDescribe (KIP-848 members) are used only when offered, so an older broker keeps
// the classic path (DescribeGroups) and the client says once what it cannot see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupVisibility, listedOnly } from './group-listing.js';

const v = (max: number, min = 0) => ({ minVersion: min, maxVersion: max });

test('ListGroups v5, ConsumerGroupDescribe and ShareGroupDescribe are used only when the broker offers them', () => {
  const none = { typed: false, consumerDescribe: false, shareDescribe: false };
  assert.deepEqual(groupVisibility({ versions: { 16: v(5), 69: v(1), 77: v(1) } }), {
    typed: true,
    consumerDescribe: true,
    shareDescribe: true,
  });
  // Kafka 4.0: KIP-848, share groups only in early access (ShareGroupDescribe v0, which this client does not speak).
  assert.deepEqual(groupVisibility({ versions: { 16: v(5), 69: v(0), 77: v(0) } }), {
    ...none,
    typed: true,
    consumerDescribe: true,
  });
  // Kafka 3.x before KIP-848: ListGroups v4, no API 69.
  assert.deepEqual(groupVisibility({ versions: { 16: v(4) } }), none);
  assert.deepEqual(groupVisibility({ versions: { 16: v(5) } }), { ...none, typed: true });
  assert.deepEqual(groupVisibility({}), none);
});

test('a listed-only group keeps its listed type and state, with members unknown rather than 0', () => {
  const g = listedOnly({ groupId: 'q', protocolType: 'share', type: 'share', state: 'Stable' }, 2);
  assert.equal(g.type, 'share');
  assert.equal(g.state, 'Stable');
  assert.equal(g.coordinator, 2);
  assert.equal(g.described, false);
  assert.equal(listedOnly({ groupId: 'x', protocolType: 'consumer', type: 'consumer' }, 0).state, 'Unknown');
});
