// ReadBuffers: a buffer handed on without a copy is never read into again until it is released.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBuffers } from './read-buffers.js';

function harness() {
  const rb = new ReadBuffers();
  const opt = rb.socketOption();
  const got: { data: Buffer; release?: () => void }[] = [];
  rb.attach((data, release) => {
    got.push({ data, release });
    return true;
  });
  const next = () => (typeof opt.buffer === 'function' ? opt.buffer() : opt.buffer) as Buffer;
  /** What the socket does per read: take a buffer, fill `n` bytes, call back. */
  const read = (n: number, fill: number) => {
    const buf = next();
    buf.fill(fill, 0, n);
    opt.callback(n, buf);
    return buf;
  };
  return { got, read };
}

describe('ReadBuffers', () => {
  it('copies small reads and keeps reading into the same buffer', () => {
    const { got, read } = harness();
    const a = read(100, 1);
    const b = read(200, 2);
    assert.equal(a, b);
    assert.equal(got[0].release, undefined);
    assert.deepEqual(got[0].data, Buffer.alloc(100, 1), 'the first read survives the second');
  });

  it('hands large reads on without a copy and reuses a buffer only after its release', () => {
    const { got, read } = harness();
    const a = read(200_000, 1);
    const b = read(200_000, 2);
    assert.notEqual(a, b, 'a handed-off buffer is not read into again');
    assert.equal(got[0].data.buffer, a.buffer);
    assert.deepEqual(got[0].data, Buffer.alloc(200_000, 1));
    got[0].release!();
    got[0].release!(); // twice is harmless
    const c = read(200_000, 3);
    assert.equal(c, a, 'released buffer comes back from the pool');
    const d = read(200_000, 4);
    assert.notEqual(d, a, 'and is handed out only once');
    assert.deepEqual(got[1].data, Buffer.alloc(200_000, 2));
  });

  it('delivers reads that came before a handler was attached', () => {
    const rb = new ReadBuffers();
    const opt = rb.socketOption();
    const buf = (typeof opt.buffer === 'function' ? opt.buffer() : opt.buffer) as Buffer;
    buf.fill(9, 0, 10);
    opt.callback(10, buf);
    const got: Buffer[] = [];
    rb.attach((data) => got.push(data) > 0);
    assert.deepEqual(got, [Buffer.alloc(10, 9)]);
  });
});
