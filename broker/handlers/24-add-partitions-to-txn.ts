// AddPartitionsToTxn (24), versions 0-4 (v4 between brokers, below): adds partitions to the producer's open transaction on its
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
import { AclOperation, canCluster, canTopic, canTransactionalId } from '../security/index.js';
import type { RequestContext } from '../services.js';
import type { HandlerModule } from './types.js';

const allOf = (topics: { name: string; partitions: number[] }[], errorCode: number) =>
  topics.map((t) => ({ name: t.name, results: t.partitions.map((p) => ({ partitionIndex: p, errorCode })) }));

/**
 * v4 (KIP-890), from a partition leader: per transaction, verify_only checks that the partitions
 * are in the producer's ongoing transaction (broker/txn/verification.ts asks it); otherwise they
 * are added, as for a client. Brokers only: CLUSTER_ACTION on the cluster, else the top-level
 * CLUSTER_AUTHORIZATION_FAILED (as Kafka).
 */
async function fromBroker(req: AddPartitionsToTxnRequest, ctx: RequestContext): Promise<AddPartitionsToTxnResponse> {
  if (!canCluster(ctx, AclOperation.CLUSTER_ACTION))
    return {
      throttleTimeMs: 0,
      results: [],
      errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      resultsByTransaction: [],
    };
  const tc = ctx.services.transactions;
  const resultsByTransaction = await Promise.all(
    (req.transactions ?? []).map(async (t) => ({
      transactionalId: t.transactionalId,
      topicResults: !tc
        ? allOf(t.topics, ErrorCode.COORDINATOR_NOT_AVAILABLE)
        : t.verifyOnly
          ? tc.verifyPartitions(t.transactionalId, t.producerId, t.producerEpoch, t.topics)
          : await tc.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, t.topics, {
              producerFenced: true,
            }),
    })),
  );
  return { throttleTimeMs: 0, results: [], errorCode: ErrorCode.NONE, resultsByTransaction };
}

export const handler: HandlerModule<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  codec: addPartitionsToTxnCodec,
  async handle(req, ctx) {
    if (req.transactions) return fromBroker(req, ctx);
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
