// Request/response RPC between cluster nodes on the controller listener: newline-delimited JSON
// over TCP ({id, method, params} -> {id, result} | {id, error}). Raft votes and log replication
// and the brokers' requests to the active controller all use it. Small messages, few of them:
// metadata changes are rare next to client traffic, so clarity beats a binary format here.
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

  constructor(
    private readonly handler: RpcHandler,
    private readonly logger: Logger,
  ) {}

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
        this.handler(m.method, m.params).then(
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

  constructor(private readonly address: HostPort) {}

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
      socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}
