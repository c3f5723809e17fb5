// A proxied TCP connection: the client socket, the upstream socket and the two links between
// them. Like Toxiproxy, when one direction's stream ends its destination is closed completely,
// and the other direction then ends too (no half-open connections through the proxy).
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Link, type LinkHost } from './link.js';
import type { ByteCounts } from './metrics.js';
import type { ReadBuffers } from './read-buffers.js';
import type { Direction, ToxicDefinition } from './toxic.js';

export interface ConnectionEnv {
  random: () => number;
  counts(direction: Direction): ByteCounts;
  chain(direction: Direction): readonly ToxicDefinition[];
  /** Register live links with the proxy's toxics; returns the unregister function. */
  register(links: Link[]): () => void;
  closed(conn: Connection): void;
}

export class Connection implements LinkHost {
  private reset = false;
  private openSockets = 2;
  readonly links: Link[];

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    private readonly env: ConnectionEnv,
    /** The upstream socket's `onread` buffers, when it was opened with them. */
    upstreamReads?: ReadBuffers,
  ) {
    this.links = [
      new Link('upstream', client, upstream, env.counts('upstream'), this),
      new Link('downstream', upstream, client, env.counts('downstream'), this, upstreamReads),
    ];
  }

  get random(): () => number {
    return this.env.random;
  }

  now(): number {
    return performance.now();
  }

  start(): void {
    const unregister = this.env.register(this.links);
    const onClose = () => {
      if (--this.openSockets > 0) return;
      unregister();
      this.env.closed(this);
    };
    for (const s of [this.client, this.upstream]) {
      s.on('error', () => s.destroy());
      s.once('close', onClose);
    }
    this.links[0].start(this.env.chain('upstream'));
    this.links[1].start(this.env.chain('downstream'));
    this.client.resume();
  }

  resetOnClose(): void {
    this.reset = true;
  }

  endOfStream(dest: Socket): void {
    if (this.reset) return this.resetSocket(dest);
    // Flush what was written, then close fully (Go's Close after the last write).
    dest.end(() => dest.destroy());
  }

  private resetSocket(s: Socket): void {
    if (s.destroyed) return;
    try {
      s.resetAndDestroy();
    } catch {
      s.destroy();
    }
  }

  /** Proxy disabled or removed: drop both sides now. */
  destroy(): void {
    for (const s of [this.client, this.upstream]) {
      if (this.reset) this.resetSocket(s);
      else s.destroy();
    }
  }
}
