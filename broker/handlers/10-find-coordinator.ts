// FindCoordinator (10), v0-2: a group's coordinator is the leader of its `__consumer_offsets`
// partition (abs(hashCode(group)) % partitions). Transaction coordinators are not supported.
import {
  findCoordinatorCodec,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { findCoordinator } from '../group/requests.js';
import { coordinatorOf, locateCoordinator } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<FindCoordinatorRequest, FindCoordinatorResponse> = {
  codec: findCoordinatorCodec,
  handle: (req, ctx) =>
    req.keyType !== 0 || canGroup(ctx, AclOperation.DESCRIBE, req.key)
      ? findCoordinator(coordinatorOf(ctx), req, locateCoordinator(ctx.services))
      : {
          throttleTimeMs: 0,
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          errorMessage: null,
          nodeId: -1,
          host: '',
          port: -1,
        },
};
