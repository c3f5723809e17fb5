// SaslHandshake (17), versions 0-1. On a SASL listener the connection (broker/server/connection.ts)
// answers the handshake itself while unauthenticated, so a request reaching this module came on a
// listener without SASL (PLAINTEXT, SSL) or after authentication: ILLEGAL_SASL_STATE, as Kafka.
import {
  saslHandshakeCodec,
  type SaslHandshakeRequest,
  type SaslHandshakeResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<SaslHandshakeRequest, SaslHandshakeResponse> = {
  codec: saslHandshakeCodec,
  handle(req, ctx) {
    ctx.services.logger.info(
      { client: ctx.clientHost, mechanism: req.mechanism, listener: ctx.listener },
      'SASL handshake on a listener without SASL or after authentication',
    );
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  },
};
