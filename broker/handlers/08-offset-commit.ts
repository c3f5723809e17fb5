// OffsetCommit (8), v2-9: group members commit with their generation (a KIP-848 member with its
// member epoch: STALE_MEMBER_EPOCH / UNKNOWN_MEMBER_ID), standalone consumers with generation -1. Acknowledged once the commit is appended to `__consumer_offsets`.
// Skipped: retention_time_ms (no offset expiry), topic existence checks.
import {
  offsetCommitCodec,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { offsetCommit } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup } from '../security/index.js';

export const handler: HandlerModule<OffsetCommitRequest, OffsetCommitResponse> = {
  codec: offsetCommitCodec,
  handle: (req, ctx) =>
    canGroup(ctx, AclOperation.READ, req.groupId)
      ? offsetCommit(coordinatorOf(ctx), req)
      : {
          throttleTimeMs: 0,
          topics: req.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            })),
          })),
        },
};
