// One toxic on one connection direction: a bounded input queue and the toxic's pipe loop
// (Toxiproxy's ToxicStub). Stages are chained; the last one feeds the destination socket.
import type { Chunk, Received, ToxicStub } from './toxics/types.js';
import { INTERRUPTED, TIMED_OUT } from './toxics/types.js';
import { passThrough } from './toxics/noop.js';
import type { ToxicDefinition } from './toxic.js';

/** Anything chunks can be handed to: a stage or the socket at the end of a link. */
export interface ChunkTarget {
  /** Hand over a chunk (null = end of stream). False: the sender should wait for `room()`. */
  push(item: Chunk | null): boolean;
  /** Resolves when the target can take more (at once if it can, or if it is closed). */
  room(): Promise<void>;
}

export interface StageHost {
  readonly random: () => number;
  resetOnClose(): void;
  now(): number;
}

export class Stage implements ChunkTarget, ToxicStub {
  private queue: (Chunk | null)[] = [];
  private queuedBytes = 0;
  private roomWaiters: (() => void)[] = [];
  private wake: (() => void) | undefined;
  private interruptRequested = false;
  private running: Promise<void> = Promise.resolve();
  /** This stage has ended its output; it discards whatever still arrives. */
  closed = false;
  /** Whether the toxicity roll made the toxic act on this connection. */
  active = false;
  readonly state: Record<string, number> = {};

  constructor(
    readonly toxic: ToxicDefinition,
    public next: ChunkTarget,
    private readonly host: StageHost,
  ) {}

  get random(): () => number {
    return this.host.random;
  }

  now(): number {
    return this.host.now();
  }

  /** (Re)start the toxic's loop; toxicity is rolled per connection at each start. */
  start(toxic: ToxicDefinition = this.toxic): void {
    this.active = this.host.random() < toxic.toxicity;
    const run = this.active ? toxic.kind.pipe(this, toxic.attributes) : passThrough(this);
    this.running = run.catch(() => this.close());
  }

  /** Stop the loop so the toxic can be updated or removed. False if the stage already closed. */
  async interrupt(): Promise<boolean> {
    if (this.closed) return false;
    this.interruptRequested = true;
    this.wake?.();
    await this.running;
    this.interruptRequested = false;
    return !this.closed;
  }

  // ---- ChunkTarget (the previous stage or the source socket pushes here)
  push(item: Chunk | null): boolean {
    if (this.closed) return true;
    this.queue.push(item);
    if (item) this.queuedBytes += item.data.length;
    this.wake?.();
    return this.hasRoom();
  }

  room(): Promise<void> {
    if (this.hasRoom() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private hasRoom(): boolean {
    const cap = this.toxic.kind.buffer;
    return this.queue.length < cap.chunks && this.queuedBytes < cap.bytes;
  }

  /** Wake everyone waiting for room (after draining, closing or leaving the chain). */
  releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private take(): Chunk | null {
    const item = this.queue.shift() as Chunk | null;
    if (item) this.queuedBytes -= item.data.length;
    if (this.roomWaiters.length && this.hasRoom()) this.releaseWaiters();
    return item;
  }

  /** Everything still queued, in order (when the stage leaves the chain). */
  drain(): (Chunk | null)[] {
    const items = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    return items;
  }

  // ---- ToxicStub (the toxic's pipe calls these)
  recv(): Promise<Received>;
  recv(ms: number): Promise<Received | typeof TIMED_OUT>;
  recv(ms?: number): Promise<Received | typeof TIMED_OUT> {
    if (this.interruptRequested) return Promise.resolve(INTERRUPTED);
    if (this.queue.length) return Promise.resolve(this.take());
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wake = () => {
        this.wake = undefined;
        if (timer) clearTimeout(timer);
        resolve(this.interruptRequested ? INTERRUPTED : this.take());
      };
      if (ms !== undefined)
        timer = setTimeout(() => {
          this.wake = undefined;
          resolve(TIMED_OUT);
        }, ms);
    });
  }

  unrecv(item: Chunk | null): void {
    this.queue.unshift(item);
    if (item) this.queuedBytes += item.data.length;
  }

  async send(chunk: Chunk): Promise<void> {
    if (this.closed) return;
    if (!this.next.push(chunk)) await this.next.room();
  }

  sleep(ms: number): Promise<boolean> {
    if (this.interruptRequested) return Promise.resolve(false);
    if (!(ms > 0)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(true);
      }, ms);
      this.wake = () => {
        // New data does not end a sleep; only an interrupt does.
        if (!this.interruptRequested) return;
        this.wake = undefined;
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.drain();
    this.next.push(null);
    this.releaseWaiters();
  }

  resetConnection(): void {
    this.host.resetOnClose();
  }
}
