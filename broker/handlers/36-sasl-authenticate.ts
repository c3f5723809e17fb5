// SaslAuthenticate (36), versions 0-1. The tokens of a SASL exchange are handled by the connection
// (broker/server/connection.ts); one reaching this module came on a listener without SASL or
// after authentication: ILLEGAL_SASL_STATE, counted as a failed authentication on the listener.
import {
  saslAuthenticateCodec,
  type SaslAuthenticateRequest,
  type SaslAuthenticateResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  codec: saslAuthenticateCodec,
  handle(_req, ctx) {
    ctx.services.metrics.authentication(ctx.listener, false);
    return {
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage: `no SASL exchange in progress on this ${ctx.listener} connection`,
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0,
    };
  },
};
