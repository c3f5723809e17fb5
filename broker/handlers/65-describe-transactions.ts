// DescribeTransactions (65), v0 (KIP-664): the coordinator's state of each transactional id: the
// state as Kafka names it (Empty, Ongoing, PrepareCommit, ...), timeout, start time, producer id and
// epoch, and the partitions of its open transaction. As Kafka answers: DESCRIBE on the transactional
// id is required (TRANSACTIONAL_ID_AUTHORIZATION_FAILED) and partitions of topics the caller may
// not DESCRIBE are left out; an id coordinated by another broker is NOT_COORDINATOR, an id the
// coordinator does not know TRANSACTIONAL_ID_NOT_FOUND.
import {
  describeTransactionsCodec,
  failedTransactionDescription,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
  type TransactionStateDescription,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canTopic, canTransactionalId } from '../security/index.js';
import { txnStateName } from '../txn/state-records.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DescribeTransactionsRequest, DescribeTransactionsResponse> = {
  codec: describeTransactionsCodec,
  handle(req, ctx) {
    const tc = ctx.services.transactions;
    const describe = (id: string): TransactionStateDescription => {
      const fail = (errorCode: number) => failedTransactionDescription(id, errorCode);
      if (!canTransactionalId(ctx, AclOperation.DESCRIBE, id))
        return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      if (!tc) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      const unavailable = tc.unavailable(id);
      if (unavailable !== ErrorCode.NONE) return fail(unavailable);
      const m = tc.describe(id);
      if (!m) return fail(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
      return {
        errorCode: ErrorCode.NONE,
        transactionalId: id,
        transactionState: txnStateName(m.state),
        transactionTimeoutMs: m.timeoutMs,
        transactionStartTimeMs: m.startMs,
        producerId: m.producerId,
        producerEpoch: m.producerEpoch,
        topics: [...m.partitions]
          .filter(([topic]) => canTopic(ctx, AclOperation.DESCRIBE, topic))
          .map(([topic, partitions]) => ({ topic, partitions: [...partitions] })),
      };
    };
    return { throttleTimeMs: 0, transactionStates: req.transactionalIds.map(describe) };
  },
};
