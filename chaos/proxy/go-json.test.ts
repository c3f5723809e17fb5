import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonDecodeError, field, goJson, intField, parseBody, toFloat32 } from './go-json.js';
import { newRequestId } from './request-id.js';

describe('Go-compatible JSON', () => {
  it('escapes HTML characters and line separators like encoding/json', () => {
    assert.equal(goJson({ a: '<b>&\u2028' }), '{"a":"\\u003cb\\u003e\\u0026\\u2028"}');
  });

  it('prints float32 values in their shortest form', () => {
    assert.equal(toFloat32(0.3), 0.3);
    assert.equal(toFloat32(0.123456789), 0.12345679);
    assert.equal(toFloat32(1), 1);
  });

  it('matches field names exactly first, then case-insensitively', () => {
    assert.equal(field({ name: 'a', Name: 'b' }, 'name'), 'a');
    assert.equal(field({ NAME: 'b' }, 'name'), 'b');
    assert.equal(field({}, 'name'), undefined);
  });

  it("rejects fractions for integer fields with Go's message", () => {
    assert.throws(
      () => intField({ latency: 1.5 }, 'latency', '.attributes.latency', 0),
      /cannot unmarshal number 1\.5 into Go struct field \.attributes\.latency of type int64/,
    );
    assert.throws(
      () => intField({ latency: '1' }, 'latency', '.attributes.latency', 0),
      /cannot unmarshal string into/,
    );
    assert.equal(intField({ latency: null }, 'latency', 'x', 7), 7);
  });

  it('reports an empty body as EOF', () => {
    assert.throws(
      () => parseBody('  '),
      (e: unknown) => e instanceof JsonDecodeError && e.message === 'EOF',
    );
  });
});

describe('request ids', () => {
  it('are 20 lower-case base32hex characters and unique', () => {
    const a = newRequestId();
    const b = newRequestId();
    assert.match(a, /^[0-9a-v]{20}$/);
    assert.notEqual(a, b);
  });
});
