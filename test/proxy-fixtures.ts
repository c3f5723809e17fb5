// Shared pieces for the proxy tests: an in-process proxy server, TCP servers to put behind it
// (echo, fixed-payload source, sink) and small socket helpers. Everything listens on 127.0.0.1
// port 0 and is closed by the test file's `after` hook.
import { after } from 'node:test';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createLogger } from '../common/logging.js';
import { startProxyServer, type ProxyServerOptions, type RunningProxyServer } from '../chaos/proxy/server.js';

export interface TcpServer {
  port: number;
  address: string;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A TCP server on 127.0.0.1:0 running `onConnection` per client; closed after the file. */
export async function tcpServer(onConnection: (s: Socket) => void): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('close', () => sockets.delete(s));
    onConnection(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(close);
  return { port, address: `127.0.0.1:${port}`, sockets, close };
}

export const echoServer = () => tcpServer((s) => s.pipe(s));

/** Writes `payload` to every client, then closes (or stays open when `keepOpen`). */
export const sourceServer = (payload: Buffer, keepOpen = false) =>
  tcpServer((s) => {
    if (keepOpen) s.write(payload);
    else s.end(payload);
  });

export async function proxyServer(opts: ProxyServerOptions = {}): Promise<RunningProxyServer> {
  const server = await startProxyServer({ port: 0, logger: createLogger({ level: 'silent' }), ...opts });
  cleanups.push(() => server.close());
  return server;
}

export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

export async function tcpConnect(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(s, 'connect');
  cleanups.push(async () => void s.destroy());
  return s;
}

/** Write `payload` and resolve with the ms until as many bytes came back. */
export async function roundTrip(s: Socket, payload: Buffer | string = 'ping'): Promise<number> {
  const size = Buffer.byteLength(payload);
  const start = performance.now();
  let got = 0;
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      got += d.length;
      if (got >= size) {
        cleanup();
        resolve(performance.now() - start);
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`connection ended after ${got} of ${size} bytes`));
    };
    const cleanup = () => {
      s.off('data', onData);
      s.off('close', onEnd);
    };
    s.on('data', onData);
    s.once('close', onEnd);
    s.write(payload);
  });
}

export interface Received {
  chunks: { size: number; at: number }[];
  total: number;
  /** ms from start until close (undefined: still open at the deadline). */
  closedAfter?: number;
  error?: NodeJS.ErrnoException;
}

/** Collect what a socket receives until it closes or `deadlineMs` passes. */
export function collect(s: Socket, deadlineMs: number): Promise<Received> {
  const start = performance.now();
  const r: Received = { chunks: [], total: 0 };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(r), deadlineMs);
    s.on('data', (d: Buffer) => {
      r.chunks.push({ size: d.length, at: performance.now() - start });
      r.total += d.length;
    });
    s.on('error', (e: NodeJS.ErrnoException) => (r.error = e));
    s.once('close', () => {
      r.closedAfter = performance.now() - start;
      clearTimeout(timer);
      resolve(r);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** JSON request against the proxy API. */
export async function api(
  server: RunningProxyServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: unknown; headers: Headers }> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Create a proxy in front of `upstream` and return its resolved port. */
export async function createProxy(server: RunningProxyServer, name: string, upstream: string): Promise<number> {
  const r = await api(server, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream });
  if (r.status !== 201) throw new Error(`create proxy: ${r.status} ${r.text}`);
  return portOf((r.json as { listen: string }).listen);
}

export async function addToxic(
  server: RunningProxyServer,
  proxy: string,
  toxic: Record<string, unknown>,
): Promise<void> {
  const r = await api(server, 'POST', `/proxies/${proxy}/toxics`, toxic);
  if (r.status !== 200) throw new Error(`add toxic: ${r.status} ${r.text}`);
}

/** Collect bytes from `s` until `length` arrived; `count()` tells how many so far. */
export function receiveBytes(s: Socket, length: number): { done: Promise<Buffer>; count(): number } {
  const received: Buffer[] = [];
  let got = 0;
  const done = new Promise<Buffer>((resolve) =>
    s.on('data', (d: Buffer) => {
      received.push(d);
      got += d.length;
      if (got >= length) resolve(Buffer.concat(received));
    }),
  );
  return { done, count: () => got };
}
