// DescribeGroups (15), v0-5: unknown groups, and KIP-848 consumer groups (as Kafka 4 before v6), are
// described as Dead with no error. Skipped: v3+ authorized operations (INT32_MIN, "not requested").
import {
  describeGroupsCodec,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { describeGroups } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<DescribeGroupsRequest, DescribeGroupsResponse> = {
  codec: describeGroupsCodec,
  handle(req, ctx) {
    // Groups the principal may not DESCRIBE are answered GROUP_AUTHORIZATION_FAILED in place.
    const res = describeGroups(coordinatorOf(ctx), {
      groups: req.groups.filter((g) => canGroup(ctx, AclOperation.DESCRIBE, g)),
    });
    const byId = new Map(res.groups.map((g) => [g.groupId, g]));
    return {
      ...res,
      groups: req.groups.map(
        (g) =>
          byId.get(g) ?? {
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            groupId: g,
            groupState: '',
            protocolType: '',
            protocolData: '',
            members: [],
          },
      ),
    };
  },
};
