// ListTransactions (66), v0-1 (KIP-664; v1's duration filter is KIP-994): every transactional id
// this broker coordinates (the `__transaction_state` partitions it leads) with its producer id and
// state, filtered by state names (Kafka's, exact), producer ids and, in v1, by how long the
// transaction has been running (now - start > filter; an id that never started one does not pass
// it). An empty filter matches everything; Dead ids are never listed; state names the coordinator
// does not know come back in unknown_state_filters. Ids the caller may not DESCRIBE are left out,
// without an error, as Kafka does.
import {
  listTransactionsCodec,
  type ListTransactionsRequest,
  type ListTransactionsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canTransactionalId } from '../security/index.js';
import { TxnState, txnStateName } from '../txn/state-records.js';
import type { HandlerModule } from './types.js';

const STATE_NAMES = new Set(Object.keys(TxnState));

export const handler: HandlerModule<ListTransactionsRequest, ListTransactionsResponse> = {
  codec: listTransactionsCodec,
  handle(req, ctx) {
    const unknownStateFilters = req.stateFilters.filter((s) => !STATE_NAMES.has(s));
    const tc = ctx.services.transactions;
    if (!tc)
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
        unknownStateFilters,
        transactionStates: [],
      };
    const states = new Set(req.stateFilters);
    const producerIds = new Set(req.producerIdFilters);
    const now = Date.now();
    const transactionStates = tc
      .all()
      .filter(
        (m) =>
          m.state !== TxnState.Dead &&
          tc.owns(tc.partitionFor(m.transactionalId)) &&
          (states.size === 0 || states.has(txnStateName(m.state))) &&
          (producerIds.size === 0 || producerIds.has(m.producerId)) &&
          (req.durationFilterMs < 0 || (m.startMs >= 0 && now - m.startMs > req.durationFilterMs)) &&
          canTransactionalId(ctx, AclOperation.DESCRIBE, m.transactionalId),
      )
      .map((m) => ({
        transactionalId: m.transactionalId,
        producerId: m.producerId,
        transactionState: txnStateName(m.state),
      }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
  },
};
