// SaslAuthenticate (36), versions 0-1. Without a SASL listener there is nothing to authenticate:
// ILLEGAL_SASL_STATE, counted as a failed authentication on the listener.
import { saslAuthenticateCodec, type SaslAuthenticateRequest, type SaslAuthenticateResponse } from '../../protocol/apis/36-sasl-authenticate.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  codec: saslAuthenticateCodec,
  handle(_req, ctx) {
    ctx.services.metrics.authentication(ctx.listener, false);
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: `listener ${ctx.listener} does not use SASL`, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  },
};
