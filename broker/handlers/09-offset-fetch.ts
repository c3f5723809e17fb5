// OffsetFetch (9), v1-5: -1 with no error for partitions without a commit; null topics (v2+)
// return every committed partition of the group.
import {
  offsetFetchCodec,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { offsetFetch } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<OffsetFetchRequest, OffsetFetchResponse> = {
  codec: offsetFetchCodec,
  handle: (req, ctx) =>
    canGroup(ctx, AclOperation.DESCRIBE, req.groupId)
      ? offsetFetch(coordinatorOf(ctx), req, ctx.apiVersion)
      : { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED },
};
