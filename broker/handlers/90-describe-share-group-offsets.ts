// DescribeShareGroupOffsets (90), v0-1 (KIP-932; v1 adds the lag, KIP-1226), on the group's
// coordinator: the share-partition start offset of every share-partition of the group (or of the
// topics asked for), from the partition's live state when this node leads it, else from the newest
// `__share_group_state` record in its local replicas. Lag: high watermark - start offset - records
// already acknowledged or archived past it (-1 without a local replica of the partition).
import {
  describeShareGroupOffsetsCodec,
  type DescribeShareGroupOffsetsRequest,
  type DescribeShareGroupOffsetsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { shareServicesOf } from '../group/share-plugin.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<DescribeShareGroupOffsetsRequest, DescribeShareGroupOffsetsResponse> = {
  codec: describeShareGroupOffsetsCodec,
  handle(req, ctx) {
    const share = shareServicesOf(ctx.services);
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((g) => {
        const failed = (errorCode: number, errorMessage: string | null = null) => ({
          groupId: g.groupId,
          topics: [],
          errorCode,
          errorMessage,
        });
        if (!canGroup(ctx, AclOperation.DESCRIBE, g.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        const unavailable = share.unavailable(g.groupId);
        if (unavailable !== ErrorCode.NONE) return failed(unavailable);
        const res = share.partitions.describeOffsets(g, share.coordinator.assignedTopics(g.groupId));
        if (!share.coordinator.group(g.groupId) && res.topics.length === 0)
          return failed(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${g.groupId} not found.`);
        return res;
      }),
    };
  },
};
