// TxnOffsetCommit (28), versions 0-2: offsets a transactional producer commits for a group (the
// consume-transform-produce loop's sendOffsets), sent to the group coordinator after
// AddOffsetsToTxn. They are written to `__consumer_offsets` in a transactional batch and become
// the group's committed offsets only when the transaction's COMMIT marker reaches that partition;
// ABORT drops them (broker/group/coordinator.ts). When this broker also coordinates the
// transactional id, a stale producer epoch is INVALID_PRODUCER_EPOCH.
import {
  txnOffsetCommitCodec,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canGroup, canTopic, canTransactionalId } from '../security/index.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  codec: txnOffsetCommitCodec,
  async handle(req, ctx) {
    const all = (code: (topic: string) => number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(t.name) })),
      })),
    });
    if (!canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
      return all(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!canGroup(ctx, AclOperation.READ, req.groupId)) return all(() => ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const producer = ctx.services.transactions?.checkProducer(req.transactionalId, req.producerId, req.producerEpoch);
    if (producer) return all(() => producer);
    // Topics the principal may not READ are refused; the others are committed (as Kafka does).
    const denied = req.topics.filter((t) => !canTopic(ctx, AclOperation.READ, t.name));
    const allowed = req.topics.filter((t) => !denied.includes(t));
    const topics = allowed.length > 0 ? await coordinatorOf(ctx).commitTxnOffsets({ ...req, topics: allowed }) : [];
    for (const t of denied)
      topics.push({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED as number,
        })),
      });
    return { throttleTimeMs: 0, topics };
  },
};
