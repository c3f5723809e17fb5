// JoinGroup (11), v0-5: v4+ first answers MEMBER_ID_REQUIRED with a member id. The answer waits
// until the join round completes (all members rejoined or the rebalance timeout).
// Skipped: static membership (group_instance_id is carried, not used for fencing).
import { joinGroupCodec, type JoinGroupRequest, type JoinGroupResponse, ErrorCode } from '../../protocol/index.js';
import { joinGroup } from '../group/requests.js';
import { clientInfo, coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<JoinGroupRequest, JoinGroupResponse> = {
  codec: joinGroupCodec,
  handle: (req, ctx) =>
    canGroup(ctx, AclOperation.READ, req.groupId)
      ? joinGroup(coordinatorOf(ctx), req, ctx.apiVersion, clientInfo(ctx))
      : {
          throttleTimeMs: 0,
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          generationId: -1,
          protocolName: '',
          leader: '',
          memberId: req.memberId,
          members: [],
        },
};
