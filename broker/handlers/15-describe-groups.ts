// DescribeGroups (15), v0-6: unknown groups, KIP-848 consumer groups and share groups are described
// as Dead with no members, as Kafka 4 does: no error before v6, GROUP_ID_NOT_FOUND with Kafka's
// message from v6. Skipped: v3+ authorized operations (INT32_MIN, "not requested").
import {
  describeGroupsCodec,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { describeGroups } from '../group/requests.js';
import { shareServicesOf } from '../group/share-plugin.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<DescribeGroupsRequest, DescribeGroupsResponse> = {
  codec: describeGroupsCodec,
  handle(req, ctx) {
    // Groups the principal may not DESCRIBE are answered GROUP_AUTHORIZATION_FAILED in place.
    const res = describeGroups(
      coordinatorOf(ctx),
      { groups: req.groups.filter((g) => canGroup(ctx, AclOperation.DESCRIBE, g)) },
      ctx.apiVersion,
      (g) => shareServicesOf(ctx.services).coordinator.group(g) !== undefined,
    );
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
