// ShareGroupDescribe (77), v1 (KIP-932): group and assignment epochs, the assignor ("simple") and
// every member with its subscription and assignment (topic ids with names). Unknown ids answer
// GROUP_ID_NOT_FOUND; authorized operations are not computed (INT32_MIN).
import {
  shareGroupDescribeCodec,
  type ShareGroupDescribeRequest,
  type ShareGroupDescribeResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { shareServicesOf } from '../group/share-plugin.js';
import { undescribedShareGroup } from '../group/share-group.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<ShareGroupDescribeRequest, ShareGroupDescribeResponse> = {
  codec: shareGroupDescribeCodec,
  handle(req, ctx) {
    const share = shareServicesOf(ctx.services);
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((groupId) => {
        if (!canGroup(ctx, AclOperation.DESCRIBE, groupId))
          return undescribedShareGroup(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
        const unavailable = share.unavailable(groupId);
        if (unavailable !== ErrorCode.NONE) return undescribedShareGroup(groupId, unavailable);
        return share.coordinator.describe(groupId);
      }),
    };
  },
};
