// Loopback ports: free ones chosen at run time (for stacks started next to others: tests, `up`'s
// port 0, the game-day runner's embedded cluster, which must never collide with the default ports
// of a running `up`), and whether one is open.
import { connect, createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A base port P such that P + step*i (+ offsets) are all free for i < count: for launching N
 * brokers whose ports follow the +100 rule. Tries random bases in a high range.
 */
export async function freePortBase(count: number, step = 100, offsets: number[] = [0]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const ports = [];
    for (let i = 0; i < count; i++) for (const o of offsets) ports.push(base + step * i + o);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no free port base for ${count} ports with step ${step}`);
}

export async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections on host:port right now. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
