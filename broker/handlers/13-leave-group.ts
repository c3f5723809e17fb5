// LeaveGroup (13), v0-3: one member (v0-2) or a batch (v3, per-member errors).
import { leaveGroupCodec, type LeaveGroupRequest, type LeaveGroupResponse } from '../../protocol/index.js';
import { leaveGroup } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<LeaveGroupRequest, LeaveGroupResponse> = {
  codec: leaveGroupCodec,
  handle: (req, ctx) => leaveGroup(coordinatorOf(ctx), req),
};
