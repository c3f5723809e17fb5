// SyncGroup (14), v0-3: followers wait for the leader's assignment, which is stored in
// `__consumer_offsets` before anyone is answered.
import { syncGroupCodec, type SyncGroupRequest, type SyncGroupResponse } from '../../protocol/apis/14-sync-group.js';
import { syncGroup } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<SyncGroupRequest, SyncGroupResponse> = {
  codec: syncGroupCodec,
  handle: (req, ctx) => syncGroup(coordinatorOf(ctx), req),
};
