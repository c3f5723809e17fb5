import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolReader, ProtocolWriter, ProtocolDecodeError } from './index.js';

test('every primitive written by the writer reads back the same through the reader', () => {
  const w = new ProtocolWriter(4);
  w.int8(-5)
    .int16(-300)
    .int32(-70000)
    .int64(2 ** 53 - 1)
    .int64(-1)
    .uvarint(300)
    .varint(-64)
    .varlong(-(2 ** 40));
  w.nullableString(null).string('héllo').compactNullableString(null).compactString('x');
  w.nullableBytes(null)
    .bytes(Buffer.from([1, 2]))
    .compactBytes(Buffer.from([3]))
    .varintBytes(null);
  w.array([1, 2, 3], (x, v) => x.int32(v))
    .compactArray(['a'], (x, v) => x.compactString(v))
    .taggedFields(new Map([[1, Buffer.from([9])]]));
  const r = new ProtocolReader(w.toBuffer());
  assert.deepEqual(
    [r.int8(), r.int16(), r.int32(), r.int64(), r.int64(), r.uvarint(), r.varint(), r.varlong()],
    [-5, -300, -70000, 2 ** 53 - 1, -1, 300, -64, -(2 ** 40)],
  );
  assert.deepEqual(
    [r.nullableString(), r.string(), r.compactNullableString(), r.compactString()],
    [null, 'héllo', null, 'x'],
  );
  assert.deepEqual(
    [r.nullableBytes(), [...r.bytes()], [...r.compactBytes()], r.varintBytes()],
    [null, [1, 2], [3], null],
  );
  assert.deepEqual(
    r.array((x) => x.int32()),
    [1, 2, 3],
  );
  assert.deepEqual(
    r.compactArray((x) => x.compactString()),
    ['a'],
  );
  assert.deepEqual(
    [...r.taggedFields()].map(([k, v]) => [k, [...v]]),
    [[1, [9]]],
  );
  assert.equal(r.remaining, 0);
});

test('zigzag varints match the protocol encoding for small values', () => {
  const enc = (v: number) => [...new ProtocolWriter().varint(v).toBuffer()];
  assert.deepEqual(enc(0), [0]);
  assert.deepEqual(enc(-1), [1]);
  assert.deepEqual(enc(1), [2]);
  assert.deepEqual(enc(-64), [127]);
  assert.deepEqual(enc(64), [0x80, 0x01]);
});

test('a truncated buffer raises ProtocolDecodeError instead of reading past the end', () => {
  assert.throws(() => new ProtocolReader(Buffer.from([0, 0, 0])).int32(), ProtocolDecodeError);
  assert.throws(() => new ProtocolReader(Buffer.from([0, 5, 65])).string(), ProtocolDecodeError);
  assert.throws(
    () => new ProtocolReader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int8()),
    ProtocolDecodeError,
  );
  assert.throws(
    () => new ProtocolReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).uvarint(),
    ProtocolDecodeError,
  );
});
