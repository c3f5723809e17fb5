// DescribeShareGroupOffsets (90), v0-1 (KIP-932; v1 adds the lag, KIP-1226), on the group's
// coordinator: the share-partition start offset of every share-partition of the group (or of the
// topics asked for), from the partition's live state when this node leads it, else from the newest
// `__share_group_state` record in its local replicas. Lag: high watermark - start offset - records
// already acknowledged or archived past it (-1 without a local replica of the partition).
// Authorization: group DESCRIBE; partitions of an asked-for topic the caller may not DESCRIBE get
// TOPIC_AUTHORIZATION_FAILED, and such topics are left out when all the group's topics are asked
// for (their names stay hidden). A group this broker knows nothing of, or the id of a classic or
// consumer group, is GROUP_ID_NOT_FOUND even when topics are named.
import {
  describeShareGroupOffsetsCodec,
  type DescribeShareGroupOffsetsRequest,
  type DescribeShareGroupOffsetsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { shareServicesOf } from '../group/share-plugin.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup, canTopic } from '../security/index.js';

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
        if (share.otherGroupType(g.groupId))
          return failed(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${g.groupId} is not a share group.`);
        const assigned = share.coordinator.assignedTopics(g.groupId);
        const known =
          share.coordinator.group(g.groupId) !== undefined ||
          share.partitions.describeOffsets({ ...g, topics: null }, assigned).topics.length > 0;
        if (!known) return failed(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${g.groupId} not found.`);
        const res = share.partitions.describeOffsets(g, assigned);
        const topics = res.topics.flatMap((t) => {
          if (canTopic(ctx, AclOperation.DESCRIBE, t.topicName)) return [t];
          if (g.topics === null) return [];
          const denied = {
            startOffset: -1,
            lag: -1,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: null,
          };
          return [{ ...t, partitions: t.partitions.map((p) => ({ ...p, ...denied })) }];
        });
        return { ...res, topics };
      }),
    };
  },
};
