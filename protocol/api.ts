// The contract every API module under protocol/apis/ implements. One module per API
// (`protocol/apis/<NN>-<name>.ts`, NN = zero-padded api key) holds all its versions, opens with a
// comment giving the schema and per-version notes, and exports one ApiCodec. The registry
// (protocol/apis/index.ts) lists them; the broker advertises exactly what the registry holds.
import type { ProtocolReader } from './primitives/reader.js';
import type { ProtocolWriter } from './primitives/writer.js';

export interface ApiCodec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  /** Versions this codec can decode/encode (the broker advertises these). */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (compact forms + tagged fields), Infinity when none supported. */
  readonly flexibleFrom: number;
  /** Broker side: request body (after the header) -> typed request. */
  decodeRequest(r: ProtocolReader, version: number): Req;
  /** Broker side: typed response -> body (after the response header). */
  encodeResponse(w: ProtocolWriter, version: number, res: Res): void;
  /** Client side (exporter, tests): typed request -> body. */
  encodeRequest?(w: ProtocolWriter, version: number, req: Req): void;
  /** Client side: response body -> typed response. */
  decodeResponse?(r: ProtocolReader, version: number): Res;
}

export function isFlexible(codec: { flexibleFrom: number }, version: number): boolean {
  return version >= codec.flexibleFrom;
}
