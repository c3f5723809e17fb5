// toxiproxy-node-client 4.x, the chaos runner's client, drives every endpoint it has against our
// server, using the client's own request and response types.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  Toxiproxy,
  ToxiproxyError,
  type ICreateProxyBody,
  type ICreateToxicBody,
  type Latency,
  type Bandwidth,
  type Timeout,
  type Slicer,
  type Slowclose,
  type ToxicAttributeTypes,
} from 'toxiproxy-node-client';
import type {
  IPopulateProxiesBody,
  IUpdateProxyBody,
  IUpdateToxicBody,
} from 'toxiproxy-node-client/dist/interfaces.js';
import type { RunningProxyServer } from '../chaos/proxy/server.js';
import { serverVersion } from '../chaos/proxy/api.js';
import { echoServer, portOf, proxyServer, roundTrip, tcpConnect, type TcpServer } from './proxy-fixtures.js';

let server: RunningProxyServer;
let echo: TcpServer;
let toxiproxy: Toxiproxy;

before(async () => {
  server = await proxyServer();
  echo = await echoServer();
  toxiproxy = new Toxiproxy(server.url);
});

describe('toxiproxy-node-client against the kafka-sre proxy', () => {
  it('getVersion', async () => {
    assert.equal(await toxiproxy.getVersion(), `{"version": "${serverVersion}"}\n`);
  });

  it('createProxy, get, getAll', async () => {
    const body: ICreateProxyBody = { name: 'redis', listen: 'localhost:0', upstream: echo.address };
    const proxy = await toxiproxy.createProxy(body);
    assert.equal(proxy.name, 'redis');
    assert.equal(proxy.enabled, true);
    assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);
    await roundTrip(await tcpConnect(portOf(proxy.listen)));
    const again = await toxiproxy.get('redis');
    assert.deepEqual(again.toJson(), proxy.toJson());
    const all = await toxiproxy.getAll();
    assert.deepEqual(Object.keys(all), ['redis']);
    assert.equal(all.redis.upstream, echo.address);
  });

  it('throws ToxiproxyError for API errors (409, 404)', async () => {
    await assert.rejects(
      toxiproxy.createProxy({ name: 'redis', listen: 'localhost:0', upstream: echo.address }),
      (e: unknown) => e instanceof ToxiproxyError && /409/.test(e.message),
    );
    await assert.rejects(
      toxiproxy.get('missing'),
      (e: unknown) => e instanceof ToxiproxyError && /404/.test(e.message),
    );
  });

  it('addToxic, getToxic, toxic.update, toxic.remove — with measurable effect', async () => {
    const proxy = await toxiproxy.get('redis');
    const s = await tcpConnect(portOf(proxy.listen));
    const body: ICreateToxicBody<Latency> = {
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 300, jitter: 0 },
    };
    const toxic = await proxy.addToxic(body);
    assert.deepEqual(toxic.toJson(), body);
    assert.ok((await roundTrip(s)) >= 299, 'latency applied to the already open connection');
    const fetched = await proxy.getToxic<Latency>('slow');
    assert.deepEqual(fetched.toJson(), body);
    const update: IUpdateToxicBody<Latency> = { ...body, attributes: { latency: 10, jitter: 0 } };
    const updated = await fetched.update(update);
    assert.equal(updated.attributes.latency, 10);
    const rt = await roundTrip(s);
    assert.ok(rt >= 9 && rt < 299, `updated latency: ${rt}`);
    await updated.remove();
    await assert.rejects(proxy.getToxic('slow'), ToxiproxyError);
    assert.ok((await roundTrip(s)) < 299);
  });

  it('accepts every toxic type the client declares', async () => {
    const proxy = await toxiproxy.get('redis');
    const bodies: ICreateToxicBody<ToxicAttributeTypes>[] = [
      { name: 'bw', type: 'bandwidth', stream: 'upstream', toxicity: 0, attributes: { rate: 100 } satisfies Bandwidth },
      {
        name: 'sc',
        type: 'slow_close',
        stream: 'upstream',
        toxicity: 0,
        attributes: { delay: 10 } satisfies Slowclose,
      },
      { name: 'to', type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 10 } satisfies Timeout },
      {
        name: 'sl',
        type: 'slicer',
        stream: 'upstream',
        toxicity: 0,
        attributes: { average_size: 10, size_variation: 2, delay: 5 } satisfies Slicer,
      },
      { name: 'ld', type: 'limit_data', stream: 'upstream', toxicity: 0, attributes: { bytes: 10 } },
      { name: 'rp', type: 'reset_peer', stream: 'upstream', toxicity: 0, attributes: { timeout: 10 } },
    ];
    for (const b of bodies) assert.deepEqual((await proxy.addToxic(b)).toJson(), b);
    // toxicity 0: traffic flows unaffected
    await roundTrip(await tcpConnect(portOf(proxy.listen)), 'x'.repeat(20));
    for (const b of bodies) await (await proxy.getToxic(b.name)).remove();
  });

  it('proxy.update disables (closing the port) and re-enables', async () => {
    const proxy = await toxiproxy.get('redis');
    const body: IUpdateProxyBody = { enabled: false, listen: proxy.listen, upstream: proxy.upstream };
    const disabled = await proxy.update(body);
    assert.equal(disabled.enabled, false);
    await assert.rejects(tcpConnect(portOf(proxy.listen)), /ECONNREFUSED/);
    const enabled = await disabled.update({ ...body, enabled: true });
    assert.equal(enabled.enabled, true);
    assert.equal(enabled.listen, proxy.listen);
    await roundTrip(await tcpConnect(portOf(enabled.listen)));
  });

  it('populate and reset', async () => {
    const body: IPopulateProxiesBody = [
      { name: 'a', listen: 'localhost:0', upstream: echo.address },
      { name: 'b', listen: 'localhost:0', upstream: echo.address, enabled: false },
    ];
    const proxies = await toxiproxy.populate(body);
    assert.deepEqual(Object.keys(proxies).sort(), ['a', 'b']);
    assert.equal(proxies.b.enabled, false);
    await proxies.a.addToxic<Latency>({
      name: 'l',
      type: 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: { latency: 50, jitter: 0 },
    });
    await toxiproxy.reset();
    const after = await toxiproxy.getAll();
    assert.equal(after.b.enabled, true, 'reset enables every proxy');
    await assert.rejects(after.a.getToxic('l'), ToxiproxyError, 'reset removes every toxic');
  });

  it('proxy.remove', async () => {
    for (const p of Object.values(await toxiproxy.getAll())) await p.remove();
    assert.deepEqual(await toxiproxy.getAll(), {});
  });
});
