// ApiVersions (18): advertised 0-2; the ranges come from the registry (one source of truth).
// v3+ (librdkafka's first try) is answered by the server with UNSUPPORTED_VERSION in a v0 body
// before reaching this handler, and the connection stays open.
import {
  apiVersionsCodec,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
} from '../../protocol/apis/18-api-versions.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { advertisedVersions } from './registry.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<ApiVersionsRequest, ApiVersionsResponse> = {
  codec: apiVersionsCodec,
  maxVersion: 2,
  handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: advertisedVersions(), throttleTimeMs: 0 }),
};
