// Request/response RPC between cluster nodes on the controller listener: newline-delimited JSON
// over TCP ({id, method, params} -> {id, result} | {id, error}). Raft votes and log replication
// and the brokers' requests to the active controller all use it. Small messages, few of them:
// metadata changes are rare next to client traffic, so clarity beats a binary format here.
//
// Authentication: with a cluster secret (every launcher-made cluster has one) each request is
// {id, method, p, ts, n, mac}: p the params as JSON text, ts the sender's clock (ms), n a random
// nonce (two nodes may send the same request in the same millisecond), mac the HMAC-SHA256 of
// "id ts n method p" under the secret. The server refuses (answers an error, then
// closes) a request without a valid mac, one whose ts is more than MAX_SKEW_MS away from its own
// clock, and a mac it has already seen in that window (a replay). Nodes share one machine's clock.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../../common/index.js';
import type { HostPort } from '../config.js';

export type RpcHandler = (method: string, params: unknown) => Promise<unknown>;

/** An error the remote side returned (with a Kafka error code when it has one). */
export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

const MAX_SKEW_MS = 30_000;
/** SASL_AUTHENTICATION_FAILED: what an unsigned or badly signed request is answered with. */
const UNAUTHENTICATED = 58;

function macOf(secret: string, id: number, ts: number, n: string, method: string, p: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(`${id} ${ts} ${n} ${method} ${p}`).digest();
}

/** Checks a signed request; returns its params, or a reason to refuse it. */
class RequestVerifier {
  private readonly seen = new Map<string, number>();

  constructor(private readonly secret: string) {}

  verify(m: {
    id: number;
    method: string;
    p?: unknown;
    ts?: unknown;
    n?: unknown;
    mac?: unknown;
  }): { params: unknown } | string {
    if (typeof m.p !== 'string' || typeof m.ts !== 'number' || typeof m.n !== 'string' || typeof m.mac !== 'string')
      return 'controller RPC without the cluster signature';
    const now = Date.now();
    if (Math.abs(now - m.ts) > MAX_SKEW_MS) return 'controller RPC timestamp out of range';
    const given = Buffer.from(m.mac, 'base64');
    const expected = macOf(this.secret, m.id, m.ts, m.n, m.method, m.p);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return 'controller RPC signature invalid';
    if (this.seen.has(m.mac)) return 'controller RPC replayed';
    this.seen.set(m.mac, m.ts);
    if (this.seen.size > 1024)
      for (const [mac, ts] of this.seen) if (Math.abs(now - ts) > MAX_SKEW_MS) this.seen.delete(mac);
    try {
      return { params: JSON.parse(m.p) as unknown };
    } catch {
      return 'controller RPC params are not JSON';
    }
  }
}

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string; code: number };
}

/** Splits a socket's text stream into lines and parses each as JSON; bad lines end the connection. */
function onJsonLines(socket: Socket, fn: (msg: unknown) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.length === 0) continue;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      fn(msg);
    }
    // A peer that never ends a line is not speaking this protocol.
    if (buffered.length > 64 * 1024 * 1024) socket.destroy();
  });
}

export class RpcServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private readonly verifier: RequestVerifier | null;

  constructor(
    private readonly handler: RpcHandler,
    private readonly logger: Logger,
    secret: string | null = null,
  ) {
    this.verifier = secret ? new RequestVerifier(secret) : null;
  }

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      onJsonLines(socket, (msg) => {
        const m = msg as { id?: unknown; method?: unknown; params?: unknown };
        if (typeof m.id !== 'number' || typeof m.method !== 'string') {
          socket.destroy();
          return;
        }
        const id = m.id;
        let params = m.params;
        if (this.verifier) {
          const checked = this.verifier.verify(m as { id: number; method: string });
          if (typeof checked === 'string') {
            this.logger.warn({ client: socket.remoteAddress, method: m.method }, `refused: ${checked}`);
            socket.end(JSON.stringify({ id, error: { message: checked, code: UNAUTHENTICATED } }) + '\n');
            return;
          }
          params = checked.params;
        }
        this.handler(m.method, params).then(
          (result) => socket.writable && socket.write(JSON.stringify({ id, result: result ?? null }) + '\n'),
          (e: unknown) => {
            const code =
              e instanceof Error && 'errorCode' in e && typeof e.errorCode === 'number'
                ? e.errorCode
                : e instanceof RpcError
                  ? e.code
                  : -1;
            if (code === -1) this.logger.warn({ err: e, method: m.method }, 'controller RPC failed');
            if (socket.writable)
              socket.write(JSON.stringify({ id, error: { message: (e as Error).message, code } }) + '\n');
          },
        );
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One peer: connects lazily, reconnects after failures; calls fail fast while the peer is down. */
export class RpcClient {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();
  private closed = false;

  constructor(
    private readonly address: HostPort,
    private readonly secret: string | null = null,
  ) {}

  private connect(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: this.address.host, port: this.address.port });
      s.setNoDelay(true);
      const fail = (e: Error) => {
        this.connecting = null;
        s.destroy();
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new Error(`connect to ${this.address.host}:${this.address.port} timed out`)),
        2000,
      );
      s.once('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.on('error', () => s.destroy());
        s.on('close', () => {
          if (this.socket === s) this.socket = null;
          for (const [id, p] of this.pending) {
            clearTimeout(p.timer);
            p.reject(new Error(`connection to ${this.address.host}:${this.address.port} closed`));
            this.pending.delete(id);
          }
        });
        onJsonLines(s, (msg) => {
          const r = msg as Reply;
          const p = this.pending.get(r.id);
          if (!p) return;
          this.pending.delete(r.id);
          clearTimeout(p.timer);
          if (r.error) p.reject(new RpcError(r.error.message, r.error.code));
          else p.resolve(r.result);
        });
        this.socket = s;
        this.connecting = null;
        if (this.closed) s.destroy();
        resolve(s);
      });
    });
    return this.connecting;
  }

  async call<T>(method: string, params: unknown, timeoutMs: number): Promise<T> {
    if (this.closed) throw new Error('client closed');
    const socket = await this.connect();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} to ${this.address.host}:${this.address.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, timer });
      if (this.secret) {
        const p = JSON.stringify(params ?? null);
        const ts = Date.now();
        const n = randomBytes(8).toString('base64');
        const mac = macOf(this.secret, id, ts, n, method, p).toString('base64');
        socket.write(JSON.stringify({ id, method, p, ts, n, mac }) + '\n');
      } else socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}
