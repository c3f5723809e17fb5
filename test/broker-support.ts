// Shared bits of the broker integration tests: start `kafka-sre broker` on free ports with its own
// data directory, and a minimal raw-protocol client built on protocol/ codecs (for requests the
// third-party clients do not make, and for the fuzz test's "still alive" checks).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { ApiCodec } from '../protocol/api.js';
import { encodeRequestFrame, FrameSplitter, readResponseHeader, responseHeaderFlexible } from '../protocol/frame.js';
import { ProtocolReader } from '../protocol/primitives/reader.js';
import type { ProcessFixture, RunningProcess } from './support/processes.js';
import { freePort } from './support/ports.js';

export interface BrokerProc {
  port: number;
  metricsPort: number;
  dataDir: string;
  bootstrap: string;
  proc: RunningProcess;
}

/** A temporary directory removed when the test file ends. Call at module level (not inside a hook). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  // KAFKA_SRE_KEEP_TMP=1 keeps it for a post-mortem (as test/chaos-fixtures.ts).
  after(() => (process.env.KAFKA_SRE_KEEP_TMP ? undefined : rmSync(dir, { recursive: true, force: true })));
  return dir;
}

/** Start (or restart on the same ports and data dir) a one-broker reference cluster. */
export async function startBrokerProc(
  fx: ProcessFixture,
  dataDir: string,
  prev?: { port: number; metricsPort: number },
  extra: string[] = [],
): Promise<BrokerProc> {
  const port = prev?.port ?? (await freePort());
  const metricsPort = prev?.metricsPort ?? (await freePort());
  const proc = await fx.startCli(
    [
      'broker',
      '--brokers',
      '1',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
      ...extra,
    ],
    {
      readyWhen: /listening on/,
      readyTimeoutMs: 30_000,
      name: 'broker',
      env: { ...process.env, KAFKA_SRE_LOG_LEVEL: process.env.KAFKA_SRE_LOG_LEVEL ?? 'warn' },
    },
  );
  return { port, metricsPort, dataDir, bootstrap: `127.0.0.1:${port}`, proc };
}

/** A raw Kafka-protocol connection: one request at a time or pipelined, responses in order. */
export class RawClient {
  private readonly splitter = new FrameSplitter(256 * 1024 * 1024);
  private readonly waiting: ((frame: Buffer | Error) => void)[] = [];
  private correlation = 1;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.splitter.push(chunk);
      for (let f = this.splitter.next(); f; f = this.splitter.next()) this.waiting.shift()?.(f);
    });
    const fail = () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(new Error('connection closed'));
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Send a request with `codec` and decode its response. */
  async request<Req, Res>(codec: ApiCodec<Req, Res>, version: number, req: Req): Promise<Res> {
    const flexible = version >= codec.flexibleFrom;
    const frame = encodeRequestFrame(
      { apiKey: codec.apiKey, apiVersion: version, correlationId: this.correlation++, clientId: 'raw-test' },
      flexible,
      (w) => codec.encodeRequest!(w, version, req),
    );
    const resp = await this.sendRaw(frame);
    const r = new ProtocolReader(resp);
    readResponseHeader(r, responseHeaderFlexible(codec.apiKey, flexible));
    return codec.decodeResponse!(r, version);
  }

  /** Send bytes that expect one response frame. */
  sendRaw(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting.push((f) => (f instanceof Error ? reject(f) : resolve(f)));
      this.socket.write(frame);
    });
  }

  /** Resolves once the broker closed the connection (or after timeoutMs with false). */
  waitClosed(timeoutMs = 2000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
