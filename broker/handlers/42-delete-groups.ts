// DeleteGroups (42), v0-1: NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND for unknown
// groups; otherwise tombstones for the group and its offsets.
import {
  deleteGroupsCodec,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { deleteGroups } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<DeleteGroupsRequest, DeleteGroupsResponse> = {
  codec: deleteGroupsCodec,
  async handle(req, ctx) {
    // Groups the principal may not DELETE are answered GROUP_AUTHORIZATION_FAILED in place.
    const res = await deleteGroups(coordinatorOf(ctx), {
      groupsNames: req.groupsNames.filter((g) => canGroup(ctx, AclOperation.DELETE, g)),
    });
    const byId = new Map(res.results.map((r) => [r.groupId, r]));
    return {
      ...res,
      results: req.groupsNames.map(
        (g) => byId.get(g) ?? { groupId: g, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED },
      ),
    };
  },
};
