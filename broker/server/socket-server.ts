// The client listener: accepts TCP connections and gives each a Connection. Tracks open
// connections for the connection-count metric and closes them all on shutdown.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { securityOf } from '../security/index.js';
import type { BrokerServices } from '../services.js';
import { Connection } from './connection.js';
import { RequestMemoryPool } from './request-memory.js';
import type { ServedApis } from './served-apis.js';

/**
 * A certificate subject as Kafka's default SSL principal builder names it: the X.500 name in RFC
 * 2253 form, most specific first ("CN=alice,OU=eng,O=acme"). Node lists the subject one attribute
 * per line in certificate order (least specific first).
 */
export function distinguishedName(subject: string): string {
  return subject
    .split('\n')
    .filter((l) => l.length > 0)
    .reverse()
    .map((rdn) => {
      const i = rdn.indexOf('=');
      const value = rdn.slice(i + 1).replace(/[,+"\\<>;]/g, (c) => `\\${c}`);
      return `${rdn.slice(0, i)}=${value}`;
    })
    .join(',');
}

export class SocketServer {
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private seq = 0;

  constructor(
    private readonly services: BrokerServices,
    private readonly apis: ServedApis,
    readonly listener = 'PLAINTEXT',
    /** Shared by every listener of the broker (queued.max.request.bytes is broker-wide). */
    private readonly pool = new RequestMemoryPool(services.config.queuedMaxRequestBytes),
  ) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(host: string, port: number): Promise<number> {
    // SSL / SASL_SSL listeners terminate TLS here; the Connection sees a decrypted stream.
    const protocol = securityOf(this.services).protocolOf(this.listener);
    const tls = this.services.config.security?.tls;
    const clientAuth = this.services.config.security?.sslClientAuth ?? 'none';
    if (protocol.endsWith('SSL') && !tls)
      throw new Error(
        `listener ${this.listener} is ${protocol} but security.tls (certFile, keyFile) is not configured`,
      );
    if (protocol.endsWith('SSL') && clientAuth !== 'none' && !tls?.caFile)
      throw new Error(`security.sslClientAuth ${clientAuth} needs security.tls.caFile (the CA of client certificates)`);
    const onSocket = (socket: Socket) => {
      let principal: string | null = null;
      if (socket instanceof TLSSocket && clientAuth !== 'none') {
        const cert = socket.getPeerX509Certificate();
        // 'required': the handshake already refused a missing or untrusted certificate.
        // 'requested': no certificate is fine (anonymous), an untrusted one is not (as Java's
        // SSLEngine with wantClientAuth, whose handshake fails on a certificate it cannot verify).
        if (cert && !socket.authorized) {
          this.services.logger.warn(
            { client: socket.remoteAddress, reason: String(socket.authorizationError) },
            `${this.listener}: client certificate not trusted; closing`,
          );
          socket.destroy();
          return;
        }
        if (cert && protocol === 'SSL') principal = `User:${distinguishedName(cert.subject)}`;
      }
      const id = `${this.listener}-${socket.localPort ?? 0}-${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}-${this.seq++}`;
      const conn = new Connection(
        id,
        socket,
        this.services,
        this.apis,
        this.listener,
        { onClose: (c) => this.connections.delete(c) },
        this.pool,
        principal,
      );
      this.connections.add(conn);
    };
    const server: Server =
      protocol.endsWith('SSL') && tls
        ? createTlsServer(
            {
              cert: readFileSync(tls.certFile),
              key: readFileSync(tls.keyFile),
              ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
              requestCert: clientAuth !== 'none',
              rejectUnauthorized: clientAuth === 'required',
              noDelay: true,
            },
            onSocket,
          )
        : createServer({ noDelay: true }, onSocket);
    server.on('error', (err) => this.services.logger.error({ err }, `${this.listener} listener error`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  /** Stop accepting, let sent responses drain briefly, then close every connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of this.connections) c.end();
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.close();
    await closed;
  }
}
