// The proxy server as a library: start it in-process (the CLI, `up` and the chaos runner use
// this), optionally populated with proxies, and close it cleanly.
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createLogger, type Logger } from '../../common/index.js';
import { joinHostPort } from './address.js';
import { adminGuard } from '../../common/index.js';
import { createApiHandler } from './api-router.js';
import { ApiError, toApiError } from './api-error.js';
import { parseBody } from './go-json.js';
import { createMetricsRegistry, ProxyTraffic } from './metrics.js';
import { ProxyCollection, type PopulateEntry } from './proxy-collection.js';
import type { ProxyJson } from './proxy.js';
import { makeRandom } from './random.js';

export interface ProxyServerOptions {
  /** API bind address (default 127.0.0.1; anything else must be asked for). */
  host?: string;
  /** API port (default 8474, Toxiproxy's; 0 picks a free one). */
  port?: number;
  /** Proxies to create before the API opens (Toxiproxy's -config). */
  populate?: PopulateEntry[];
  /** Serve toxiproxy_proxy_* byte counters on /metrics (Toxiproxy's -proxy-metrics). */
  proxyMetrics?: boolean;
  /** Serve Node runtime metrics on /metrics (Toxiproxy's -runtime-metrics, Node's equivalents). */
  runtimeMetrics?: boolean;
  /** Seed for toxicity rolls, jitter and slicing (replayable game days). */
  seed?: number;
  logger?: Logger;
}

export interface RunningProxyServer {
  /** e.g. http://127.0.0.1:8474 — what toxiproxy-node-client takes. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly collection: ProxyCollection;
  /** Create or replace proxies, as POST /populate does. */
  populate(entries: PopulateEntry[]): Promise<ProxyJson[]>;
  close(): Promise<void>;
}

export const defaultApiPort = 8474;
export const defaultApiHost = '127.0.0.1';

/** Read a Toxiproxy populate file: a JSON array of {name, listen, upstream, enabled?}. */
export async function readPopulateFile(file: string): Promise<PopulateEntry[]> {
  const text = await readFile(file, 'utf8');
  const raw = parseBody(text);
  if (!Array.isArray(raw))
    throw new Error(`${file}: expected a JSON array of proxies ({"name", "listen", "upstream", "enabled"})`);
  return raw.map((item: unknown, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new Error(`${file}: proxy ${i + 1} is not an object`);
    const o = item as Record<string, unknown>;
    for (const k of ['name', 'listen', 'upstream'] as const)
      if (o[k] !== undefined && typeof o[k] !== 'string')
        throw new Error(`${file}: proxy ${i + 1}: ${k} must be a string`);
    if (o.enabled !== undefined && typeof o.enabled !== 'boolean')
      throw new Error(`${file}: proxy ${i + 1}: enabled must be true or false`);
    return {
      name: (o.name as string) ?? '',
      listen: (o.listen as string) ?? '',
      upstream: (o.upstream as string) ?? '',
      enabled: o.enabled as boolean | undefined,
    };
  });
}

export async function startProxyServer(opts: ProxyServerOptions = {}): Promise<RunningProxyServer> {
  const logger = opts.logger ?? createLogger({ name: 'proxy' });
  const traffic = new ProxyTraffic();
  const collection = new ProxyCollection({ random: makeRandom(opts.seed), traffic, logger });
  const metrics = createMetricsRegistry(traffic, {
    proxyMetrics: opts.proxyMetrics ?? false,
    runtimeMetrics: opts.runtimeMetrics ?? false,
  });

  const populate = async (entries: PopulateEntry[]): Promise<ProxyJson[]> => {
    const r = await collection.populate(entries);
    if (r.error !== undefined) throw toApiError(r.error);
    return r.proxies.map((p) => p.toJSON());
  };
  if (opts.populate?.length) {
    try {
      await populate(opts.populate);
    } catch (e) {
      await collection.clear();
      throw e instanceof ApiError ? new Error(`populate: ${e.message}`) : e;
    }
  }

  const host = opts.host ?? defaultApiHost;
  // Toxiproxy clients cannot send a token: on loopback the browser check guards the API, beyond
  // loopback KAFKA_SRE_ADMIN_TOKEN must be set and is required.
  const guard = adminGuard({ name: 'proxy API', host, tokenOnLoopback: false, maxBodyBytes: 16 * 1024 * 1024 });
  const server: Server = createServer(
    { keepAliveTimeout: 60_000 },
    createApiHandler({ collection, metrics, logger }, guard),
  );
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: opts.port ?? defaultApiPort }, () => resolve());
    });
  } catch (e) {
    await collection.clear();
    throw e;
  }
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : 0;
  const url = `http://${joinHostPort(host, port)}`;
  logger.info({ url }, 'Toxiproxy-compatible API listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    collection,
    populate,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await collection.clear();
        await closed;
      })()),
  };
}
