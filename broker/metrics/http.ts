// HTTP /metrics endpoint of one broker (Prometheus text format), on loopback by default. On a
// cluster node it also serves the node-local admin routes the launcher's admin API calls:
// GET /admin/state (role, leader, fencing, log dir) and PUT /admin/log-dir-capacity {"bytes": N|null}.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { BrokerMetrics } from './broker-metrics.js';

export interface NodeAdmin {
  state(): unknown;
  setLogDirCapacity(bytes: number | null): void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > 65536) req.destroy(new Error('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startMetricsServer(
  metrics: BrokerMetrics,
  host: string,
  port: number,
  admin?: NodeAdmin,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    if (admin && req.method === 'GET' && req.url === '/admin/state') {
      json(200, admin.state());
      return;
    }
    if (admin && req.method === 'PUT' && req.url === '/admin/log-dir-capacity') {
      readBody(req).then(
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
        (e: unknown) => json(400, { error: (e as Error).message }),
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
