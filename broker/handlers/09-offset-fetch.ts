// OffsetFetch (9), v1-9: -1 with no error for partitions without a commit; null topics (v2+)
// return every committed partition of the group. v8+ asks for several groups at once; v9 names the
// consumer-protocol member and its epoch (UNKNOWN_MEMBER_ID / STALE_MEMBER_EPOCH when they do not match).
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
  handle(req, ctx) {
    if (req.groups) {
      // v8+: groups the principal may not DESCRIBE are answered GROUP_AUTHORIZATION_FAILED in place.
      const allowed = req.groups.filter((g) => canGroup(ctx, AclOperation.DESCRIBE, g.groupId));
      const res = offsetFetch(coordinatorOf(ctx), { ...req, groups: allowed }, ctx.apiVersion);
      const byId = new Map((res.groups ?? []).map((g) => [g.groupId, g]));
      return {
        ...res,
        groups: req.groups.map(
          (g) =>
            byId.get(g.groupId) ?? { groupId: g.groupId, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED },
        ),
      };
    }
    return canGroup(ctx, AclOperation.DESCRIBE, req.groupId)
      ? offsetFetch(coordinatorOf(ctx), req, ctx.apiVersion)
      : { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  },
};
