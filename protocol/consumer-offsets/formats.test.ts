import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolWriter } from '../primitives/writer.js';
import {
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  javaStringHashCode,
  offsetsPartitionFor,
} from './formats.js';

const bytes = (w: ProtocolWriter) => Buffer.from(w.toBuffer());

test('offset commit key v1 is version, group, topic, partition', () => {
  const key = encodeOffsetCommitKey('g1', 'orders', 3);
  assert.deepEqual(key, bytes(new ProtocolWriter().int16(1).string('g1').string('orders').int32(3)));
  assert.deepEqual(decodeKey(key), { kind: 'offset', version: 1, group: 'g1', topic: 'orders', partition: 3 });
  assert.deepEqual(decodeKey(encodeOffsetCommitKey('g1', 'orders', 3, 0)).version, 0);
});

test('group metadata key is version 2 and the group', () => {
  const key = encodeGroupMetadataKey('g1');
  assert.deepEqual(key, bytes(new ProtocolWriter().int16(2).string('g1')));
  assert.deepEqual(decodeKey(key), { kind: 'group', version: 2, group: 'g1' });
});

test('an unknown key version is a decode error', () => {
  assert.throws(() => decodeKey(bytes(new ProtocolWriter().int16(7).string('x'))), /key version 7/);
});

test('offset commit value v1 carries an expire timestamp and v3 a leader epoch', () => {
  const v1 = encodeOffsetCommitValue({ offset: 42, metadata: 'm', commitTimestamp: 1700000000000 });
  assert.deepEqual(v1, bytes(new ProtocolWriter().int16(1).int64(42).string('m').int64(1700000000000).int64(-1)));
  assert.deepEqual(decodeOffsetCommitValue(v1), {
    version: 1,
    offset: 42,
    leaderEpoch: -1,
    metadata: 'm',
    commitTimestamp: 1700000000000,
    expireTimestamp: -1,
  });
  const v3 = encodeOffsetCommitValue({ offset: 7, leaderEpoch: 2, metadata: null, commitTimestamp: 5 });
  assert.deepEqual(v3, bytes(new ProtocolWriter().int16(3).int64(7).int32(2).string('').int64(5)));
  assert.equal(decodeOffsetCommitValue(v3).leaderEpoch, 2);
});

test('offset commit values v0 and v2 as older brokers wrote them are read', () => {
  const v0 = bytes(new ProtocolWriter().int16(0).int64(9).string('').int64(11));
  assert.deepEqual(decodeOffsetCommitValue(v0), {
    version: 0,
    offset: 9,
    leaderEpoch: -1,
    metadata: '',
    commitTimestamp: 11,
    expireTimestamp: -1,
  });
  const v2 = bytes(new ProtocolWriter().int16(2).int64(9).string('x').int64(11));
  assert.equal(decodeOffsetCommitValue(v2).metadata, 'x');
});

const member = {
  memberId: 'm-1',
  groupInstanceId: null,
  clientId: 'c',
  clientHost: '/127.0.0.1',
  rebalanceTimeoutMs: 60000,
  sessionTimeoutMs: 30000,
  subscription: Buffer.from([1, 2]),
  assignment: Buffer.from([3]),
};

test('group metadata value v1 has the layout Burrow reads', () => {
  const v1 = encodeGroupMetadataValue({
    protocolType: 'consumer',
    generation: 4,
    protocol: 'range',
    leader: 'm-1',
    members: [member],
  });
  const hand = new ProtocolWriter()
    .int16(1)
    .string('consumer')
    .int32(4)
    .nullableString('range')
    .nullableString('m-1')
    .int32(1)
    .string('m-1')
    .string('c')
    .string('/127.0.0.1')
    .int32(60000)
    .int32(30000)
    .bytes(Buffer.from([1, 2]))
    .bytes(Buffer.from([3]));
  assert.deepEqual(v1, bytes(hand));
  assert.deepEqual(decodeGroupMetadataValue(v1), {
    version: 1,
    protocolType: 'consumer',
    generation: 4,
    protocol: 'range',
    leader: 'm-1',
    currentStateTimestamp: -1,
    members: [member],
  });
});

test('group metadata values v0, v2 and v3 are read', () => {
  for (const version of [0, 2, 3]) {
    const buf = encodeGroupMetadataValue(
      {
        protocolType: 'consumer',
        generation: 1,
        protocol: null,
        leader: null,
        members: [{ ...member, groupInstanceId: version === 3 ? 'i' : null }],
      },
      version,
    );
    const got = decodeGroupMetadataValue(buf);
    assert.equal(got.version, version);
    assert.equal(got.members[0].memberId, 'm-1');
    assert.equal(got.members[0].rebalanceTimeoutMs, version >= 1 ? 60000 : -1);
    assert.equal(got.members[0].groupInstanceId, version === 3 ? 'i' : null);
    assert.equal(got.currentStateTimestamp > 0, version >= 2);
  }
});

test('partition choice follows Java String.hashCode, including the MIN_VALUE corner', () => {
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
  assert.equal(offsetsPartitionFor('polygenelubricants', 50), 0);
  assert.equal(offsetsPartitionFor('hello', 50), 99162322 % 50);
  // A negative hash uses its absolute value.
  const neg = 'zzzzzzzz';
  assert.ok(javaStringHashCode(neg) < 0);
  assert.equal(offsetsPartitionFor(neg, 50), Math.abs(javaStringHashCode(neg)) % 50);
});
