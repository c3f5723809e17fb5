import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipTaggedFields } from './raw-transport.js';
import { parseBootstrap, resolvePassword } from './connection.js';

test('An empty tagged-field section is one zero byte.', () =>
  assert.equal(skipTaggedFields(Buffer.from([0, 9, 9])), 1));
test('Tagged fields with values are skipped by their sizes.', () =>
  assert.equal(skipTaggedFields(Buffer.from([2, 0, 1, 0xaa, 5, 2, 0xbb, 0xcc, 7])), 8));
test('A truncated tagged-field section is an error.', () =>
  assert.throws(() => skipTaggedFields(Buffer.from([0x80])), /truncated/));

test('A bootstrap list of host:port entries is accepted.', () =>
  assert.deepEqual(parseBootstrap('a:9092, b:9192'), ['a:9092', 'b:9192']));
test('A bootstrap entry without a port is rejected by name.', () =>
  assert.throws(() => parseBootstrap('a:9092,b'), /"b" is not host:port/));

test('A SASL password comes from the named environment variable, and a missing one is reported without any value.', () => {
  process.env.KAFKA_SRE_TEST_PW = 's3cret';
  assert.equal(resolvePassword({ mechanism: 'plain', username: 'u', passwordEnv: 'KAFKA_SRE_TEST_PW' }, 'c'), 's3cret');
  delete process.env.KAFKA_SRE_TEST_PW;
  assert.throws(
    () =>
      resolvePassword({ mechanism: 'plain', username: 'u', passwordEnv: 'KAFKA_SRE_TEST_PW', password: 'inline' }, 'c'),
    (e: Error) => /KAFKA_SRE_TEST_PW is not set/.test(e.message) && !e.message.includes('inline'),
  );
});
