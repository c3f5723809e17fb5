// InitProducerId (22), versions 0-1. Without a transactional id: a fresh producer id with epoch 0
// (idempotent producers). With one: the transaction coordinator (broker/txn) answers from its state
// for the id (NOT_COORDINATOR on another broker): a new id gets a producer id and epoch 0, a known
// one the same producer id with the epoch bumped (fencing the previous instance; its open
// transaction is aborted first), INVALID_TRANSACTION_TIMEOUT above transaction.max.timeout.ms.
// Versions 2-5 (flexible; v3 current producer id/epoch for KIP-360 recovery) are not served.
import {
  initProducerIdCodec,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canTransactionalId } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<InitProducerIdRequest, InitProducerIdResponse> = {
  codec: initProducerIdCodec,
  async handle(req, ctx) {
    const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
    if (req.transactionalId === null)
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        producerId: ctx.services.producerIds.allocate(),
        producerEpoch: 0,
      };
    if (!canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
      return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const tc = ctx.services.transactions;
    if (!tc) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return { throttleTimeMs: 0, ...(await tc.initProducerId(req.transactionalId, req.transactionTimeoutMs)) };
  },
};
