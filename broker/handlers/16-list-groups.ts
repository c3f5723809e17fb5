// ListGroups (16), v0-2: every group this broker coordinates that is not Dead.
import { listGroupsCodec, type ListGroupsRequest, type ListGroupsResponse } from '../../protocol/index.js';
import { listGroups } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<ListGroupsRequest, ListGroupsResponse> = {
  codec: listGroupsCodec,
  handle: (_req, ctx) => listGroups(coordinatorOf(ctx)),
};
