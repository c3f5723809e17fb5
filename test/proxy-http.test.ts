// Raw HTTP against the proxy API: Toxiproxy's status codes, JSON shapes, defaults and error
// bodies, byte for byte where Toxiproxy's Go server is byte-exact.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import type { RunningProxyServer } from '../chaos/proxy/server.js';
import { serverVersion } from '../chaos/proxy/api.js';
import { api, echoServer, portOf, proxyServer, tcpConnect, roundTrip, type TcpServer } from './proxy-fixtures.js';

let server: RunningProxyServer;
let echo: TcpServer;

before(async () => {
  server = await proxyServer({ proxyMetrics: true });
  echo = await echoServer();
});

/** Go's http.Error: JSON text, newline, text/plain. */
function assertApiError(r: { status: number; text: string; headers: Headers }, status: number, error: string) {
  assert.equal(r.status, status);
  assert.equal(r.text, JSON.stringify({ error, status }) + '\n');
  assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
}

describe('proxies', () => {
  it('creates a proxy: 201, listen port 0 resolved, enabled by default, no toxics', async () => {
    const r = await api(server, 'POST', '/proxies', { name: 'one', listen: 'localhost:0', upstream: echo.address });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-type'), 'application/json');
    const body = r.json as { listen: string };
    assert.match(body.listen, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(portOf(body.listen), 0);
    assert.equal(
      r.text,
      JSON.stringify({ name: 'one', listen: body.listen, upstream: echo.address, enabled: true, toxics: [] }),
    );
    await roundTrip(await tcpConnect(portOf(body.listen))); // relays at once
  });

  it('binds loopback when the listen address names no host', async () => {
    const r = await api(server, 'POST', '/proxies', { name: 'nohost', listen: ':0', upstream: echo.address });
    assert.match((r.json as { listen: string }).listen, /^127\.0\.0\.1:\d+$/);
  });

  it('creates a disabled proxy without listening; its address stays as given', async () => {
    const r = await api(server, 'POST', '/proxies', {
      name: 'off',
      listen: '127.0.0.1:0',
      upstream: echo.address,
      enabled: false,
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json, {
      name: 'off',
      listen: '127.0.0.1:0',
      upstream: echo.address,
      enabled: false,
      toxics: [],
    });
  });

  it('rejects duplicates, missing fields and bad bodies with Toxiproxy errors', async () => {
    assertApiError(
      await api(server, 'POST', '/proxies', { name: 'one', listen: '127.0.0.1:0', upstream: echo.address }),
      409,
      'proxy already exists',
    );
    assertApiError(
      await api(server, 'POST', '/proxies', { listen: '127.0.0.1:0', upstream: echo.address }),
      400,
      'missing required field: name',
    );
    assertApiError(
      await api(server, 'POST', '/proxies', { name: 'x', listen: '127.0.0.1:0' }),
      400,
      'missing required field: upstream',
    );
    assertApiError(await api(server, 'POST', '/proxies', ''), 400, 'bad request body: EOF');
    assertApiError(
      await api(server, 'POST', '/proxies', { name: 5, upstream: 'a:1' }),
      400,
      'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string',
    );
    const bad = await api(server, 'POST', '/proxies', '{nope');
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: string }).error, /^bad request body: /);
  });

  it("reports a listen failure as 500 with Go's message", async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      assertApiError(
        await api(server, 'POST', '/proxies', { name: 'busy', listen: `127.0.0.1:${port}`, upstream: echo.address }),
        500,
        `listen tcp 127.0.0.1:${port}: bind: address already in use`,
      );
      assertApiError(await api(server, 'GET', '/proxies/busy'), 404, 'proxy not found');
    } finally {
      blocker.close();
    }
  });

  it('matches field names case-insensitively, like encoding/json', async () => {
    const r = await api(server, 'POST', '/proxies', { Name: 'cased', Listen: '127.0.0.1:0', UPSTREAM: echo.address });
    assert.equal(r.status, 201);
    assert.equal((r.json as { name: string }).name, 'cased');
  });

  it('lists proxies as a map sorted by name', async () => {
    const r = await api(server, 'GET', '/proxies');
    assert.equal(r.status, 200);
    const names = Object.keys(r.json as object);
    assert.ok(names.includes('one') && names.includes('off'));
    const order = [...r.text.matchAll(/"name":"([^"]+)"/g)].map((m) => m[1]).filter((n, i, a) => a.indexOf(n) === i);
    assert.deepEqual(order, [...order].sort());
  });

  it('shows, updates (POST and PATCH) and deletes a proxy', async () => {
    const shown = await api(server, 'GET', '/proxies/one');
    assert.equal(shown.status, 200);
    const listen = (shown.json as { listen: string }).listen;
    const off = await api(server, 'PATCH', '/proxies/one', { enabled: false });
    assert.equal(off.status, 200);
    assert.deepEqual(off.json, { name: 'one', listen, upstream: echo.address, enabled: false, toxics: [] });
    const on = await api(server, 'POST', '/proxies/one', { enabled: true });
    assert.deepEqual(on.json, { name: 'one', listen, upstream: echo.address, enabled: true, toxics: [] });
    const moved = await api(server, 'PATCH', '/proxies/one', { listen: '127.0.0.1:0' });
    assert.notEqual((moved.json as { listen: string }).listen, listen, 'a new listen address restarts the listener');
    assertApiError(await api(server, 'PATCH', '/proxies/nope', { enabled: false }), 404, 'proxy not found');
    assertApiError(
      await api(server, 'PATCH', '/proxies/one', '[1]'),
      400,
      'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy',
    );
    const del = await api(server, 'DELETE', '/proxies/cased');
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assertApiError(await api(server, 'DELETE', '/proxies/cased'), 404, 'proxy not found');
  });
});

describe('toxics', () => {
  before(async () => {
    await api(server, 'POST', '/proxies', { name: 'tx', listen: '127.0.0.1:0', upstream: echo.address });
  });

  it('creates a toxic with Toxiproxy defaults: name <type>_<stream>, downstream, toxicity 1, zero attributes', async () => {
    const r = await api(server, 'POST', '/proxies/tx/toxics', { type: 'latency' });
    assert.equal(r.status, 200);
    assert.equal(
      r.text,
      '{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    );
  });

  it('keeps the stream as spelled and lists upstream toxics first', async () => {
    const r = await api(server, 'POST', '/proxies/tx/toxics', {
      type: 'bandwidth',
      stream: 'UpStream',
      toxicity: 0.3,
      attributes: { rate: 10, unknown: 1 },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      attributes: { rate: 10 },
      name: 'bandwidth_UpStream',
      type: 'bandwidth',
      stream: 'UpStream',
      toxicity: 0.3,
    });
    const list = await api(server, 'GET', '/proxies/tx/toxics');
    assert.deepEqual(
      (list.json as { name: string }[]).map((t) => t.name),
      ['bandwidth_UpStream', 'latency_downstream'],
    );
    const proxy = await api(server, 'GET', '/proxies/tx');
    assert.equal((proxy.json as { toxics: unknown[] }).toxics.length, 2);
  });

  it('has every Toxiproxy toxic type with its attribute names', async () => {
    const expected: Record<string, string[]> = {
      latency: ['latency', 'jitter'],
      bandwidth: ['rate'],
      slow_close: ['delay'],
      timeout: ['timeout'],
      reset_peer: ['timeout'],
      slicer: ['average_size', 'size_variation', 'delay'],
      limit_data: ['bytes'],
      noop: [],
    };
    for (const [type, fields] of Object.entries(expected)) {
      const r = await api(server, 'POST', '/proxies/tx/toxics', {
        type,
        name: `all_${type}`,
        stream: 'upstream',
        toxicity: 0,
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys((r.json as { attributes: object }).attributes), fields);
    }
  });

  it('rejects invalid toxics with Toxiproxy errors', async () => {
    assertApiError(await api(server, 'POST', '/proxies/tx/toxics', { type: 'nope' }), 400, 'invalid toxic type');
    assertApiError(
      await api(server, 'POST', '/proxies/tx/toxics', { type: 'latency', stream: 'sideways' }),
      400,
      'stream was invalid, can be either upstream or downstream',
    );
    assertApiError(await api(server, 'POST', '/proxies/tx/toxics', { type: 'latency' }), 409, 'toxic already exists');
    assertApiError(await api(server, 'POST', '/proxies/nope/toxics', { type: 'latency' }), 404, 'proxy not found');
    assertApiError(await api(server, 'POST', '/proxies/tx/toxics', ''), 400, 'bad request body: EOF');
    const frac = await api(server, 'POST', '/proxies/tx/toxics', {
      type: 'latency',
      name: 'frac',
      attributes: { latency: 1.5 },
    });
    assert.equal(frac.status, 400);
    assert.match(
      (frac.json as { error: string }).error,
      /^bad request body: json: cannot unmarshal number 1\.5 into Go struct field .*latency of type int64$/,
    );
    assertApiError(await api(server, 'GET', '/proxies/tx/toxics/nope'), 404, 'toxic not found');
    assertApiError(await api(server, 'PATCH', '/proxies/tx/toxics/nope', { toxicity: 1 }), 404, 'toxic not found');
    assertApiError(await api(server, 'DELETE', '/proxies/tx/toxics/nope'), 404, 'toxic not found');
  });

  it('merges attributes on update (POST and PATCH) and keeps toxicity unless given', async () => {
    await api(server, 'PATCH', '/proxies/tx/toxics/latency_downstream', { attributes: { latency: 100, jitter: 10 } });
    const r = await api(server, 'POST', '/proxies/tx/toxics/latency_downstream', {
      attributes: { jitter: 5 },
      name: 'ignored',
      type: 'ignored',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      attributes: { latency: 100, jitter: 5 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
    const t = await api(server, 'PATCH', '/proxies/tx/toxics/latency_downstream', { toxicity: 0.25 });
    assert.deepEqual(t.json, {
      attributes: { latency: 100, jitter: 5 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 0.25,
    });
    assert.deepEqual((await api(server, 'GET', '/proxies/tx/toxics/latency_downstream')).json, t.json);
  });

  it('deletes a toxic with 204', async () => {
    const r = await api(server, 'DELETE', '/proxies/tx/toxics/latency_downstream');
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
  });
});

describe('populate and reset', () => {
  it('creates proxies with 201 and {"proxies": [...]}, enabled unless told otherwise', async () => {
    const r = await api(server, 'POST', '/populate', [
      { name: 'p1', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p2', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]);
    assert.equal(r.status, 201);
    const proxies = (r.json as { proxies: { name: string; enabled: boolean; listen: string }[] }).proxies;
    assert.deepEqual(
      proxies.map((p) => [p.name, p.enabled]),
      [
        ['p1', true],
        ['p2', false],
      ],
    );
    assert.deepEqual(Object.keys(r.json as object), ['proxies']);
  });

  it('keeps an unchanged proxy (and its toxics), replaces a changed one', async () => {
    const p1 = (await api(server, 'GET', '/proxies/p1')).json as { listen: string };
    await api(server, 'POST', '/proxies/p1/toxics', { type: 'noop' });
    const r = await api(server, 'POST', '/populate', [{ name: 'p1', listen: p1.listen, upstream: echo.address }]);
    assert.equal(r.status, 201);
    assert.equal((r.json as { proxies: { toxics: unknown[] }[] }).proxies[0].toxics.length, 1);
    const replaced = await api(server, 'POST', '/populate', [
      { name: 'p1', listen: '127.0.0.1:0', upstream: echo.address },
    ]);
    assert.equal((replaced.json as { proxies: { toxics: unknown[] }[] }).proxies[0].toxics.length, 0);
  });

  it('answers an empty list with {"proxies":null}', async () => {
    const r = await api(server, 'POST', '/populate', []);
    assert.equal(r.status, 201);
    assert.equal(r.text, '{"proxies":null}');
  });

  it('reports errors inside the populate body', async () => {
    const r = await api(server, 'POST', '/populate', [
      { name: 'ok', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'bad', listen: '127.0.0.1:0' },
    ]);
    assert.equal(r.status, 400);
    assert.equal(r.text, '{"error":"missing required field: upstream at proxy 2","status":400,"proxies":null}');
    assert.equal((await api(server, 'GET', '/proxies/ok')).status, 404, 'nothing created when validation fails');
    const notArray = await api(server, 'POST', '/populate', { name: 'x' });
    assert.equal(notArray.status, 400);
    assert.match((notArray.json as { error: string }).error, /^bad request body: json: cannot unmarshal object/);
  });

  it('reset enables every proxy and removes every toxic (204)', async () => {
    await api(server, 'PATCH', '/proxies/p1', { enabled: false });
    await api(server, 'POST', '/proxies/p1/toxics', { type: 'latency', attributes: { latency: 10 } });
    const r = await api(server, 'POST', '/reset');
    assert.equal(r.status, 204);
    const all = (await api(server, 'GET', '/proxies')).json as Record<string, { enabled: boolean; toxics: unknown[] }>;
    for (const [name, p] of Object.entries(all)) {
      assert.equal(p.enabled, true, name);
      assert.equal(p.toxics.length, 0, name);
    }
  });
});

describe('server endpoints and middleware', () => {
  it('/version answers like Toxiproxy', async () => {
    const r = await api(server, 'GET', '/version');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json;charset=utf-8');
    assert.equal(r.text, `{"version": "${serverVersion}"}\n`);
  });

  it('sets a fresh X-Toxiproxy-Request-Id on every API response', async () => {
    const a = (await api(server, 'GET', '/proxies')).headers.get('x-toxiproxy-request-id');
    const b = (await api(server, 'GET', '/proxies/nope')).headers.get('x-toxiproxy-request-id');
    assert.match(a ?? '', /^[0-9a-v]{20}$/);
    assert.match(b ?? '', /^[0-9a-v]{20}$/);
    assert.notEqual(a, b);
  });

  it('answers unknown paths 404 and wrong methods 405 like gorilla/mux', async () => {
    const r = await api(server, 'GET', '/nothing');
    assert.equal(r.status, 404);
    assert.equal(r.text, '404 page not found\n');
    const m = await api(server, 'PUT', '/proxies');
    assert.equal(m.status, 405);
    assert.equal(m.text, '');
  });

  it('refuses browsers (403), as Toxiproxy does against CSRF', async () => {
    const res = await fetch(server.url + '/proxies', { headers: { 'User-Agent': 'Mozilla/5.0' } });
    assert.equal(res.status, 403);
    assert.equal(await res.text(), 'User agent not allowed\n');
  });

  it('serves toxiproxy_proxy_{received,sent}_bytes_total with Toxiproxy labels', async () => {
    const p = (await api(server, 'GET', '/proxies/p1')).json as { listen: string };
    await roundTrip(await tcpConnect(portOf(p.listen)), 'hello');
    const text = (await api(server, 'GET', '/metrics')).text;
    const labels = `direction="upstream",proxy="p1",listener="${p.listen}",upstream="${echo.address}"`;
    assert.match(text, new RegExp(`toxiproxy_proxy_received_bytes_total\\{${labels.replace(/[.]/g, '\\.')}\\} 5`));
    assert.match(text, /toxiproxy_proxy_sent_bytes_total\{direction="downstream",proxy="p1"/);
  });

  it('has no /metrics unless metrics are enabled', async () => {
    const plain = await proxyServer();
    assert.equal((await api(plain, 'GET', '/metrics')).status, 404);
  });
});
