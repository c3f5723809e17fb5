// Heartbeat (12), v0-3: NONE when Stable, REBALANCE_IN_PROGRESS during a join round,
// ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID for fenced members.
import { heartbeatCodec, type HeartbeatRequest, type HeartbeatResponse } from '../../protocol/index.js';
import { heartbeat } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<HeartbeatRequest, HeartbeatResponse> = {
  codec: heartbeatCodec,
  handle: (req, ctx) => heartbeat(coordinatorOf(ctx), req),
};
