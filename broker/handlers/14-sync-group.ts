// SyncGroup (14), v0-3: followers wait for the leader's assignment, which is stored in
// `__consumer_offsets` before anyone is answered.
import { syncGroupCodec, type SyncGroupRequest, type SyncGroupResponse, ErrorCode } from '../../protocol/index.js';
import { syncGroup } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<SyncGroupRequest, SyncGroupResponse> = {
  codec: syncGroupCodec,
  handle: (req, ctx) =>
    canGroup(ctx, AclOperation.READ, req.groupId)
      ? syncGroup(coordinatorOf(ctx), req)
      : { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, assignment: Buffer.alloc(0) },
};
