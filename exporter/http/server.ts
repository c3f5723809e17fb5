// HTTP endpoints: /metrics (latest snapshot + live metrics), /healthz (process alive), /ready
// (every cluster has completed one successful collection). Scrapes never fail because Kafka
// does: the hub always has something to render.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectYoungGarbage } from '../collect/heap-trim.js';
import { foreground } from '../collect/yielder.js';
import type { MetricsHub } from '../metrics/exposition.js';
import { acceptsGzip } from '../metrics/gzip-exposition.js';

export interface ExporterHttp {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Identity bodies from this size on are followed by a scavenge (a few hundred pieces inflated). */
const YOUNG_GC_AFTER_BYTES = 4 * 1024 * 1024;

/** Until the response can take more bytes, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      res.off('drain', go);
      res.off('close', go);
      resolve();
    };
    res.on('drain', go);
    res.on('close', go);
  });
}

export async function startHttp(
  hub: MetricsHub,
  isReady: () => boolean,
  port: number,
  host = '127.0.0.1',
): Promise<ExporterHttp> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      // Counted until the last byte left (or the scraper went away), so collection slices
      // shrink while the exposition is being written (collect/yielder.ts).
      foreground.active++;
      let open = true;
      const done = () => {
        if (open) foreground.active--;
        open = false;
      };
      res.once('finish', done);
      res.once('close', done);
      const gzip = acceptsGzip(req.headers['accept-encoding']);
      void hub
        .scrape(gzip)
        .then(async (body) => {
          if (!open) return; // the scraper left while the body was prepared
          res.writeHead(200, {
            'content-type': hub.contentType,
            'content-length': body.length,
            vary: 'Accept-Encoding',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          });
          if (req.method === 'HEAD') return void res.end();
          if (gzip) {
            // Compressed pieces, shared and immutable: written as they are, corked so the socket
            // gets them in a few writev calls rather than one per piece.
            res.cork();
            for (const c of body.parts as Iterable<Buffer>) res.write(c);
            res.end();
            return;
          }
          // Identity: each piece is inflated only when the socket took the previous one, so a
          // slow scraper holds one piece uncompressed rather than the whole exposition.
          for await (const c of body.parts) {
            if (!open) break;
            if (!res.write(c)) await drained(res);
          }
          res.end();
          // The inflated pieces are garbage now (collect/heap-trim.ts says why a scavenge).
          if (body.length >= YOUNG_GC_AFTER_BYTES) collectYoungGarbage();
        })
        .catch((e: unknown) => {
          if (!res.headersSent)
            res.writeHead(500, { 'content-type': 'text/plain' }).end(`render failed: ${String(e)}\n`);
          else res.destroy(e as Error);
        });
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/ready') {
      const ready = isReady();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ready\n' : 'waiting for the first full collection\n');
    } else if (path === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<html><body><h1>kafka-sre exporter</h1><a href="/metrics">/metrics</a> <a href="/healthz">/healthz</a> <a href="/ready">/ready</a></body></html>\n',
        );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    port: actual,
    url: `http://${shownHost}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
