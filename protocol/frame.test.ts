// Frame splitting and headers: chunk boundaries anywhere, oversized and negative sizes rejected
// before buffering, request/response headers in both header versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeRequestFrame,
  FrameSplitter,
  FrameTooLargeError,
  readRequestHeader,
  readResponseHeader,
  beginResponse,
  finishFrame,
} from './frame.js';
import { ProtocolDecodeError } from './primitives/errors.js';
import { ProtocolReader } from './primitives/reader.js';
import { ProtocolWriter } from './primitives/writer.js';

const frame = (body: string) =>
  encodeRequestFrame({ apiKey: 3, apiVersion: 1, correlationId: 9, clientId: 'c' }, false, (w) => w.string(body));

test('frames come out whole whatever the chunking', () => {
  const stream = Buffer.concat([frame('a'), frame('bb'), frame('ccc')]);
  for (const size of [1, 2, 3, 7, stream.length]) {
    const s = new FrameSplitter(1000);
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) {
      s.push(stream.subarray(i, i + size));
      for (let f = s.next(); f; f = s.next()) got.push(Buffer.from(f));
    }
    assert.equal(got.length, 3, `chunk size ${size}`);
    const r = new ProtocolReader(got[2]);
    assert.deepEqual(
      readRequestHeader(r, () => false),
      { apiKey: 3, apiVersion: 1, correlationId: 9, clientId: 'c' },
    );
    assert.equal(r.string(), 'ccc');
    assert.equal(s.bufferedBytes, 0);
  }
});

test('oversized and negative sizes are refused from the 4-byte prefix alone', () => {
  const s = new FrameSplitter(100);
  s.push(Buffer.from([0, 0, 1, 0]));
  assert.throws(() => s.next(), FrameTooLargeError);
  const n = new FrameSplitter(100);
  n.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  assert.throws(() => n.next(), ProtocolDecodeError);
});

test('flexible headers carry tagged fields; response header v1 too', () => {
  const f = encodeRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: null }, true, (w) =>
    w.compactString('x'),
  );
  const r = new ProtocolReader(f, 4);
  assert.deepEqual(
    readRequestHeader(r, () => true),
    { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: null },
  );
  assert.equal(r.compactString(), 'x');
  const w = new ProtocolWriter();
  const start = beginResponse(w, 77, true);
  w.int16(0);
  const out = finishFrame(w, start);
  assert.equal(out.readInt32BE(0), out.length - 4);
  const rr = new ProtocolReader(out, 4);
  assert.deepEqual(readResponseHeader(rr, true), { correlationId: 77 });
  assert.equal(rr.int16(), 0);
});
