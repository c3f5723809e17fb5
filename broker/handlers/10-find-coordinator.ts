// FindCoordinator (10), v0-2. Key type 0 (group): the leader of the group's `__consumer_offsets`
// partition (abs(hashCode(group)) % partitions). Key type 1 (transaction, v1+): the leader of the
// transactional id's `__transaction_state` partition (the topic is created on the first such
// request, clients retry meanwhile). DESCRIBE on the group / transactional id is required.
import {
  findCoordinatorCodec,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { findCoordinator } from '../group/requests.js';
import { TRANSACTION_STATE_TOPIC } from '../txn/coordinator.js';
import { ensureTransactionStateTopic } from '../txn/plugin.js';
import type { RequestContext } from '../services.js';
import { coordinatorOf, locateCoordinator } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup, canTransactionalId } from '../security/index.js';

const none = { throttleTimeMs: 0, nodeId: -1, host: '', port: -1 };

function transactionCoordinator(req: FindCoordinatorRequest, ctx: RequestContext): FindCoordinatorResponse {
  if (!canTransactionalId(ctx, AclOperation.DESCRIBE, req.key))
    return { ...none, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: null };
  if (req.key === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'empty transactional id' };
  const s = ctx.services;
  const tc = s.transactions;
  ensureTransactionStateTopic(s);
  const leader = tc ? (s.topics.partition(TRANSACTION_STATE_TOPIC, tc.partitionFor(req.key))?.leader ?? -1) : -1;
  const node = leader >= 0 ? s.broker(leader) : null;
  if (!node)
    return {
      ...none,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: `no leader for the transactional id's ${TRANSACTION_STATE_TOPIC} partition`,
    };
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    nodeId: node.nodeId,
    host: node.host,
    port: node.port,
  };
}

export const handler: HandlerModule<FindCoordinatorRequest, FindCoordinatorResponse> = {
  codec: findCoordinatorCodec,
  handle: (req, ctx) =>
    req.keyType === 1
      ? transactionCoordinator(req, ctx)
      : req.keyType !== 0 || canGroup(ctx, AclOperation.DESCRIBE, req.key)
        ? findCoordinator(coordinatorOf(ctx), req, locateCoordinator(ctx.services))
        : { ...none, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null },
};
