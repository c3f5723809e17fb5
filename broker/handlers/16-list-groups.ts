// ListGroups (16), v0-5: every group this broker coordinates that is not Dead; v4 filters by state,
// v5 by type ("classic" / "consumer"); consumer-protocol groups have protocol type "consumer".
import { listGroupsCodec, type ListGroupsRequest, type ListGroupsResponse } from '../../protocol/index.js';
import { listGroups } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<ListGroupsRequest, ListGroupsResponse> = {
  codec: listGroupsCodec,
  handle: (req, ctx) => listGroups(coordinatorOf(ctx), req),
};
