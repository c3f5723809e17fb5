// ApiVersions (18): advertised 0-2; the ranges come from the registry (one source of truth), which
// passes its table in (`apiVersionsHandler(advertisedVersions)`), so this module does not import it.
// v3+ (librdkafka's first try) is answered by the server with UNSUPPORTED_VERSION in a v0 body
// before reaching this handler, and the connection stays open.
import {
  apiVersionsCodec,
  type ApiVersionRange,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

/** The ApiVersions handler answering with `advertised()` (the registry's ranges, sorted by key). */
export function apiVersionsHandler(
  advertised: () => ApiVersionRange[],
): HandlerModule<ApiVersionsRequest, ApiVersionsResponse> {
  return {
    codec: apiVersionsCodec,
    maxVersion: 2,
    handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: advertised(), throttleTimeMs: 0 }),
  };
}
