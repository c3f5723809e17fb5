// A minimal Kafka client connection from one broker to another's inter-broker listener, for the
// replica fetchers: request header v1, the project's protocol/ codecs, responses matched by
// correlation id. One connection per leader; a failed connection fails every pending request and
// the next request reconnects. On a SASL inter-broker listener each new connection logs in first
// (SaslHandshake v1, then SaslAuthenticate tokens) with the configured inter-broker user.
import { connect, type Socket } from 'node:net';
import {
  type ApiCodec,
  ErrorCode,
  FrameSplitter,
  encodeRequestFrame,
  responseHeaderFlexible,
  readResponseHeader,
  ProtocolReader,
  saslAuthenticateCodec,
  saslHandshakeCodec,
} from '../../protocol/index.js';
import type { HostPort } from '../config.js';
import type { InterBrokerLogin } from '../security/index.js';
import { saslClientExchange } from '../security/sasl-client.js';

interface Pending {
  decode(r: ProtocolReader): unknown;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class PeerClient {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private correlationId = 0;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(
    readonly address: HostPort,
    private readonly clientId: string,
    private readonly login: InterBrokerLogin | null = null,
    private readonly maxFrameBytes = 256 * 1024 * 1024,
  ) {}

  private open(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: this.address.host, port: this.address.port });
      s.setNoDelay(true);
      const timer = setTimeout(
        () => s.destroy(new Error(`connect to ${this.address.host}:${this.address.port} timed out`)),
        3000,
      );
      const splitter = new FrameSplitter(this.maxFrameBytes);
      s.once('connect', () => {
        clearTimeout(timer);
        // Closed while connecting (a stopping fetcher): this socket would otherwise outlive the
        // client and hold the stopped node's event loop open.
        if (this.closed) {
          s.destroy(new Error('client closed'));
          return;
        }
        this.authenticate(s).then(
          () => {
            this.socket = s;
            this.connecting = null;
            resolve(s);
          },
          (e: Error) => s.destroy(new Error(`SASL login to ${this.address.host}:${this.address.port}: ${e.message}`)),
        );
      });
      s.on('data', (chunk: Buffer) => {
        splitter.push(chunk);
        try {
          for (let frame = splitter.next(); frame; frame = splitter.next()) this.onFrame(frame);
        } catch (e) {
          s.destroy(e as Error);
        }
      });
      s.on('error', () => undefined);
      s.on('close', () => {
        clearTimeout(timer);
        if (this.connecting) {
          this.connecting = null;
          reject(new Error(`cannot connect to ${this.address.host}:${this.address.port}`));
        }
        if (this.socket === s) this.socket = null;
        this.failAll(new Error(`connection to ${this.address.host}:${this.address.port} closed`));
      });
    });
    return this.connecting;
  }

  private onFrame(frame: Buffer): void {
    const r = new ProtocolReader(frame);
    const { correlationId } = readResponseHeader(r, false);
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    try {
      p.resolve(p.decode(r));
    } catch (e) {
      p.reject(e as Error);
    }
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(e);
      this.pending.delete(id);
    }
  }

  /** Log in on a SASL inter-broker listener (nothing to do on a PLAINTEXT one). */
  private async authenticate(s: Socket): Promise<void> {
    if (!this.login) return;
    const hs = await this.send(s, saslHandshakeCodec, 1, { mechanism: this.login.mechanism }, 5000);
    if (hs.errorCode !== ErrorCode.NONE) throw new Error(`SaslHandshake error ${hs.errorCode}`);
    const exchange = saslClientExchange(this.login);
    for (let token: Buffer | null = exchange.initial; token !== null;) {
      const r = await this.send(s, saslAuthenticateCodec, 1, { authBytes: token }, 5000);
      if (r.errorCode !== ErrorCode.NONE) throw new Error(r.errorMessage ?? `SaslAuthenticate error ${r.errorCode}`);
      token = exchange.next(r.authBytes);
    }
  }

  /**
   * Send one request: header v1 (response header v0), or for a flexible version header v2 (response
   * header v1, whose tagged fields are skipped before the body).
   */
  async request<Req, Res>(codec: ApiCodec<Req, Res>, version: number, req: Req, timeoutMs: number): Promise<Res> {
    if (this.closed) throw new Error('client closed');
    const socket = await this.open();
    return this.send(socket, codec, version, req, timeoutMs);
  }

  private send<Req, Res>(
    socket: Socket,
    codec: ApiCodec<Req, Res>,
    version: number,
    req: Req,
    timeoutMs: number,
  ): Promise<Res> {
    const correlationId = (this.correlationId = (this.correlationId + 1) & 0x7fffffff);
    const flexible = version >= codec.flexibleFrom;
    const frame = encodeRequestFrame(
      { apiKey: codec.apiKey, apiVersion: version, correlationId, clientId: this.clientId },
      flexible,
      (w) => codec.encodeRequest!(w, version, req),
    );
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`${codec.name} to ${this.address.host}:${this.address.port} timed out after ${timeoutMs} ms`));
        socket.destroy();
      }, timeoutMs);
      this.pending.set(correlationId, {
        decode: (r) => {
          if (responseHeaderFlexible(codec.apiKey, flexible)) r.taggedFields();
          return codec.decodeResponse!(r, version);
        },
        resolve: (v) => resolve(v as Res),
        reject,
        timer,
      });
      socket.write(frame);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = null;
  }
}
