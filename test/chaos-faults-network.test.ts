// Every proxy-based fault type against our real Toxiproxy-compatible server, through the runner's
// fault implementations (toxiproxy-node-client underneath): inject puts the right toxic (or
// disables the proxy) and rollback leaves the proxy exactly as it was.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Toxiproxy } from 'toxiproxy-node-client';
import { parseSpec } from '../chaos/schema/parse.js';
import { defaultFaultRegistry } from '../chaos/faults/registry.js';
import type { FaultContext, ResolvedTarget } from '../chaos/faults/types.js';
import { echoServer, proxyServer, roundTrip, tcpConnect } from './proxy-fixtures.js';

let tp: Toxiproxy;
let ctx: FaultContext;
let listen: number;

before(async () => {
  const [echo, proxy] = await Promise.all([echoServer(), proxyServer()]);
  tp = new Toxiproxy(proxy.url);
  for (const l of ['client', 'replication', 'controller'])
    await tp.createProxy({ name: `broker1-${l}`, listen: '127.0.0.1:0', upstream: echo.address });
  listen = Number((await tp.get('broker1-client')).listen.split(':').pop());
  const target: ResolvedTarget = {
    id: 't',
    bootstrapServers: ['127.0.0.1:9'],
    prometheusUrl: 'http://127.0.0.1:9',
    proxyApiUrl: proxy.url,
    proxyNaming: 'broker{broker}-{listener}',
  };
  const fail = () => {
    throw new Error('not used');
  };
  ctx = { target, proxy: () => tp, launcher: fail, admin: fail, load: fail };
});

function faultFrom(yaml: string) {
  const { spec } = parseSpec(`version: 1
name: t
target: { kind: existing, bootstrapServers: [127.0.0.1:9], prometheusUrl: http://127.0.0.1:9 }
faults:
${yaml}`);
  return defaultFaultRegistry().create(spec.faults[0]);
}

async function state() {
  // Raw GET /proxies: the client's Proxy objects do not carry their toxics.
  const all = (await (await fetch(`${tp.host}/proxies`)).json()) as Record<
    string,
    {
      name: string;
      enabled: boolean;
      toxics: { name: string; type: string; stream: string; attributes: Record<string, number> }[];
    }
  >;
  return Object.fromEntries(
    Object.values(all).map((p) => [
      p.name,
      {
        enabled: p.enabled,
        toxics: p.toxics.map((t) => ({ name: t.name, type: t.type, stream: t.stream, attributes: t.attributes })),
      },
    ]),
  );
}

const cases: [string, string, { type: string; attributes: Record<string, number> }[]][] = [
  [
    'network-latency',
    'params: { latency: 100, jitter: 10 }',
    [{ type: 'latency', attributes: { latency: 100, jitter: 10 } }],
  ],
  [
    'network-bandwidth',
    'params: { rate: 5, stream: both }',
    [
      { type: 'bandwidth', attributes: { rate: 5 } },
      { type: 'bandwidth', attributes: { rate: 5 } },
    ],
  ],
  ['network-reset', 'params: { timeout: 10 }', [{ type: 'reset_peer', attributes: { timeout: 10 } }]],
  ['network-timeout', 'params: { timeout: 0 }', [{ type: 'timeout', attributes: { timeout: 0 } }]],
  [
    'network-slicer',
    'params: { averageSize: 10, sizeVariation: 2, delayUs: 50 }',
    [{ type: 'slicer', attributes: { average_size: 10, size_variation: 2, delay: 50 } }],
  ],
  ['network-limit-data', 'params: { bytes: 1000 }', [{ type: 'limit_data', attributes: { bytes: 1000 } }]],
];

for (const [type, params, expected] of cases) {
  test(`${type} adds its toxic to the broker's proxy and rollback removes it`, async () => {
    const before = await state();
    const fault = faultFrom(
      `  - type: ${type}\n    target: { broker: 1, listener: client }\n    duration: 5s\n    ${params}\n`,
    );
    const handle = await fault.inject(ctx);
    const during = await state();
    assert.deepEqual(
      during['broker1-client'].toxics.map((t) => ({ type: t.type, attributes: t.attributes })),
      expected,
    );
    assert.ok(during['broker1-client'].toxics.every((t) => t.name.startsWith(`gameday-${type}-0-`)));
    await handle.rollback();
    assert.deepEqual(await state(), before);
  });
}

test('network-latency measurably slows a round trip through the proxy', async () => {
  const fault = faultFrom(
    '  - type: network-latency\n    target: { proxy: broker1-client }\n    duration: 5s\n    params: { latency: 150 }\n',
  );
  const sock = await tcpConnect(listen);
  const base = Date.now();
  await roundTrip(sock, Buffer.from('ping'));
  const fast = Date.now() - base;
  const handle = await fault.inject(ctx);
  const t0 = Date.now();
  await roundTrip(sock, Buffer.from('ping'));
  const slow = Date.now() - t0;
  await handle.rollback();
  sock.destroy();
  assert.ok(slow >= 140 && slow > fast, `round trip ${slow} ms with the toxic, ${fast} ms without`);
});

test('network-partition disables the proxy (connections refused) until rollback', async () => {
  const fault = faultFrom(
    '  - type: network-partition\n    target: { broker: 1, listener: client }\n    duration: 5s\n',
  );
  const handle = await fault.inject(ctx);
  assert.equal((await state())['broker1-client'].enabled, false);
  await assert.rejects(tcpConnect(listen), /ECONNREFUSED/);
  await handle.rollback();
  assert.equal((await state())['broker1-client'].enabled, true);
  const sock = await tcpConnect(listen);
  sock.destroy();
});

test('broker-isolate cuts replication and controller listeners but not the client one; replication-cut only replication', async () => {
  const iso = await faultFrom('  - type: broker-isolate\n    target: { broker: 1 }\n    duration: 5s\n').inject(ctx);
  let s = await state();
  assert.deepEqual(
    [s['broker1-client'].enabled, s['broker1-replication'].enabled, s['broker1-controller'].enabled],
    [true, false, false],
  );
  await iso.rollback();
  const cut = await faultFrom('  - type: replication-cut\n    target: { broker: 1 }\n    duration: 5s\n').inject(ctx);
  s = await state();
  assert.deepEqual(
    [s['broker1-client'].enabled, s['broker1-replication'].enabled, s['broker1-controller'].enabled],
    [true, false, true],
  );
  await cut.rollback();
  s = await state();
  assert.ok(Object.values(s).every((p) => p.enabled));
});

test('cleanup of a leftover is idempotent: nothing to undo is fine', async () => {
  const registry = defaultFaultRegistry();
  await registry
    .factory('network-latency')
    .cleanup(
      { fault: 'x', type: 'network-latency', data: { proxies: ['broker1-client'], toxics: ['gameday-x-downstream'] } },
      ctx,
    );
  await registry
    .factory('network-partition')
    .cleanup(
      { fault: 'y', type: 'network-partition', data: { proxies: ['broker1-client', 'no-such-proxy'], disabled: true } },
      ctx,
    );
});
