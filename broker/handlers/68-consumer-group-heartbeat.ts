// ConsumerGroupHeartbeat (68), v0-1 (KIP-848): join, heartbeat, leave (epoch -1) and static leave
// (epoch -2) of consumer-protocol members; the coordinator assigns partitions server-side and
// answers with the member's epoch and assignment (broker/group/consumer-coordinator.ts).
import {
  consumerGroupHeartbeatCodec,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { consumerGroupHeartbeat } from '../group/requests.js';
import { clientInfo, coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse> = {
  codec: consumerGroupHeartbeatCodec,
  handle: (req, ctx) =>
    canGroup(ctx, AclOperation.READ, req.groupId)
      ? consumerGroupHeartbeat(coordinatorOf(ctx), req, clientInfo(ctx))
      : {
          throttleTimeMs: 0,
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          errorMessage: null,
          memberId: null,
          memberEpoch: -1,
          heartbeatIntervalMs: 0,
          assignment: null,
        },
};
