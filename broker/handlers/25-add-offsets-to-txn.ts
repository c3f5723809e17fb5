// AddOffsetsToTxn (25), versions 0-2: adds the group's `__consumer_offsets` partition to the
// producer's open transaction (its TxnOffsetCommit then goes to the group coordinator, and the
// transaction's marker commits or drops those offsets there). Errors as AddPartitionsToTxn.
import {
  addOffsetsToTxnCodec,
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canGroup, canTransactionalId } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  codec: addOffsetsToTxnCodec,
  async handle(req, ctx) {
    const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode });
    if (!canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
      return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!canGroup(ctx, AclOperation.READ, req.groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const tc = ctx.services.transactions;
    if (!tc) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return answer(
      await tc.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, {
        producerFenced: ctx.apiVersion >= 2,
      }),
    );
  },
};
