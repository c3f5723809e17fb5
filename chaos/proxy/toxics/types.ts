// What a toxic is: a named set of integer attributes plus a `pipe` loop that moves chunks from
// its input to its output, one connection direction at a time (Toxiproxy's Toxic/ToxicStub model).

/** A piece of stream data and the time (ms, performance.now) the proxy received it. */
export interface Chunk {
  data: Buffer;
  at: number;
}

/** Returned by `recv` when the API wants this toxic to stop (update or removal). */
export const INTERRUPTED = Symbol('interrupted');
/** Returned by `recv(ms)` when nothing arrived in time. */
export const TIMED_OUT = Symbol('timed out');

export type Received = Chunk | null | typeof INTERRUPTED;

/** The per-connection runtime a toxic's pipe works through. */
export interface ToxicStub {
  /** Next chunk, null at end of stream, or INTERRUPTED. */
  recv(): Promise<Received>;
  /** Same, but gives up after `ms` with TIMED_OUT. */
  recv(ms: number): Promise<Received | typeof TIMED_OUT>;
  /** Put an item back at the front of the input (e.g. an end of stream not acted on). */
  unrecv(item: Chunk | null): void;
  /** Hand a chunk to the next toxic (waits while it is full: backpressure). */
  send(chunk: Chunk): Promise<void>;
  /** Wait; resolves false early if interrupted. */
  sleep(ms: number): Promise<boolean>;
  /** End the stream here: everything after sees end of stream and the connection closes. */
  close(): void;
  /** Make the connection's close a TCP reset (RST) instead of a FIN. */
  resetConnection(): void;
  /** Per-connection state that survives updates (limit_data's byte count). */
  readonly state: Record<string, number>;
  readonly random: () => number;
  now(): number;
}

export type Attributes = Record<string, number>;

export interface ToxicKind {
  /** Toxiproxy's type name. */
  readonly type: string;
  /** Attribute names in Toxiproxy's JSON order, with their Go integer type (for error messages). */
  readonly fields: readonly { readonly name: string; readonly goType: 'int' | 'int64' }[];
  /** How many chunks (and bytes) may wait in front of this toxic per connection. */
  readonly buffer: { chunks: number; bytes: number };
  pipe(stub: ToxicStub, attrs: Readonly<Attributes>): Promise<void>;
  /** Called when the toxic is removed from a connection it was active on. */
  cleanup?(stub: ToxicStub): void;
}

/** Unbuffered in Toxiproxy (a Go channel of size 0): here one chunk. */
export const unbuffered = { chunks: 1, bytes: Infinity } as const;
