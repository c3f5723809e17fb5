// ShareGroupHeartbeat (76), v1 (KIP-932): join (epoch 0), heartbeat and leave (epoch -1) of
// share-group members; the coordinator assigns partitions (simple share assignor, a partition may
// go to several members) and answers with the member's epoch and assignment
// (broker/group/share-group.ts). A group id already used by a classic or consumer group is
// GROUP_ID_NOT_FOUND, as Kafka 4 answers.
import {
  shareGroupHeartbeatCodec,
  type ShareGroupHeartbeatRequest,
  type ShareGroupHeartbeatResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { shareServicesOf } from '../group/share-plugin.js';
import { clientInfo } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

const failed = (errorCode: number, errorMessage: string | null = null): ShareGroupHeartbeatResponse => ({
  throttleTimeMs: 0,
  errorCode,
  errorMessage,
  memberId: null,
  memberEpoch: -1,
  heartbeatIntervalMs: 0,
  assignment: null,
});

export const handler: HandlerModule<ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse> = {
  codec: shareGroupHeartbeatCodec,
  handle(req, ctx) {
    if (!canGroup(ctx, AclOperation.READ, req.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const share = shareServicesOf(ctx.services);
    const unavailable = share.unavailable(req.groupId);
    if (unavailable !== ErrorCode.NONE) return failed(unavailable);
    if (share.otherGroupType(req.groupId))
      return failed(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a share group.`);
    return { throttleTimeMs: 0, ...share.coordinator.heartbeat(req, clientInfo(ctx)) };
  },
};
