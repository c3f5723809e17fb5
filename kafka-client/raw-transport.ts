// Raw request transport over kafkajs's per-broker connections, for APIs kafkajs lacks. The
// request/response bodies are encoded/decoded by the project's protocol/ codecs; this module
// only adds what the header needs. kafkajs writes request header v1 (api key, version,
// correlation id, client id); flexible versions use header v2, which is v1 plus a tagged-field
// section, so we send an empty one (0x00) in front of the body. For flexible responses the
// response header v1 adds a tagged-field section after the correlation id, skipped here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KjsEncoder {
  buf: Buffer;
  writeBufferInternal(b: Buffer): void;
}

export interface KjsConnectionPool {
  send(req: {
    request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<KjsEncoder> };
    response: { decode(payload: Buffer): Promise<Buffer>; parse(data: Buffer): Promise<Buffer> };
  }): Promise<Buffer>;
}

/** Skip a tagged-field section (unsigned varint count, then tag/size/bytes per field). */
export function skipTaggedFields(buf: Buffer, offset = 0): number {
  const readUVarint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= buf.length) throw new Error('truncated tagged fields in response header');
      const b = buf[offset++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const count = readUVarint();
  for (let i = 0; i < count; i++) {
    readUVarint(); // tag
    const size = readUVarint();
    offset += size;
  }
  return offset;
}

/** Send one request body to a broker and return the response body. */
export async function sendRaw(
  pool: KjsConnectionPool,
  api: { apiKey: number; name: string },
  version: number,
  flexible: boolean,
  body: Buffer,
): Promise<Buffer> {
  const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => KjsEncoder;
  return pool.send({
    request: {
      apiKey: api.apiKey,
      apiVersion: version,
      apiName: api.name,
      encode: async () => {
        const e = new Encoder();
        if (flexible) e.writeBufferInternal(Buffer.from([0]));
        e.writeBufferInternal(body);
        return e;
      },
    },
    response: {
      decode: async (payload: Buffer) => (flexible ? payload.subarray(skipTaggedFields(payload)) : payload),
      parse: async (data: Buffer) => data,
    },
  });
}
