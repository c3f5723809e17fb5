// What the server dispatches to: the APIs this broker serves, with their request/response types
// erased (the server only moves values through). broker/handlers/registry.ts builds them from the
// handler modules; broker.ts hands them to the SocketServer, so the server never imports handlers.
import type { ApiVersionRange, ProtocolReader, ProtocolWriter } from '../../protocol/index.js';
import type { RequestContext } from '../services.js';

/** A registered API with its request/response types erased. */
export interface RegisteredApi {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly flexibleFrom: number;
  decode(r: ProtocolReader, version: number): unknown;
  handle(req: unknown, ctx: RequestContext): unknown;
  encode(w: ProtocolWriter, version: number, res: unknown): void;
  errorCodes(res: unknown): number[];
  sizeHint(res: unknown): number;
}

/** The one API table: what is accepted (`apiFor`) and what is advertised (`advertisedVersions`). */
export interface ServedApis {
  apiFor(key: number): RegisteredApi | undefined;
  /** The advertised ranges, sorted by key (the ApiVersions response body). */
  advertisedVersions(): ApiVersionRange[];
}
