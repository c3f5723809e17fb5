// TxnOffsetCommit (28), versions 0-2: offsets a transactional producer commits for a group (the
// consume-transform-produce loop's sendOffsets), sent to the group coordinator after
// AddOffsetsToTxn. They are written to `__consumer_offsets` in a transactional batch and become
// the group's committed offsets only when the transaction's COMMIT marker reaches that partition;
// ABORT drops them (broker/group/coordinator.ts). When this broker also coordinates the
// transactional id, a stale producer epoch is INVALID_PRODUCER_EPOCH. With KIP-890 verification
// on, the group's `__consumer_offsets` partition must be in the producer's transaction
// (AddOffsetsToTxn first): INVALID_TXN_STATE otherwise.
import {
  txnOffsetCommitCodec,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
  CONSUMER_OFFSETS_TOPIC,
  ErrorCode,
} from '../../protocol/index.js';
import type { RequestContext } from '../services.js';
import { verifierOf } from '../txn/verification.js';
import { AclOperation, canGroup, canTopic, canTransactionalId } from '../security/index.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

/**
 * KIP-890 verification of the group's `__consumer_offsets` partition (as Kafka verifies it): it must
 * be in the producer's ongoing transaction (AddOffsetsToTxn), else the staged offsets would wait
 * for a marker that never comes. NONE when verified (or verification is off); a retriable
 * coordinator error is COORDINATOR_NOT_AVAILABLE here, which TxnOffsetCommit clients retry.
 */
async function verifyOffsetsPartition(req: TxnOffsetCommitRequest, ctx: RequestContext): Promise<number> {
  const s = ctx.services;
  const verifier = s.config.transactionPartitionVerificationEnable ? verifierOf(s) : undefined;
  const partition = coordinatorOf(ctx).partitionFor(req.groupId);
  if (!verifier?.needs(CONSUMER_OFFSETS_TOPIC, partition, req.producerId, req.producerEpoch)) return ErrorCode.NONE;
  const refused = await verifier.verify(req.transactionalId, req.producerId, req.producerEpoch, [
    { topic: CONSUMER_OFFSETS_TOPIC, partition },
  ]);
  const code = refused.get(`${CONSUMER_OFFSETS_TOPIC}\u0000${partition}`) ?? ErrorCode.NONE;
  return code === ErrorCode.NOT_ENOUGH_REPLICAS ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code;
}

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
    const refused = await verifyOffsetsPartition(req, ctx);
    if (refused !== ErrorCode.NONE) return all(() => refused);
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
