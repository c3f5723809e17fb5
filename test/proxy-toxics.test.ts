// Every toxic measured on real TCP traffic through the proxy: echo, source and sink servers on
// loopback behind a proxy, effects timed from the client side. Tolerances allow for a busy
// 2-core machine; lower bounds are strict where a toxic guarantees them.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { RunningProxyServer } from '../chaos/proxy/server.js';
import {
  addToxic,
  api,
  collect,
  createProxy,
  echoServer,
  proxyServer,
  receiveBytes,
  roundTrip,
  sleep,
  sourceServer,
  tcpConnect,
  tcpServer,
  type TcpServer,
} from './proxy-fixtures.js';

let server: RunningProxyServer;
let echo: TcpServer;
let n = 0;
const fresh = (prefix: string) => `${prefix}_${++n}`;

before(async () => {
  server = await proxyServer({ seed: 42 });
  echo = await echoServer();
});

describe('latency', () => {
  it('adds the latency to every round trip, downstream and upstream', async () => {
    const name = fresh('lat');
    const port = await createProxy(server, name, echo.address);
    const s = await tcpConnect(port);
    await roundTrip(s);
    await addToxic(server, name, { type: 'latency', attributes: { latency: 100 } });
    const down = await roundTrip(s);
    assert.ok(down >= 99 && down < 600, `downstream latency 100: ${down} ms`);
    await addToxic(server, name, { type: 'latency', stream: 'upstream', attributes: { latency: 50 } });
    const both = await roundTrip(s);
    assert.ok(both >= 149 && both < 650, `both directions 150: ${both} ms`);
  });

  it('keeps each chunk within latency +/- jitter', async () => {
    const name = fresh('jit');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'latency', attributes: { latency: 60, jitter: 30 } });
    const s = await tcpConnect(port);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push(await roundTrip(s));
    for (const t of times) assert.ok(t >= 29 && t < 500, `latency 60 jitter 30: ${t} ms`);
    assert.ok(Math.max(...times) - Math.min(...times) > 3, `jitter varies the delay: ${times.join(', ')}`);
  });

  it('delays pipelined chunks from their arrival, not cumulatively', async () => {
    const name = fresh('pipe');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'latency', attributes: { latency: 200 } });
    const s = await tcpConnect(port);
    const got = collect(s, 2000);
    for (let i = 0; i < 5; i++) {
      s.write(`msg${i}`);
      await sleep(20);
    }
    const r = await got;
    assert.equal(r.total, 20);
    const last = r.chunks[r.chunks.length - 1].at;
    // ~280 ms from the first write; cumulative delays would make it ~1000 ms.
    assert.ok(last >= 270 && last < 800, `last of 5 messages sent over 80 ms arrives ~280 ms: ${last}`);
  });
});

describe('bandwidth', () => {
  it('caps throughput at rate KB/s', async () => {
    const payload = randomBytes(100_000);
    const src = await sourceServer(payload);
    const name = fresh('bw');
    const port = await createProxy(server, name, src.address);
    await addToxic(server, name, { type: 'bandwidth', attributes: { rate: 200 } });
    const s = await tcpConnect(port);
    const r = await collect(s, 5000);
    assert.equal(r.total, payload.length);
    const seconds = r.chunks[r.chunks.length - 1].at / 1000;
    const rate = payload.length / 1000 / seconds;
    assert.ok(rate <= 220 && rate >= 100, `100 kB at 200 KB/s took ${seconds.toFixed(3)} s = ${rate.toFixed(0)} KB/s`);
  });
});

describe('slow_close', () => {
  it('delivers data at once but holds the close back', async () => {
    const src = await sourceServer(Buffer.from('bye'));
    const name = fresh('slow');
    const port = await createProxy(server, name, src.address);
    await addToxic(server, name, { type: 'slow_close', attributes: { delay: 500 } });
    const s = await tcpConnect(port);
    const r = await collect(s, 3000);
    assert.equal(r.total, 3);
    assert.ok(r.chunks[0].at < 300, `data not delayed: ${r.chunks[0].at}`);
    assert.ok(
      r.closedAfter !== undefined && r.closedAfter >= 490 && r.closedAfter < 1500,
      `closed after ${r.closedAfter}`,
    );
  });
});

describe('timeout', () => {
  it('passes no data and closes after the timeout', async () => {
    const name = fresh('to');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'timeout', attributes: { timeout: 200 } });
    const s = await tcpConnect(port);
    const got = collect(s, 3000);
    s.write('hello');
    const r = await got;
    assert.equal(r.total, 0);
    assert.ok(
      r.closedAfter !== undefined && r.closedAfter >= 190 && r.closedAfter < 1500,
      `closed after ${r.closedAfter}`,
    );
  });

  it('with timeout 0 hangs until the toxic is removed, which closes the stalled connection', async () => {
    const name = fresh('hang');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'timeout', name: 'hang', attributes: { timeout: 0 } });
    const s = await tcpConnect(port);
    const got = collect(s, 3000);
    s.write('hello');
    await sleep(500);
    assert.equal(s.destroyed, false, 'still open while the toxic is there');
    assert.equal((await api(server, 'DELETE', `/proxies/${name}/toxics/hang`)).status, 204);
    const r = await got;
    assert.equal(r.total, 0, 'dropped data never arrives');
    assert.ok(r.closedAfter !== undefined && r.closedAfter >= 500, `closed at removal (${r.closedAfter} ms)`);
    const again = await tcpConnect(port);
    await roundTrip(again); // new connections are healthy
  });
});

describe('reset_peer', () => {
  it('resets the connection: the client sees ECONNRESET', async () => {
    const name = fresh('rst');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'reset_peer', attributes: { timeout: 0 } });
    const s = await tcpConnect(port);
    const got = collect(s, 3000);
    s.write('hello');
    const r = await got;
    assert.equal(r.error?.code, 'ECONNRESET');
    assert.equal(r.total, 0);
  });

  it('waits `timeout` ms after the first data before resetting', async () => {
    const name = fresh('rstt');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 200 } });
    const s = await tcpConnect(port);
    const got = collect(s, 3000);
    s.write('hello');
    const r = await got;
    assert.equal(r.error?.code, 'ECONNRESET');
    assert.ok(r.closedAfter !== undefined && r.closedAfter >= 190, `reset after ${r.closedAfter}`);
  });
});

describe('slicer', () => {
  it('cuts data into pieces of about average_size with delays between them', async () => {
    const payload = randomBytes(200);
    const src = await sourceServer(payload);
    const name = fresh('slice');
    const port = await createProxy(server, name, src.address);
    await addToxic(server, name, { type: 'slicer', attributes: { average_size: 20, size_variation: 0, delay: 15000 } });
    const s = await tcpConnect(port);
    const r = await collect(s, 5000);
    assert.equal(r.total, 200);
    // 200 bytes halve into 16 pieces of 12-13 bytes (<= average_size); a busy client may merge two reads.
    assert.ok(r.chunks.length >= 10, `pieces: ${r.chunks.map((c) => c.size).join(',')}`);
    const within = r.chunks.filter((c) => c.size <= 20).length;
    assert.ok(within >= r.chunks.length * 0.8, `pieces <= 20 bytes: ${r.chunks.map((c) => c.size).join(',')}`);
    assert.ok(
      r.chunks[r.chunks.length - 1].at >= 14 * 15,
      `delay between pieces: last at ${r.chunks[r.chunks.length - 1].at}`,
    );
  });
});

describe('limit_data', () => {
  it('lets exactly `bytes` through, then closes', async () => {
    const src = await sourceServer(randomBytes(50_000), true);
    const name = fresh('limit');
    const port = await createProxy(server, name, src.address);
    await addToxic(server, name, { type: 'limit_data', attributes: { bytes: 1000 } });
    const s = await tcpConnect(port);
    const r = await collect(s, 3000);
    assert.equal(r.total, 1000);
    assert.notEqual(r.closedAfter, undefined, 'connection closed at the limit');
  });
});

describe('toxicity', () => {
  it('toxicity 0 never applies, 1 always does', async () => {
    const name = fresh('tox');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'latency', toxicity: 0, attributes: { latency: 400 } });
    for (let i = 0; i < 3; i++) assert.ok((await roundTrip(await tcpConnect(port))) < 399);
    assert.equal(
      (await api(server, 'PATCH', `/proxies/${name}/toxics/latency_downstream`, { toxicity: 1 })).status,
      200,
    );
    for (let i = 0; i < 3; i++) assert.ok((await roundTrip(await tcpConnect(port))) >= 399);
  });

  it('decides per connection', async () => {
    const name = fresh('half');
    const port = await createProxy(server, name, echo.address);
    await addToxic(server, name, { type: 'latency', toxicity: 0.5, attributes: { latency: 400 } });
    const times = await Promise.all(Array.from({ length: 12 }, async () => roundTrip(await tcpConnect(port))));
    const slow = times.filter((t) => t >= 399).length;
    assert.ok(slow > 0 && slow < 12, `some but not all of 12 connections affected: ${slow}`);
  });
});

describe('live connections, enable and disable', () => {
  it('adds, updates and removes toxics on an open connection', async () => {
    const name = fresh('live');
    const port = await createProxy(server, name, echo.address);
    const s = await tcpConnect(port);
    assert.ok((await roundTrip(s)) < 299);
    await addToxic(server, name, { type: 'latency', attributes: { latency: 300 } });
    assert.ok((await roundTrip(s)) >= 299);
    await api(server, 'PATCH', `/proxies/${name}/toxics/latency_downstream`, { attributes: { latency: 500 } });
    assert.ok((await roundTrip(s)) >= 499);
    await api(server, 'DELETE', `/proxies/${name}/toxics/latency_downstream`);
    assert.ok((await roundTrip(s)) < 299);
  });

  it('disabling closes the listener and connections; enabling restores the same address', async () => {
    const name = fresh('dis');
    const port = await createProxy(server, name, echo.address);
    const s = await tcpConnect(port);
    const closed = collect(s, 3000);
    const r = await api(server, 'PATCH', `/proxies/${name}`, { enabled: false });
    assert.equal((r.json as { enabled: boolean }).enabled, false);
    assert.notEqual((await closed).closedAfter, undefined, 'open connection closed');
    await assert.rejects(tcpConnect(port), /ECONNREFUSED/);
    await api(server, 'PATCH', `/proxies/${name}`, { enabled: true });
    await roundTrip(await tcpConnect(port)); // works again
  });

  it('neither loses nor reorders data while toxics come and go mid-stream', async () => {
    const name = fresh('order');
    const port = await createProxy(server, name, echo.address);
    const s = await tcpConnect(port);
    const payload = randomBytes(4 * 1024 * 1024);
    const incoming = receiveBytes(s, payload.length);
    const writer = (async () => {
      for (let off = 0; off < payload.length; off += 64 * 1024) {
        if (!s.write(payload.subarray(off, off + 64 * 1024))) await new Promise((r) => s.once('drain', r));
      }
    })();
    const toxics = [
      { name: 'b', type: 'bandwidth', attributes: { rate: 6000 } },
      { name: 'l', type: 'latency', attributes: { latency: 5, jitter: 3 } },
      {
        name: 's',
        type: 'slicer',
        stream: 'upstream',
        attributes: { average_size: 4096, size_variation: 1000, delay: 0 },
      },
    ];
    for (const t of toxics) {
      await addToxic(server, name, t);
      await sleep(40);
    }
    await api(server, 'PATCH', `/proxies/${name}/toxics/l`, { attributes: { latency: 1 } });
    for (const t of [...toxics].reverse()) {
      await sleep(40);
      await api(server, 'DELETE', `/proxies/${name}/toxics/${t.name}`);
    }
    assert.ok(
      incoming.count() < payload.length,
      `data was still flowing when the last toxic went (${incoming.count()} bytes)`,
    );
    await writer;
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.equal(hash(await incoming.done), hash(payload));
  });

  it('closes the client connection when the upstream cannot be reached', async () => {
    const gone = await tcpServer(() => {});
    await gone.close();
    const name = fresh('down');
    const port = await createProxy(server, name, gone.address);
    const s = await tcpConnect(port);
    const r = await collect(s, 3000);
    assert.notEqual(r.closedAfter, undefined);
    assert.equal(r.total, 0);
  });

  it('applies backpressure instead of buffering without bound', async () => {
    // The upstream writes as fast as it can; the client never reads.
    let accepted = 0;
    const flood = await tcpServer((sock) => {
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!sock.destroyed && sock.write(chunk)) accepted += chunk.length;
        if (!sock.destroyed) sock.once('drain', pump);
      };
      pump();
    });
    const name = fresh('bp');
    const port = await createProxy(server, name, flood.address);
    const s = await tcpConnect(port);
    s.pause();
    await sleep(1000);
    // Kernel socket buffers on both hops hold a few MB; without backpressure this would be GBs.
    process.stdout.write(`# backpressure: upstream wrote ${accepted} bytes into a stalled connection\n`);
    assert.ok(
      accepted < 64 * 1024 * 1024,
      `upstream could write ${(accepted / 1e6).toFixed(1)} MB into a stalled connection`,
    );
    s.destroy();
  });
});
