// HTTP /metrics endpoint of one broker (Prometheus text format), on loopback by default. On a
// cluster node it also serves the node-local admin routes the launcher's admin API calls:
// GET /admin/state (role, leader, fencing, log dir) and PUT /admin/log-dir-capacity {"bytes": N|null},
// behind the shared admin guard (common/admin-guard.ts: no browsers, capped body, the token when set).
import { createServer, type Server } from 'node:http';
import { AdminRequestError, adminGuard } from '../../common/index.js';
import type { BrokerMetrics } from './broker-metrics.js';

export interface NodeAdmin {
  state(): unknown;
  setLogDirCapacity(bytes: number | null): void;
}

export async function startMetricsServer(
  metrics: BrokerMetrics,
  host: string,
  port: number,
  admin?: NodeAdmin,
  /** The token /admin/* asks for (undefined: KAFKA_SRE_ADMIN_TOKEN, if set). */
  adminToken?: string | null,
): Promise<{ server: Server; port: number }> {
  const guard = admin
    ? adminGuard({ name: 'broker admin routes', host, maxBodyBytes: 65536, token: adminToken })
    : null;
  const server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    if (guard && req.url?.startsWith('/admin/')) {
      const refused = guard.check(req);
      if (refused) {
        res.setHeader('connection', 'close');
        json(refused.status, { error: refused.message });
        return;
      }
    }
    if (admin && req.method === 'GET' && req.url === '/admin/state') {
      json(200, admin.state());
      return;
    }
    if (admin && req.method === 'PUT' && req.url === '/admin/log-dir-capacity') {
      guard!.readBody(req).then(
        (text) => {
          try {
            const { bytes } = JSON.parse(text) as { bytes?: unknown };
            if (bytes !== null && (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0))
              throw new Error('"bytes" must be a non-negative integer or null');
            admin.setLogDirCapacity(bytes);
            json(200, admin.state());
          } catch (e) {
            json(400, { error: (e as Error).message });
          }
        },
        (e: unknown) => {
          res.setHeader('connection', 'close');
          json(e instanceof AdminRequestError ? e.status : 400, { error: (e as Error).message });
        },
      );
      return;
    }
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      metrics.expose().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(body);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics collection failed: ${(e as Error).message}\n`);
        },
      );
      return;
    }
    if (req.url === '/' || req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('kafka-sre broker: metrics at /metrics\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : port };
}
