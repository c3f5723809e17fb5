// The HTTP side of Toxiproxy's API (Go: gorilla/mux routes and middleware in api.go): route
// matching, 404/405 like mux, the request-id header, the browser block, the 25 s handler timeout,
// and error bodies sent the way Go's http.Error sends them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminGuard } from '../../common/index.js';
import { toApiError } from './api-error.js';
import { handlers, type ApiContext, type Reply } from './api.js';
import { JsonDecodeError, goJson } from './go-json.js';
import { newRequestId, requestIdHeader } from './request-id.js';

interface Route {
  pattern: RegExp;
  methods: Record<string, keyof typeof handlers>;
}

const name = '([^/]+)';
const routes: Route[] = [
  { pattern: /^\/reset$/, methods: { POST: 'resetState' } },
  { pattern: /^\/proxies$/, methods: { GET: 'proxyIndex', POST: 'proxyCreate' } },
  { pattern: /^\/populate$/, methods: { POST: 'populate' } },
  {
    pattern: new RegExp(`^/proxies/${name}$`),
    methods: { GET: 'proxyShow', POST: 'proxyUpdate', PATCH: 'proxyUpdate', DELETE: 'proxyDelete' },
  },
  { pattern: new RegExp(`^/proxies/${name}/toxics$`), methods: { GET: 'toxicIndex', POST: 'toxicCreate' } },
  {
    pattern: new RegExp(`^/proxies/${name}/toxics/${name}$`),
    methods: { GET: 'toxicShow', POST: 'toxicUpdate', PATCH: 'toxicUpdate', DELETE: 'toxicDelete' },
  },
  { pattern: /^\/version$/, methods: { GET: 'version' } },
];
const metricsRoute: Route = {
  pattern: /^\/metrics$/,
  methods: { GET: 'metrics', POST: 'metrics', HEAD: 'metrics', PUT: 'metrics', PATCH: 'metrics', DELETE: 'metrics' },
};

/** Go's http.TimeoutHandler default body (handlers get 25 s, as in Toxiproxy). */
const timeoutBody = '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';
const handlerTimeoutMs = 25_000;

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body ?? '';
  if (reply.contentType) res.setHeader('Content-Type', reply.contentType);
  if (reply.status !== 204) res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(reply.status);
  res.end(reply.status === 204 ? undefined : body);
}

/** Go's http.Error: text/plain, nosniff, message plus newline. */
function sendText(res: ServerResponse, status: number, text: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  send(res, { status, body: text + '\n', contentType: 'text/plain; charset=utf-8' });
}

function readBody(req: IncomingMessage, maxBodyBytes: number): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () =>
    (cached ??= new Promise((resolve, reject) => {
      const parts: Buffer[] = [];
      let size = 0;
      req.on('data', (d: Buffer) => {
        size += d.length;
        if (size > maxBodyBytes) {
          reject(new JsonDecodeError('http: request body too large'));
          req.destroy();
        } else parts.push(d);
      });
      req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      req.on('error', reject);
    }));
}

export function createApiHandler(
  ctx: ApiContext,
  guard: AdminGuard,
): (req: IncomingMessage, res: ServerResponse) => void {
  const table = ctx.metrics ? [...routes, metricsRoute] : routes;
  return (req, res) => {
    const started = performance.now();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      path = req.url ?? '/';
    }
    let params: string[] = [];
    const route = table.find((r) => {
      const m = r.pattern.exec(path);
      if (m) params = m.slice(1);
      return m !== null;
    });
    if (!route) return sendText(res, 404, '404 page not found');
    const handlerName = route.methods[req.method ?? 'GET'];
    if (!handlerName) return send(res, { status: 405 });
    res.setHeader(requestIdHeader, newRequestId());
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return sendText(res, 403, 'User agent not allowed');
    // The shared admin guard: Origin / Sec-Fetch-Site (browsers with any user agent), body cap, token.
    const refused = guard.check(req);
    if (refused) {
      res.setHeader('Connection', 'close');
      return sendText(res, refused.status, refused.message);
    }
    const body = readBody(req, guard.maxBodyBytes);
    const timer = setTimeout(
      () => send(res, { status: 503, body: timeoutBody, contentType: 'text/html; charset=utf-8' }),
      handlerTimeoutMs,
    );
    handlers[handlerName](ctx, params, body)
      .then((reply) => send(res, reply))
      .catch((e: unknown) => {
        const err = toApiError(e);
        if (err.status === 500) ctx.logger.warn({ err: e }, 'error did not include status code');
        sendText(res, err.status, goJson(err));
      })
      .finally(() => {
        clearTimeout(timer);
        // Drain an unread body so keep-alive connections stay usable.
        req.resume();
        ctx.logger.debug(
          {
            method: req.method,
            url: req.url,
            status: res.statusCode,
            handler: handlerName,
            ms: +(performance.now() - started).toFixed(2),
          },
          'api request',
        );
      });
  };
}
