// DeleteGroups (42), v0-1: NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND for unknown
// groups; otherwise tombstones for the group and its offsets.
import { deleteGroupsCodec, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../../protocol/apis/42-delete-groups.js';
import { deleteGroups } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DeleteGroupsRequest, DeleteGroupsResponse> = {
  codec: deleteGroupsCodec,
  handle: (req, ctx) => deleteGroups(coordinatorOf(ctx), req),
};
