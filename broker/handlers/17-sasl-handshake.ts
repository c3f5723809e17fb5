// SaslHandshake (17), versions 0-1. The single broker has only a PLAINTEXT listener, which (as in
// Kafka) does not take part in SASL: the handshake is answered with ILLEGAL_SASL_STATE and an
// empty mechanism list. The SASL_PLAINTEXT listener of issue 4 answers it before requests reach here.
import { saslHandshakeCodec, type SaslHandshakeRequest, type SaslHandshakeResponse } from '../../protocol/apis/17-sasl-handshake.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<SaslHandshakeRequest, SaslHandshakeResponse> = {
  codec: saslHandshakeCodec,
  handle(req, ctx) {
    ctx.services.logger.info({ client: ctx.clientHost, mechanism: req.mechanism, listener: ctx.listener }, 'SASL handshake on a listener without SASL');
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  },
};
