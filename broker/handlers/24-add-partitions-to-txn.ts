// AddPartitionsToTxn (24), versions 0-2: adds partitions to the producer's open transaction on its
// transaction coordinator (broker/txn), which must see them before the producer writes to them.
// A producer id/epoch that is not the id's current one: INVALID_PRODUCER_ID_MAPPING /
// INVALID_PRODUCER_EPOCH (PRODUCER_FENCED from v2); a transaction being committed or aborted:
// CONCURRENT_TRANSACTIONS (retriable); an unknown partition: UNKNOWN_TOPIC_OR_PARTITION and the
// others OPERATION_NOT_ATTEMPTED. WRITE on the transactional id and on each topic is required.
import {
  addPartitionsToTxnCodec,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canTopic, canTransactionalId } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  codec: addPartitionsToTxnCodec,
  async handle(req, ctx) {
    const all = (code: (topic: string) => number) => ({
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({
        name: t.name,
        results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code(t.name) })),
      })),
    });
    if (!canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
      return all(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const denied = req.topics.filter((t) => !canTopic(ctx, AclOperation.WRITE, t.name)).map((t) => t.name);
    if (denied.length > 0)
      return all((t) =>
        denied.includes(t) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED,
      );
    const tc = ctx.services.transactions;
    if (!tc) return all(() => ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const results = await tc.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, req.topics, {
      producerFenced: ctx.apiVersion >= 2,
    });
    return { throttleTimeMs: 0, results };
  },
};
