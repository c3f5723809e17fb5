// The no-toxic data path on real TCP traffic: full reads are coalesced into one write per burst
// (chaos/proxy/link.ts), so these check that nothing is lost, reordered or held back by it: bulk
// transfers in both directions, a burst that ends exactly on a full read, data followed by a close.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RunningProxyServer } from '../chaos/proxy/server.js';
import {
  collect,
  createProxy,
  echoServer,
  proxyServer,
  receiveBytes,
  roundTrip,
  sourceServer,
  tcpConnect,
  type TcpServer,
} from './proxy-fixtures.js';

let server: RunningProxyServer;
let echo: TcpServer;
let n = 0;
const fresh = (prefix: string) => `${prefix}_${++n}`;
const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  server = await proxyServer({ seed: 7 });
  echo = await echoServer();
});

/** Write `payload` in `writeSize` pieces (respecting backpressure) and collect as many bytes back. */
async function echoThrough(s: Socket, payload: Buffer, writeSize: number): Promise<Buffer> {
  const incoming = receiveBytes(s, payload.length);
  for (let off = 0; off < payload.length; off += writeSize) {
    if (!s.write(payload.subarray(off, off + writeSize))) await new Promise((r) => s.once('drain', r));
  }
  return incoming.done;
}

describe('no-toxic data path', () => {
  it('moves a bulk transfer both ways complete and in order, including a short tail', async () => {
    const port = await createProxy(server, fresh('bulk'), echo.address);
    const s = await tcpConnect(port);
    const payload = randomBytes(8 * 1024 * 1024 + 100);
    const back = await echoThrough(s, payload, 256 * 1024);
    assert.equal(back.length, payload.length);
    assert.equal(hash(back), hash(payload));
  });

  it('delivers a burst that ends exactly on a full 64 KiB read without waiting for more data', async () => {
    const port = await createProxy(server, fresh('full'), echo.address);
    const s = await tcpConnect(port);
    for (const size of [64 * 1024, 128 * 1024, 1024 * 1024]) {
      const ms = await roundTrip(s, randomBytes(size));
      assert.ok(ms < 1000, `${size} bytes came back after ${ms.toFixed(1)} ms`);
    }
  });

  it('does not delay small messages that follow bulk data', async () => {
    const port = await createProxy(server, fresh('mixed'), echo.address);
    const s = await tcpConnect(port);
    await roundTrip(s, randomBytes(2 * 1024 * 1024));
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push(await roundTrip(s, 'ping'));
    times.sort((a, b) => a - b);
    assert.ok(times[10] < 50, `median small round trip after bulk data: ${times[10].toFixed(2)} ms`);
  });

  it('delivers everything an upstream sends before it closes, then closes', async () => {
    const payload = randomBytes(3 * 1024 * 1024 + 1);
    const src = await sourceServer(payload);
    const port = await createProxy(server, fresh('eof'), src.address);
    const s = await tcpConnect(port);
    const received: Buffer[] = [];
    s.on('data', (d: Buffer) => received.push(d));
    const r = await collect(s, 10_000);
    assert.notEqual(r.closedAfter, undefined, 'connection closed after the data');
    assert.equal(hash(Buffer.concat(received)), hash(payload));
  });
});
