// test-budget: 30s
// The four admin endpoints behind the shared guard (common/admin-guard.ts), each a real HTTP
// server: the cluster launcher's API (over a launcher whose nodes are not started), a broker's
// /metrics server with its node admin routes, the Toxiproxy-compatible proxy API and the game-day
// webhook receiver. Browser-originated requests (Origin, Sec-Fetch-Site) and oversized bodies are
// refused; bound beyond loopback, each needs the token (and will not start without one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerSection } from '../common/config/index.js';
import { ADMIN_TOKEN_ENV, createLogger } from '../common/index.js';
import { startAdminApi } from '../broker/cluster/admin-api.js';
import { ClusterLauncher } from '../broker/cluster/launcher.js';
import { buildClusterSpec } from '../broker/cluster/spec.js';
import { BrokerMetrics } from '../broker/metrics/broker-metrics.js';
import { startMetricsServer } from '../broker/metrics/http.js';
import { startProxyServer } from '../chaos/proxy/server.js';
import { startWebhookReceiver } from '../chaos/verify/webhook.js';
import { freePort } from './support/ports.js';

const logger = createLogger({ level: 'silent' });
const TOKEN = 'adm1n-t0ken-for-tests';
const browser: Record<string, string>[] = [
  { origin: 'https://evil.example' },
  { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
  { 'sec-fetch-site': 'same-origin' },
];

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
}

/** Runs `fn` with KAFKA_SRE_ADMIN_TOKEN set (the guards read it when they are created). */
async function withToken<T>(fn: () => Promise<T>): Promise<T> {
  process.env[ADMIN_TOKEN_ENV] = TOKEN;
  try {
    return await fn();
  } finally {
    delete process.env[ADMIN_TOKEN_ENV];
  }
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const big = 'x'.repeat(20 * 1024 * 1024);

function launcher(): ClusterLauncher {
  const dataDir = mkdtempSync(join(tmpdir(), 'admin-endpoints-'));
  return new ClusterLauncher(buildClusterSpec(brokerSection.parse({ brokers: 3, dataDir, port: 0 })), logger);
}

test('launcher admin API: loopback, no browsers, capped body, token when set or beyond loopback', async () => {
  const api = await startAdminApi(launcher(), '127.0.0.1', 0, logger);
  try {
    assert.equal(await status(`${api.url}/nodes`), 200);
    for (const headers of browser)
      assert.equal(await status(`${api.url}/nodes/0/kill`, { method: 'POST', headers }), 403, JSON.stringify(headers));
    assert.equal(await status(`${api.url}/nodes/0/log-dir-capacity`, { method: 'PUT', body: big }), 413);
  } finally {
    api.server.close();
  }
  await assert.rejects(startAdminApi(launcher(), '0.0.0.0', 0, logger), /needs a token/);
  await withToken(async () => {
    const open = await startAdminApi(launcher(), '0.0.0.0', 0, logger);
    const port = (open.server.address() as { port: number }).port;
    try {
      assert.equal(await status(`http://127.0.0.1:${port}/nodes`), 401);
      assert.equal(await status(`http://127.0.0.1:${port}/nodes`, { headers: { authorization: 'Bearer nope' } }), 401);
      assert.equal(await status(`http://127.0.0.1:${port}/nodes`, { headers: bearer }), 200);
      assert.equal(await status(`http://127.0.0.1:${port}/nodes`, { headers: { ...bearer, origin: 'null' } }), 403);
    } finally {
      open.server.close();
    }
  });
});

test('broker node admin routes: PUT /admin/log-dir-capacity refused from a browser, oversized or without the token', async () => {
  const calls: (number | null)[] = [];
  const admin = { state: () => ({ calls }), setLogDirCapacity: (b: number | null) => void calls.push(b) };
  const put = (url: string, headers: Record<string, string> = {}, body = '{"bytes": 1000}') =>
    status(`${url}/admin/log-dir-capacity`, { method: 'PUT', headers, body });
  const m = await startMetricsServer(new BrokerMetrics(), '127.0.0.1', 0, admin);
  const url = `http://127.0.0.1:${m.port}`;
  try {
    assert.equal(await put(url), 200);
    for (const headers of browser) assert.equal(await put(url, headers), 403);
    assert.equal(await put(url, {}, big), 413);
    assert.equal(
      await status(`${url}/metrics`, { headers: { origin: 'https://grafana.example' } }),
      200,
      '/metrics stays open',
    );
    assert.deepEqual(calls, [1000]);
  } finally {
    m.server.close();
  }
  await assert.rejects(startMetricsServer(new BrokerMetrics(), '0.0.0.0', 0, admin), /needs a token/);
  await withToken(async () => {
    const t = await startMetricsServer(new BrokerMetrics(), '127.0.0.1', 0, admin);
    const u = `http://127.0.0.1:${t.port}`;
    try {
      assert.equal(await put(u), 401, 'a set token is asked for on loopback too');
      assert.equal(await put(u, bearer), 200);
    } finally {
      t.server.close();
    }
  });
  assert.deepEqual(calls, [1000, 1000]);
});

test('proxy API: browsers refused whatever their user agent, oversized body refused, token beyond loopback', async () => {
  const p = await startProxyServer({ host: '127.0.0.1', port: 0, logger });
  try {
    assert.equal(await status(`${p.url}/proxies`), 200);
    for (const headers of browser)
      assert.equal(
        await status(`${p.url}/reset`, { method: 'POST', headers: { ...headers, 'user-agent': 'curl/8' } }),
        403,
      );
    assert.equal(await status(`${p.url}/populate`, { method: 'POST', body: big }), 413);
  } finally {
    await p.close();
  }
  await assert.rejects(startProxyServer({ host: '0.0.0.0', port: 0, logger }), /needs a token/);
  await withToken(async () => {
    const open = await startProxyServer({ host: '0.0.0.0', port: 0, logger });
    try {
      assert.equal(await status(`http://127.0.0.1:${open.port}/proxies`), 401);
      assert.equal(await status(`http://127.0.0.1:${open.port}/proxies`, { headers: bearer }), 200);
    } finally {
      await open.close();
    }
  });
});

test('game-day webhook receiver: browsers and oversized bodies refused, token beyond loopback', async () => {
  const note = JSON.stringify({ receiver: 'drill', status: 'firing', alerts: [] });
  const post = (url: string, headers: Record<string, string> = {}, body = note) =>
    status(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const w = await startWebhookReceiver(`127.0.0.1:${await freePort()}`);
  try {
    assert.equal(await post(w.url), 200);
    for (const headers of browser) assert.equal(await post(w.url, headers), 403);
    assert.equal(await post(w.url, {}, big), 413);
    assert.equal(w.notifications.length, 1);
  } finally {
    await w.close();
  }
  await assert.rejects(startWebhookReceiver(`0.0.0.0:${await freePort()}`), /needs a token/);
  await withToken(async () => {
    const port = await freePort();
    const open = await startWebhookReceiver(`0.0.0.0:${port}`);
    try {
      assert.equal(await post(`http://127.0.0.1:${port}/`), 401);
      assert.equal(await post(`http://127.0.0.1:${port}/`, bearer), 200);
    } finally {
      await open.close();
    }
  });
});
