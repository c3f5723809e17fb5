// One proxy: a listener that accepts clients, dials the upstream for each, and joins them through
// the proxy's toxics (Toxiproxy's Proxy). Enabling listens; disabling closes the listener and
// every connection.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../common/index.js';
import { joinHostPort, resolveListen, resolvedListenString, splitHostPort } from './address.js';
import { Connection } from './connection.js';
import type { ProxyTraffic } from './metrics.js';
import { Mutex } from './mutex.js';
import { ReadBuffers } from './read-buffers.js';
import { ToxicCollection } from './toxic-collection.js';
import { toxicJson, type ToxicJson } from './toxic.js';

export interface ProxyEnv {
  random: () => number;
  traffic: ProxyTraffic;
  logger: Logger;
}

export interface ProxySettings {
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** Toxiproxy's JSON for a proxy. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

export class ProxyAlreadyStarted extends Error {
  constructor() {
    super('Proxy already started');
  }
}

/** Go's wording for listen failures ("listen tcp 127.0.0.1:80: bind: permission denied"). */
function listenError(address: string, e: NodeJS.ErrnoException): Error {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'bind: address already in use',
    EACCES: 'bind: permission denied',
    EADDRNOTAVAIL: 'bind: cannot assign requested address',
  };
  return new Error(`listen tcp ${address}: ${reasons[e.code ?? ''] ?? e.message}`);
}

export class Proxy {
  enabled = false;
  readonly toxics = new ToxicCollection();
  private server: Server | undefined;
  private connections = new Set<Connection>();
  private pending = new Set<Socket>();
  private readonly mutex = new Mutex();
  private readonly log: Logger;

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    private readonly env: ProxyEnv,
  ) {
    this.log = env.logger.child({ proxy: name });
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  /** Number of open proxied connections. */
  connectionCount(): number {
    return this.connections.size;
  }

  start(): Promise<void> {
    return this.mutex.run(() => this.startLocked());
  }

  stop(): Promise<void> {
    return this.mutex.run(() => this.stopLocked());
  }

  /** Apply a listen/upstream/enabled change (restarts the listener when an address changes). */
  update(input: ProxySettings): Promise<void> {
    return this.mutex.run(async () => {
      if (await this.differs(input)) {
        await this.stopLocked();
        this.listen = input.listen;
        this.upstream = input.upstream;
      }
      if (input.enabled !== this.enabled) {
        if (input.enabled) await this.startLocked();
        else await this.stopLocked();
      }
    });
  }

  /** Whether `other` names a different listen address (after resolving) or upstream. */
  async differs(other: { listen: string; upstream: string }): Promise<boolean> {
    return this.listen !== (await resolvedListenString(other.listen)) || this.upstream !== other.upstream;
  }

  private async startLocked(): Promise<void> {
    if (this.enabled) throw new ProxyAlreadyStarted();
    const { host, port } = await resolveListen(this.listen);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) =>
      this.accept(client),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(joinHostPort(host, port), e)));
      server.listen({ host, port, exclusive: true }, () => resolve());
    });
    server.on('error', (e) => this.log.warn({ err: e }, 'listener error'));
    const addr = server.address();
    if (addr && typeof addr === 'object') this.listen = joinHostPort(addr.address, addr.port);
    this.server = server;
    this.enabled = true;
    this.log.info({ listen: this.listen, upstream: this.upstream }, 'started proxy');
  }

  private async stopLocked(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.pending) s.destroy();
    this.pending.clear();
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    await closed;
    this.log.info('terminated proxy');
  }

  private accept(client: Socket): void {
    client.on('error', () => client.destroy());
    let target: { host: string; port: number };
    try {
      const hp = splitHostPort(this.upstream);
      target = { host: hp.host || 'localhost', port: hp.port };
    } catch (e) {
      this.log.error({ err: e }, 'unable to open connection to upstream');
      client.destroy();
      return;
    }
    const reads = new ReadBuffers();
    const upstream = connect({ ...target, allowHalfOpen: true, noDelay: true, onread: reads.socketOption() });
    this.pending.add(client);
    this.pending.add(upstream);
    const listenerAtAccept = this.listen;
    upstream.once('error', (e) => {
      this.log.error({ err: e, client: client.remoteAddress }, 'unable to open connection to upstream');
      this.pending.delete(client);
      this.pending.delete(upstream);
      client.destroy();
      upstream.destroy();
    });
    upstream.once('connect', () => {
      this.pending.delete(client);
      this.pending.delete(upstream);
      if (!this.enabled || client.destroyed) {
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.removeAllListeners('error');
      const conn = new Connection(
        client,
        upstream,
        {
          random: this.env.random,
          counts: (direction) => this.env.traffic.counts(direction, this.name, listenerAtAccept, this.upstream),
          chain: (direction) => this.toxics.chain(direction),
          register: (links) => this.toxics.register(links),
          closed: (c) => this.connections.delete(c),
        },
        reads,
      );
      this.connections.add(conn);
      conn.start();
    });
  }
}
