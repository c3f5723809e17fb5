// EndTxn (26), versions 0-2: commits or aborts the producer's open transaction. The coordinator
// (broker/txn) writes PrepareCommit/PrepareAbort to `__transaction_state`, the markers to every
// partition of the transaction (WriteTxnMarkers to their leaders), then CompleteCommit /
// CompleteAbort, and answers after that. Errors as AddPartitionsToTxn, plus INVALID_TXN_STATE
// (commit of an aborting transaction, or no transaction).
import { endTxnCodec, type EndTxnRequest, type EndTxnResponse, ErrorCode } from '../../protocol/index.js';
import { AclOperation, canTransactionalId } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<EndTxnRequest, EndTxnResponse> = {
  codec: endTxnCodec,
  async handle(req, ctx) {
    const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode });
    if (!canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
      return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const tc = ctx.services.transactions;
    if (!tc) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return answer(
      await tc.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, {
        producerFenced: ctx.apiVersion >= 2,
      }),
    );
  },
};
