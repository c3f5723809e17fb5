// One guard for every HTTP endpoint that changes something (the broker's node admin routes, the
// cluster launcher's API, the proxy API, the game-day webhook receiver):
// - browser-originated requests are refused: a page the operator has open could otherwise drive a
//   loopback API (kill brokers, fill disks) with a simple cross-site POST. Browsers mark their
//   requests with `Origin` and the fetch metadata header `Sec-Fetch-Site`; programs (curl, Node's
//   fetch, Prometheus, Alertmanager) send neither;
// - bodies are capped (413 past the cap, read no further);
// - a token (`Authorization: Bearer <token>`) must be configured to bind beyond loopback, and is then
//   required: `KAFKA_SRE_ADMIN_TOKEN` in the environment (never a config file, so a shared config
//   does not leak it), or the `token` option. The broker and launcher ask for it on loopback too
//   when it is set (their clients here send it); the proxy API and webhook only beyond loopback.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The environment variable holding the admin token. */
export const ADMIN_TOKEN_ENV = 'KAFKA_SRE_ADMIN_TOKEN';
export const DEFAULT_ADMIN_BODY_BYTES = 1024 * 1024;

export interface AdminGuardOptions {
  /** What the endpoint is, for messages ("launcher admin API"). */
  name: string;
  /** The address the server binds. */
  host: string;
  /** The token; undefined: KAFKA_SRE_ADMIN_TOKEN from the environment (if set). */
  token?: string | null;
  /**
   * Ask for the token on loopback too when one is set (default true). False for endpoints whose
   * clients cannot send it (Toxiproxy clients, Alertmanager's webhook): on loopback they rely on the
   * browser check, beyond loopback the token is still required.
   */
  tokenOnLoopback?: boolean;
  maxBodyBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export interface Refusal {
  status: number;
  message: string;
}

export class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }
}

export interface AdminGuard {
  readonly name: string;
  readonly maxBodyBytes: number;
  /** Whether requests must carry the token. */
  readonly tokenRequired: boolean;
  /** null when the request may go on, else the answer to give. */
  check(req: IncomingMessage): Refusal | null;
  /** The body as text, at most maxBodyBytes; rejects with AdminRequestError(413) past it. */
  readBody(req: IncomingMessage): Promise<string>;
  /** Headers a client of this endpoint sends (the token, when there is one). */
  clientHeaders(): Record<string, string>;
}

/** 127.0.0.0/8, ::1, localhost: the addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The admin token from the environment, or null. */
export function adminTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const t = env[ADMIN_TOKEN_ENV];
  return t && t.length > 0 ? t : null;
}

/** Headers carrying the admin token from the environment (for clients of the guarded endpoints). */
export function adminClientHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const t = adminTokenFromEnv(env);
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** Throws when the endpoint would be reachable beyond loopback without a token. */
export function adminGuard(opts: AdminGuardOptions): AdminGuard {
  const loopback = isLoopbackHost(opts.host);
  const configured = opts.token === undefined ? adminTokenFromEnv(opts.env) : opts.token;
  const token = loopback && opts.tokenOnLoopback === false ? null : configured;
  if (!loopback && !token)
    throw new Error(
      `${opts.name}: binding ${opts.host} (beyond loopback) needs a token: set ${ADMIN_TOKEN_ENV} (clients send it as "Authorization: Bearer <token>")`,
    );
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_ADMIN_BODY_BYTES;
  const expected = token ? Buffer.from(token) : null;
  return {
    name: opts.name,
    maxBodyBytes,
    tokenRequired: expected !== null,
    check(req) {
      if (req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined)
        return { status: 403, message: `${opts.name} refuses requests from a browser (Origin / Sec-Fetch-Site)` };
      if (expected) {
        const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
        const given = m ? Buffer.from(m[1]) : null;
        if (!given || given.length !== expected.length || !timingSafeEqual(given, expected))
          return { status: 401, message: `${opts.name} needs "Authorization: Bearer <token>" (${ADMIN_TOKEN_ENV})` };
      }
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > maxBodyBytes)
        return { status: 413, message: `${opts.name}: request body of ${length} bytes is over ${maxBodyBytes}` };
      return null;
    },
    readBody(req) {
      return new Promise((resolve, reject) => {
        const parts: Buffer[] = [];
        let size = 0;
        let done = false;
        req.on('data', (d: Buffer) => {
          if (done) return;
          size += d.length;
          if (size > maxBodyBytes) {
            done = true;
            // Stop reading; the caller answers 413 and the connection closes after it.
            req.pause();
            reject(new AdminRequestError(413, `${opts.name}: request body over ${maxBodyBytes} bytes`));
          } else parts.push(d);
        });
        req.on('end', () => {
          if (!done) resolve(Buffer.concat(parts).toString('utf8'));
        });
        req.on('error', (e) => {
          if (!done) reject(e);
        });
      });
    },
    clientHeaders: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  };
}
