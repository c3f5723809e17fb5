// The protocol fuzzer shared by test/broker-fuzz.test.ts (a fixed seed in `npm test`) and
// scripts/fuzz.mjs (long runs with printed seeds). The APIs and versions come from the broker's own
// registry (broker/handlers/registry.ts), so an API added there is fuzzed without touching this file.
// Per API and version it builds a well-formed request (the codec's decoding of an all-zero body,
// encoded back: empty arrays, empty strings, zero ids, so the frame reaches the handler) and, for
// the APIs that carry data, hand-written requests with topics, records and groups; then it mutates
// them (bit flips, truncation, wrong key/version, lying size, garbage, bad batch CRC) and sends
// them on many short connections, before or after a SASL login.
import { connect } from 'node:net';
import type { ApiCodec } from '../../protocol/api.js';
import { codecs } from '../../protocol/apis/index.js';
import { encodeRequestFrame } from '../../protocol/frame.js';
import { ProtocolReader, ProtocolWriter } from '../../protocol/primitives/index.js';
import { buildRecordBatch, CompressionCodec } from '../../protocol/record-batch/index.js';
import { servedApis } from '../../broker/handlers/registry.js';

/** Deterministic PRNG (LCG), so a failing seed replays. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (Math.imul(this.state, 1103515245) + 12345) >>> 0;
    return this.state / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

export interface ServedVersion {
  apiKey: number;
  version: number;
  codec: ApiCodec<unknown, unknown>;
}

/** Every (API key, version) the broker serves, from its registry. */
export function servedVersions(): ServedVersion[] {
  const byKey = new Map(codecs.map((c) => [c.apiKey, c as unknown as ApiCodec<unknown, unknown>]));
  const out: ServedVersion[] = [];
  for (const r of servedApis.advertisedVersions()) {
    const codec = byKey.get(r.apiKey);
    if (!codec) throw new Error(`the broker serves API key ${r.apiKey} but protocol/ has no codec for it`);
    for (let v = r.minVersion; v <= r.maxVersion; v++) out.push({ apiKey: r.apiKey, version: v, codec });
  }
  return out;
}

function frameOf(s: ServedVersion, req: unknown, correlationId: number): Buffer {
  return encodeRequestFrame(
    { apiKey: s.apiKey, apiVersion: s.version, correlationId, clientId: 'fuzz' },
    s.version >= s.codec.flexibleFrom,
    (w) => s.codec.encodeRequest!(w, s.version, req),
  );
}

/** The request an all-zero body decodes to, if it decodes (and re-encodes). */
function zeroRequest(s: ServedVersion): unknown {
  try {
    const req = s.codec.decodeRequest(new ProtocolReader(Buffer.alloc(1024)), s.version);
    if (!s.codec.encodeRequest) return undefined;
    s.codec.encodeRequest(new ProtocolWriter(256), s.version, req);
    return req;
  } catch {
    return undefined;
  }
}

/** Hand-written requests with data in them, for the APIs whose handlers do the most with it. */
function richRequest(s: ServedVersion, rng: Rng, topic: string): unknown {
  const batch = () =>
    buildRecordBatch([{ key: 'k', value: 'v'.repeat(rng.int(200)) }, { value: 'w' }], {
      compression: [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Lz4, CompressionCodec.Zstd][
        rng.int(4)
      ],
    });
  switch (s.apiKey) {
    case 0:
      return {
        transactionalId: null,
        acks: [1, -1, 0][rng.int(3)],
        timeoutMs: 1000,
        topics: [{ name: topic, partitions: [{ index: 0, records: batch() }] }],
      };
    case 1:
      return {
        replicaId: -1,
        maxWaitMs: 10,
        minBytes: 1,
        maxBytes: 100000,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 100000 },
            ],
          },
        ],
        forgottenTopics: [],
        rackId: '',
      };
    case 3:
      return { topics: [topic], allowAutoTopicCreation: true };
    case 19:
      return {
        topics: [
          {
            name: `fz${rng.int(50)}`,
            numPartitions: 1 + rng.int(3),
            replicationFactor: 1,
            assignments: [],
            configs: [{ name: 'cleanup.policy', value: ['compact', 'delete'][rng.int(2)] }],
          },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      };
    case 61:
      return { topics: [{ name: topic, partitionIndexes: [0, 1, rng.int(5)] }] };
    case 65:
      return { transactionalIds: [`fz-tx-${rng.int(5)}`, ''] };
    case 66:
      return {
        stateFilters: [['Ongoing', 'Empty', 'NoSuchState'][rng.int(3)]],
        producerIdFilters: [rng.int(10)],
        durationFilterMs: s.version >= 1 ? rng.int(1000) : -1,
      };
    default:
      return undefined;
  }
}

export function mutate(rng: Rng, f: Buffer): Buffer {
  const b = Buffer.from(f);
  const fix = (x: Buffer) => {
    const out = Buffer.from(x);
    if (out.length >= 4) out.writeInt32BE(out.length - 4, 0);
    return out;
  };
  switch (rng.int(9)) {
    case 0: // flip bytes in the body (header intact: reaches the decoders and the handlers)
      for (let i = 0, n = 1 + rng.int(4); i < n; i++)
        if (b.length > 14) b[14 + rng.int(b.length - 14)] ^= 1 << rng.int(8);
      return b;
    case 1: // truncated body, size prefix adjusted
      return fix(b.subarray(0, 4 + rng.int(b.length - 4)));
    case 2: // random api key
      b.writeInt16BE(rng.int(100) - 10, 4);
      return b;
    case 3: // random version
      b.writeInt16BE(rng.int(40) - 5, 6);
      return b;
    case 4: // lying size prefix
      b.writeInt32BE([-1, 0x7fffffff, 200 * 1024 * 1024, 600 * 1024, 3][rng.int(5)], 0);
      return b;
    case 5: // garbage
      return Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256)));
    case 6: // random bytes appended (trailing data, bigger arrays than the body holds)
      return fix(Buffer.concat([b, Buffer.from(Array.from({ length: 1 + rng.int(32) }, () => rng.int(256)))]));
    case 7: // a byte near the end (inside a record batch, if any)
      if (b.length > 40) b[b.length - 1 - rng.int(30)] ^= 0xff;
      return b;
    default:
      return b;
  }
}

/** One frame per served (key, version), well-formed where the codec allows, then mutated or not. */
export function framesFor(rng: Rng, versions: readonly ServedVersion[], topic: string): Buffer[] {
  const out: Buffer[] = [];
  for (const s of versions) {
    const req = rng.int(2) === 0 ? (richRequest(s, rng, topic) ?? zeroRequest(s)) : zeroRequest(s);
    let frame: Buffer;
    try {
      frame = req === undefined ? randomBodyFrame(rng, s) : frameOf(s, req, rng.int(1e6));
    } catch {
      frame = randomBodyFrame(rng, s);
    }
    out.push(rng.int(3) === 0 ? frame : mutate(rng, frame));
  }
  return out;
}

function randomBodyFrame(rng: Rng, s: ServedVersion): Buffer {
  const body = Buffer.from(Array.from({ length: rng.int(128) }, () => rng.int(256)));
  return encodeRequestFrame(
    { apiKey: s.apiKey, apiVersion: s.version, correlationId: rng.int(1e6), clientId: 'fuzz' },
    s.version >= s.codec.flexibleFrom,
    (w) => void w.raw(body),
  );
}

/** SASL PLAIN login frames (handshake v1, authenticate v1) to put in front of fuzz frames. */
export function plainLogin(user: string, password: string): Buffer[] {
  const byKey = new Map(codecs.map((c) => [c.apiKey, c as unknown as ApiCodec<unknown, unknown>]));
  const hs = { apiKey: 17, version: 1, codec: byKey.get(17)! };
  const auth = { apiKey: 36, version: 1, codec: byKey.get(36)! };
  return [
    frameOf(hs, { mechanism: 'PLAIN' }, 1),
    frameOf(auth, { authBytes: Buffer.from(`\u0000${user}\u0000${password}`) }, 2),
  ];
}

/** Send frames on one connection (after `prefix`), then half-close; resolves when closed or after 1 s. */
export function blast(port: number, frames: Buffer[], prefix: Buffer[] = []): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    const timer = setTimeout(done, 1000);
    s.on('error', done);
    s.on('close', done);
    s.on('data', () => {});
    s.on('connect', () => {
      for (const f of prefix) s.write(f);
      // The login's answers come back before the rest matters; a short pause keeps the frames after it.
      setTimeout(
        () => {
          for (const f of frames) s.write(f);
          s.end();
        },
        prefix.length ? 30 : 0,
      );
    });
  });
}

export interface FuzzTarget {
  port: number;
  /** Log in with SASL PLAIN first on half the connections (a SASL listener). */
  login?: { user: string; password: string };
}

/**
 * `rounds` rounds: each sends one frame per served (key, version) to every target, a few frames
 * per connection (a bad one closes it), six connections at a time. Returns the frames sent.
 */
export async function fuzz(
  targets: readonly FuzzTarget[],
  seed: number,
  rounds: number,
  topic = 'fuzz-target',
): Promise<number> {
  const rng = new Rng(seed);
  const versions = servedVersions();
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    for (const t of targets) {
      const frames = framesFor(rng, versions, topic);
      const conns: Buffer[][] = [];
      for (let i = 0; i < frames.length; i += 4) conns.push(frames.slice(i, i + 4));
      for (let i = 0; i < conns.length; i += 6) {
        await Promise.all(
          conns
            .slice(i, i + 6)
            .map((fs) =>
              blast(t.port, fs, t.login && rng.int(2) === 0 ? plainLogin(t.login.user, t.login.password) : []),
            ),
        );
      }
      sent += frames.length;
    }
  }
  return sent;
}
