// One client connection: splits the byte stream into frames, decodes each request with the
// registered codec, runs its handler and writes responses strictly in request order.
//
// Requests are handled one at a time per connection, as Kafka does (it mutes a channel while a
// request is in flight): a handler that returns a promise holds back later frames of the same
// connection until it settles, and the socket is not read meanwhile, so a client pipelining frames
// behind a parked long-poll Fetch fills its own socket buffers, not the broker's memory. Synchronous
// handlers (Produce acks=0/1 on the fast path, Metadata...) are answered in the same tick, so
// pipelined requests cost no extra turns of the event loop.
//
// Memory: each frame's size is reserved in the broker-wide pool (queued.max.request.bytes,
// request-memory.ts) once its size prefix is in and released when its request is done; a full
// pool mutes the connection until bytes free up. A socket whose responses are not drained is muted
// too (the client does not read, so it is not read either).
//
// Anything malformed (bad size, truncated header or body, unknown API key, unsupported version
// other than ApiVersions, oversized frame) closes the connection with one log line; nothing is
// thrown out of here, so a bad client can never crash the broker.
//
// On a SASL listener (SASL_PLAINTEXT, SASL_SSL) a connection starts unauthenticated: only
// ApiVersions, SaslHandshake and then the SASL tokens are accepted, either in SaslAuthenticate
// requests (handshake v1, what kafkajs and librdkafka use) or as raw size-prefixed frames right
// after a v0 handshake (older kafka-python). Anything else before authentication closes the
// connection; a failed authentication is answered with SASL_AUTHENTICATION_FAILED, counted and
// closed. The authenticated principal goes on every RequestContext. Until authentication
// completes, frames are capped at sasl.server.max.receive.size (512 KiB, as Kafka), so an
// unauthenticated client cannot make the broker buffer a 100 MiB frame.
import type { Socket } from 'node:net';
import {
  ErrorCode,
  beginResponse,
  finishFrame,
  FrameSplitter,
  FrameTooLargeError,
  peekRequestHeader,
  readRequestHeader,
  responseHeaderFlexible,
  ProtocolDecodeError,
  ProtocolReader,
  ProtocolWriter,
  apiVersionsCodec,
  type SaslAuthenticateResponse,
} from '../../protocol/index.js';
import type { BrokerServices, RequestContext } from '../services.js';
import type { RegisteredApi, ServedApis } from './served-apis.js';
import type { RequestTimes } from '../metrics/broker-metrics.js';
import { securityOf } from '../security/index.js';
import { saslExchange, type SaslExchange, type SaslStep } from '../security/sasl.js';
import type { RequestMemoryPool } from './request-memory.js';

const SASL_HANDSHAKE_KEY = 17;
const SASL_AUTHENTICATE_KEY = 36;

/** Where a connection is in authentication: open = authenticated (or no SASL on the listener). */
type SaslState = 'open' | 'handshake' | 'authenticate' | 'raw-token';

const API_VERSIONS_KEY = 18;

/** Hooks the socket server gives each connection (metrics, bookkeeping). */
export interface ConnectionHooks {
  onClose(conn: Connection): void;
}

const nowMs = () => performance.now();

/** Why a connection is not being read: a request in flight, a full memory pool, unsent responses. */
type MuteReason = 'inflight' | 'memory' | 'send';

export class Connection {
  private readonly splitter: FrameSplitter;
  /** Frames waiting for the in-flight request to finish, with the pool bytes each one holds. */
  private readonly waiting: { frame: Buffer; at: number; bytes: number }[] = [];
  private busy = false;
  /** Pool bytes of the request being handled, and of the frame being received. */
  private inflightBytes = 0;
  private reservedNext = 0;
  private readonly mutes = new Set<MuteReason>();
  /** Encoded responses waiting for the socket to drain. */
  private sendPending = 0;
  private closed = false;
  readonly remote: string;
  private principal = 'User:ANONYMOUS';
  private sasl: SaslState;
  private exchange: SaslExchange | null = null;

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly services: BrokerServices,
    private readonly apis: ServedApis,
    private readonly listener: string,
    private readonly hooks: ConnectionHooks,
    private readonly pool: RequestMemoryPool,
    /** The client certificate's principal on an SSL listener with sslClientAuth (else anonymous). */
    tlsPrincipal: string | null = null,
  ) {
    if (tlsPrincipal) this.principal = tlsPrincipal;
    this.remote = socket.remoteAddress ?? 'unknown';
    this.sasl = securityOf(services).protocolOf(listener).startsWith('SASL_') ? 'handshake' : 'open';
    const max = services.config.socketRequestMaxBytes;
    this.splitter = new FrameSplitter(
      this.sasl === 'open' ? max : Math.min(max, services.config.saslServerMaxReceiveSize),
    );
    socket.setNoDelay(true);
    // connections.max.idle.ms: an idle (or half-sent, slowloris) connection is closed.
    socket.setTimeout(services.config.connectionsMaxIdleMs, () =>
      this.closeWith(`idle for ${services.config.connectionsMaxIdleMs} ms`),
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => services.logger.debug({ conn: id, err: err.message }, 'connection error'));
    socket.on('close', () => this.onClosed());
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.splitter.push(chunk);
    if (this.readFrames()) this.pump();
  }

  /** Move complete frames to the queue, reserving each one's bytes first; false when closed. */
  private readFrames(): boolean {
    try {
      for (;;) {
        const size = this.splitter.peekSize();
        if (size === null) break;
        if (this.reservedNext === 0) {
          if (!this.pool.tryReserve(size + 4)) {
            this.mute('memory');
            this.pool.waitFor(this.onMemoryFreed);
            break;
          }
          this.reservedNext = size + 4;
        }
        const frame = this.splitter.next();
        if (frame === null) break;
        this.services.metrics.requestQueued(1);
        this.waiting.push({ frame, at: nowMs(), bytes: this.reservedNext });
        this.reservedNext = 0;
      }
    } catch (e) {
      this.closeWith(e instanceof FrameTooLargeError ? e.message : `malformed frame: ${(e as Error).message}`);
      return false;
    }
    return true;
  }

  /** The pool has room again: deferred, as the pool calls this from inside another connection's release. */
  private readonly onMemoryFreed = (): void => {
    setImmediate(() => {
      if (this.closed) return;
      this.unmute('memory');
      if (this.readFrames()) this.pump();
    });
  };

  private mute(reason: MuteReason): void {
    this.mutes.add(reason);
    if (!this.socket.isPaused()) this.socket.pause();
  }

  private unmute(reason: MuteReason): void {
    this.mutes.delete(reason);
    if (this.mutes.size === 0 && !this.closed) this.socket.resume();
  }

  private releaseInflight(): void {
    const bytes = this.inflightBytes;
    this.inflightBytes = 0;
    this.pool.release(bytes);
  }

  /** Run queued frames until one needs to wait (async handler) or the queue is empty. */
  private pump(): void {
    while (!this.busy && !this.closed && this.waiting.length > 0) {
      const { frame, at, bytes } = this.waiting.shift()!;
      this.services.metrics.requestQueued(-1);
      this.inflightBytes = bytes;
      this.handleFrame(frame, at);
      if (!this.busy) this.releaseInflight();
    }
  }

  private handleFrame(frame: Buffer, receivedAt: number): void {
    if (this.sasl === 'raw-token') {
      this.rawToken(frame);
      return;
    }
    let head: { apiKey: number; apiVersion: number; correlationId: number };
    try {
      head = peekRequestHeader(frame);
    } catch (e) {
      this.closeWith(`malformed request header: ${(e as Error).message}`);
      return;
    }
    const api = this.apis.apiFor(head.apiKey);
    if (!api) {
      this.closeWith(`unknown API key ${head.apiKey} (correlation id ${head.correlationId})`);
      return;
    }
    if (head.apiVersion < api.minVersion || head.apiVersion > api.maxVersion) {
      if (head.apiKey === API_VERSIONS_KEY) {
        // Answer in a v0 body listing our ranges and keep the connection: the client retries lower.
        this.services.metrics.requestSeen('ApiVersions', head.apiVersion);
        this.services.metrics.requestErrors('ApiVersions', [ErrorCode.UNSUPPORTED_VERSION]);
        const w = new ProtocolWriter(512);
        const start = beginResponse(w, head.correlationId, false);
        apiVersionsCodec.encodeResponse(w, 0, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: this.apis.advertisedVersions(),
          throttleTimeMs: 0,
        });
        this.send(Buffer.from(finishFrame(w, start)), null);
        return;
      }
      this.closeWith(
        `unsupported version ${head.apiVersion} of ${api.name} (supported ${api.minVersion}-${api.maxVersion})`,
      );
      return;
    }
    let req: unknown;
    let clientId: string | null;
    try {
      const r = new ProtocolReader(frame);
      clientId = readRequestHeader(r, (_k, v) => v >= api.flexibleFrom).clientId;
      req = api.decode(r, head.apiVersion);
    } catch (e) {
      const why = e instanceof ProtocolDecodeError ? e.message : String(e);
      this.closeWith(
        `malformed ${api.name} v${head.apiVersion} request (correlation id ${head.correlationId}): ${why}`,
      );
      return;
    }
    this.services.metrics.requestSeen(api.name, head.apiVersion);
    if (this.sasl !== 'open' && head.apiKey !== API_VERSIONS_KEY) {
      this.saslRequest(api, head, req, receivedAt);
      return;
    }
    let skip = false;
    const ctx: RequestContext = {
      apiKey: head.apiKey,
      apiVersion: head.apiVersion,
      correlationId: head.correlationId,
      clientId,
      clientHost: this.remote,
      connectionId: this.id,
      principal: this.principal,
      listener: this.listener,
      services: this.services,
      skipResponse: () => {
        skip = true;
      },
    };
    const start = nowMs();
    const times: RequestTimes = {
      requestQueue: start - receivedAt,
      local: 0,
      remote: 0,
      responseQueue: 0,
      responseSend: 0,
      total: 0,
    };
    let result: unknown;
    try {
      result = api.handle(req, ctx);
    } catch (e) {
      this.handlerFailed(api, head.apiVersion, e);
      return;
    }
    times.local = nowMs() - start;
    if (result instanceof Promise) {
      this.busy = true;
      this.mute('inflight');
      result.then(
        (res: unknown) => {
          this.busy = false;
          this.releaseInflight();
          times.remote = nowMs() - start - times.local;
          this.complete(api, head.apiVersion, head.correlationId, res, skip, times, receivedAt);
          this.unmute('inflight');
          this.pump();
        },
        (e: unknown) => {
          this.busy = false;
          this.releaseInflight();
          this.handlerFailed(api, head.apiVersion, e);
        },
      );
      return;
    }
    this.complete(api, head.apiVersion, head.correlationId, result, skip, times, receivedAt);
  }

  /** SaslHandshake / SaslAuthenticate on a connection that has not authenticated yet. */
  private saslRequest(
    api: RegisteredApi,
    head: { apiKey: number; apiVersion: number; correlationId: number },
    req: unknown,
    receivedAt: number,
  ): void {
    const times: RequestTimes = {
      requestQueue: nowMs() - receivedAt,
      local: 0,
      remote: 0,
      responseQueue: 0,
      responseSend: 0,
      total: 0,
    };
    const answer = (res: unknown) =>
      this.complete(api, head.apiVersion, head.correlationId, res, false, times, receivedAt);
    if (head.apiKey === SASL_HANDSHAKE_KEY && this.sasl === 'handshake') {
      const sec = securityOf(this.services);
      const mechanism = (req as { mechanism: string }).mechanism;
      if (!sec.mechanisms.includes(mechanism)) {
        answer({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...sec.mechanisms] });
        return;
      }
      this.exchange = saslExchange(mechanism, sec.credentials);
      this.sasl = head.apiVersion === 0 ? 'raw-token' : 'authenticate';
      answer({ errorCode: ErrorCode.NONE, mechanisms: [...sec.mechanisms] });
      return;
    }
    if (head.apiKey === SASL_AUTHENTICATE_KEY && this.sasl === 'authenticate') {
      const step = this.saslStep((req as { authBytes: Buffer }).authBytes);
      const res: SaslAuthenticateResponse =
        step.kind === 'failed'
          ? {
              errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
              errorMessage: step.reason,
              authBytes: Buffer.alloc(0),
              sessionLifetimeMs: 0,
            }
          : { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.token, sessionLifetimeMs: 0 };
      answer(res);
      // Kafka sends the failure, then closes the connection.
      if (step.kind === 'failed') this.end();
      return;
    }
    this.services.metrics.requestErrors(api.name, [ErrorCode.ILLEGAL_SASL_STATE]);
    this.closeWith(`${api.name} before SASL authentication completed on listener ${this.listener}`);
  }

  /** A raw SASL token after a v0 handshake: answered with a raw size-prefixed token. */
  private rawToken(token: Buffer): void {
    const step = this.saslStep(token);
    if (step.kind === 'failed') {
      this.close();
      return;
    }
    const out = Buffer.allocUnsafe(4 + step.token.length);
    out.writeInt32BE(step.token.length, 0);
    step.token.copy(out, 4);
    this.send(out, null);
  }

  /** Feed one token to the exchange; on the last step, open the connection or count the failure. */
  private saslStep(token: Buffer): SaslStep {
    const step = this.exchange ? this.exchange.step(token) : ({ kind: 'failed', reason: 'no SASL handshake' } as const);
    if (step.kind === 'done') {
      this.principal = step.principal;
      this.sasl = 'open';
      this.exchange = null;
      this.splitter.setMaxFrameBytes(this.services.config.socketRequestMaxBytes);
      this.services.metrics.authentication(this.listener, true);
      this.services.logger.debug({ conn: this.id, principal: step.principal }, 'SASL authentication succeeded');
    } else if (step.kind === 'failed') {
      this.exchange = null;
      this.services.metrics.authentication(this.listener, false);
      // The reason names the mechanism, never the user's secret.
      this.services.logger.info(
        { conn: this.id, client: this.remote, listener: this.listener },
        `SASL authentication failed: ${step.reason}`,
      );
    }
    return step;
  }

  private complete(
    api: RegisteredApi,
    version: number,
    correlationId: number,
    res: unknown,
    skip: boolean,
    times: RequestTimes,
    receivedAt: number,
  ): void {
    if (this.closed) return;
    const metrics = this.services.metrics;
    metrics.requestErrors(api.name, api.errorCodes(res));
    if (skip) {
      times.total = nowMs() - receivedAt;
      metrics.requestTimes(api.name, times);
      return;
    }
    let frame: Buffer;
    try {
      const w = new ProtocolWriter(api.sizeHint(res) + 64);
      const start = beginResponse(w, correlationId, responseHeaderFlexible(api.apiKey, version >= api.flexibleFrom));
      api.encode(w, version, res);
      frame = finishFrame(w, start);
    } catch (e) {
      this.handlerFailed(api, version, e);
      return;
    }
    this.send(frame, { api: api.name, times, receivedAt });
  }

  private send(frame: Buffer, timing: { api: string; times: RequestTimes; receivedAt: number } | null): void {
    if (this.closed) return;
    const queuedAt = nowMs();
    this.sendPending++;
    this.services.metrics.responseQueued(1);
    const flushed = this.socket.write(frame, () => {
      this.sendPending--;
      this.services.metrics.responseQueued(-1);
      if (timing) {
        const t = timing.times;
        t.responseSend = nowMs() - queuedAt;
        t.total = nowMs() - timing.receivedAt;
        this.services.metrics.requestTimes(timing.api, t);
      }
    });
    // Backpressure: a client that does not read its responses stops being read.
    if (!flushed && !this.mutes.has('send')) {
      this.mute('send');
      this.socket.once('drain', () => this.unmute('send'));
    }
  }

  private handlerFailed(api: RegisteredApi, version: number, e: unknown): void {
    this.services.logger.error(
      { conn: this.id, err: e },
      `${api.name} v${version} handler failed; closing the connection`,
    );
    this.services.metrics.requestErrors(api.name, [ErrorCode.UNKNOWN_SERVER_ERROR]);
    this.close();
  }

  /** Log why and close (Kafka's answer to a request it cannot parse). */
  closeWith(reason: string): void {
    this.services.logger.warn({ conn: this.id, client: this.remote }, `closing connection: ${reason}`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropQueued();
    this.socket.destroy();
  }

  /** Graceful: stop reading, let written responses go out, then close. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropQueued();
    this.socket.end();
  }

  /** Forget queued frames and give back every pool byte this connection holds. */
  private dropQueued(): void {
    this.services.metrics.requestQueued(-this.waiting.length);
    let bytes = this.reservedNext + this.inflightBytes;
    for (const w of this.waiting) bytes += w.bytes;
    this.waiting.length = 0;
    this.reservedNext = 0;
    this.inflightBytes = 0;
    this.pool.cancel(this.onMemoryFreed);
    this.pool.release(bytes);
  }

  private onClosed(): void {
    if (!this.closed) {
      this.closed = true;
      this.dropQueued();
    }
    this.hooks.onClose(this);
  }
}
