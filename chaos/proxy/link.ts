// One direction of a proxied connection: source socket -> toxic stages -> destination socket
// (Toxiproxy's ToxicLink). With no toxics, chunks go straight to the destination; backpressure is
// end to end: a full stage or a destination that needs to drain pauses the source socket.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ByteCounts } from './metrics.js';
import { Stage, type ChunkTarget, type StageHost } from './stage.js';
import type { Direction, ToxicDefinition } from './toxic.js';
import type { Chunk } from './toxics/types.js';
import type { ReadBuffers } from './read-buffers.js';

/**
 * How much may wait in the destination socket's buffer before the source is paused. Node's default
 * (16 KiB) pauses and resumes the source for nearly every chunk on a fast stream; a proxy, like
 * Toxiproxy's 32 KiB copy buffers plus kernel buffers, should keep a little more in flight.
 */
const SINK_HIGH_WATER_BYTES = 1024 * 1024;

/**
 * The size of one socket read in Node (libuv's 64 KiB read buffer). A read that fills it means the
 * kernel may hold more, and libuv reads again in the same event-loop turn; a shorter read is the
 * last of the burst. See `SocketSink.write` for why this matters.
 */
const FULL_READ_BYTES = 64 * 1024;

/** The destination end of a link: writes to the socket, closes it at end of stream. */
class SocketSink implements ChunkTarget {
  private done = false;
  private corked = false;

  constructor(
    private readonly socket: Socket,
    private readonly counts: ByteCounts,
    private readonly onEnd: () => void,
  ) {}

  push(item: Chunk | null): boolean {
    if (item === null) {
      if (!this.done && !this.socket.destroyed) {
        this.done = true;
        this.onEnd();
      }
      return true;
    }
    return this.write(item.data);
  }

  /**
   * Bytes to the socket (the no-toxics path calls this directly, without the chunk wrapper;
   * `release` is the read buffer's, see read-buffers.ts).
   * A burst of full reads goes out as one writev: the socket is corked on a full read and uncorked
   * by the short read that ends the burst, or at the latest after this event-loop turn. One send per
   * burst instead of one per 64 KiB means fewer system calls here and, above all, fewer wake-ups of
   * the receiver, which then reads the whole burst at once. A short chunk (a request, a ping) is
   * never held back.
   */
  write(data: Buffer, release?: () => void): boolean {
    if (this.done || this.socket.destroyed) {
      release?.();
      return true;
    }
    this.counts.sent += data.length;
    const s = this.socket;
    if (data.length >= FULL_READ_BYTES && !this.corked) {
      this.corked = true;
      s.cork();
      setImmediate(this.flush);
    }
    // The write's callback runs once the kernel has the bytes (or the socket failed): then the
    // read buffer they sit in may be reused.
    s.write(data, release);
    if (data.length < FULL_READ_BYTES) this.flush();
    if (s.writableLength < SINK_HIGH_WATER_BYTES) return true;
    this.flush(); // the source pauses until the socket drains, so nothing may stay corked
    return false;
  }

  /** Send what the current burst corked. */
  private readonly flush = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  };

  room(): Promise<void> {
    const s = this.socket;
    if (this.done || s.destroyed || !s.writableNeedDrain || s.writableLength < SINK_HIGH_WATER_BYTES)
      return Promise.resolve();
    return new Promise((resolve) => {
      const ready = () => {
        s.off('drain', ready);
        s.off('close', ready);
        resolve();
      };
      s.on('drain', ready);
      s.on('close', ready);
    });
  }
}

export interface LinkHost extends StageHost {
  /** The link's stream ended: close its destination (FIN, or RST after reset_peer). */
  endOfStream(dest: Socket): void;
}

export class Link {
  private stages: Stage[] = [];
  private readonly sink: SocketSink;
  private inputEnded = false;
  private waitingForRoom = false;

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    dest: Socket,
    private readonly counts: ByteCounts,
    private readonly host: LinkHost,
    /** Set when the source socket reads into the proxy's own buffers (`onread`) instead of 'data'. */
    private readonly reads?: ReadBuffers,
  ) {
    this.sink = new SocketSink(dest, counts, () => host.endOfStream(dest));
  }

  /** Attach the proxy's current toxics for this direction and start moving data. */
  start(chain: readonly ToxicDefinition[]): void {
    for (const t of chain) this.addStage(t);
    const source = this.source;
    if (this.reads) this.reads.attach((data, release) => this.onData(data, release));
    else source.on('data', (data: Buffer) => this.onData(data));
    const end = () => this.endInput();
    source.on('end', end);
    source.on('close', end);
  }

  private head(): ChunkTarget {
    return this.stages[0] ?? this.sink;
  }

  /** One read from the source. Returns true: pausing is done here, not by the caller. */
  private onData(data: Buffer, release?: () => void): boolean {
    this.counts.received += data.length;
    const target = this.head();
    let accepted: boolean;
    if (target === this.sink) accepted = this.sink.write(data, release);
    else {
      // Toxics may hold, slice or drop a chunk for as long as they like: they get their own copy.
      if (release) {
        data = Buffer.from(data);
        release();
      }
      accepted = target.push({ data, at: performance.now() });
    }
    if (accepted || this.waitingForRoom) return true;
    this.waitingForRoom = true;
    this.source.pause();
    void target.room().then(() => {
      this.waitingForRoom = false;
      if (!this.source.destroyed) this.source.resume();
    });
    return true;
  }

  private endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.head().push(null);
  }

  /** Append a toxic at the end of the chain (new toxics apply to live connections too). */
  addStage(toxic: ToxicDefinition): void {
    const stage = new Stage(toxic, this.sink, this.host);
    const last = this.stages[this.stages.length - 1];
    if (last) last.next = stage;
    this.stages.push(stage);
    stage.start();
  }

  /** Restart a toxic with its updated attributes and a fresh toxicity roll. */
  async restartStage(toxic: ToxicDefinition): Promise<void> {
    const stage = this.stages.find((s) => s.toxic === toxic);
    if (stage && (await stage.interrupt())) stage.start();
  }

  /** Take a toxic out of the chain without losing or reordering data. */
  async removeStage(toxic: ToxicDefinition): Promise<void> {
    const stage = this.stages.find((s) => s.toxic === toxic);
    if (!stage) return;
    const running = await stage.interrupt();
    if (running && stage.active && toxic.kind.cleanup) toxic.kind.cleanup(stage);
    const i = this.stages.indexOf(stage);
    this.stages.splice(i, 1);
    // Whatever waits in its queue goes on, in order, before anything the previous stage sends.
    if (!stage.closed) for (const item of stage.drain()) stage.next.push(item);
    const prev = this.stages[i - 1];
    if (prev) prev.next = stage.next;
    stage.releaseWaiters();
  }
}
