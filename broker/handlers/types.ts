// The handler contract of the reference broker (stable: other helpers code against it).
//
// One file per API in broker/handlers/, named `<NN>-<name>.ts` (NN = zero-padded api key), exporting
//
//   export const handler: HandlerModule<Req, Res> = { codec, handle(req, ctx) { ... } };
//
// - `codec` is the API's protocol codec (protocol/apis/<NN>-<name>.ts). The broker advertises the
//   codec's [minVersion, maxVersion] unless the module narrows it with `minVersion`/`maxVersion`.
//   Version checks happen centrally in the server before `handle` runs.
// - `handle` gets the decoded request and a RequestContext, and returns the response (or a promise
//   for it: responses still leave each connection in request order). Throwing is allowed: the
//   server logs it and closes the connection (Kafka's behaviour for an internal error).
// - `ctx.skipResponse()` sends no response at all (Produce with acks=0 only).
// - Error metrics: the server counts every numeric `errorCode` field found in the response
//   (errors_total{request,error}); a module may supply `errorCodes(res)` to do it faster.
// - Register the module with one line in broker/handlers/registry.ts.
//
// RequestContext and the services it carries (BrokerServices) are in broker/services.ts.
import type { ApiCodec } from '../../protocol/index.js';
import type { RequestContext } from '../services.js';

export interface HandlerModule<Req, Res> {
  readonly codec: ApiCodec<Req, Res>;
  /** Narrow the advertised range below what the codec supports (defaults: the codec's range). */
  readonly minVersion?: number;
  readonly maxVersion?: number;
  handle(req: Req, ctx: RequestContext): Res | Promise<Res>;
  /** Error codes of a response for errors_total; default: every numeric `errorCode` field. */
  errorCodes?(res: Res): number[];
  /** Expected encoded size, so a large response (Fetch) is written without regrowing the buffer. */
  responseSizeHint?(res: Res): number;
}
