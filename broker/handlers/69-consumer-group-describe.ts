// ConsumerGroupDescribe (69), v0-1 (KIP-848): group and assignment epochs, assignor, and every
// member's subscription, current and target assignment (topic ids with names). Unknown ids and
// classic groups answer GROUP_ID_NOT_FOUND; authorized operations are not computed (INT32_MIN).
import {
  consumerGroupDescribeCodec,
  type ConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { consumerGroupDescribe, undescribedConsumerGroup } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse> = {
  codec: consumerGroupDescribeCodec,
  handle(req, ctx) {
    const allowed = req.groupIds.filter((g) => canGroup(ctx, AclOperation.DESCRIBE, g));
    const res = consumerGroupDescribe(coordinatorOf(ctx), { ...req, groupIds: allowed });
    const byId = new Map(res.groups.map((g) => [g.groupId, g]));
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map(
        (groupId) => byId.get(groupId) ?? undescribedConsumerGroup(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED),
      ),
    };
  },
};
