// InitProducerId (22), versions 0-1: a fresh producer id with epoch 0 for idempotent producers.
// Transactions are not supported: a transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import {
  initProducerIdCodec,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<InitProducerIdRequest, InitProducerIdResponse> = {
  codec: initProducerIdCodec,
  handle(req, ctx) {
    if (req.transactionalId !== null)
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        producerId: -1,
        producerEpoch: -1,
      };
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: ctx.services.producerIds.allocate(),
      producerEpoch: 0,
    };
  },
};
