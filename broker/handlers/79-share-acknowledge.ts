// ShareAcknowledge (79), v1 (KIP-932), on the partition leader: accept / release / reject of
// acquired records in a share session; epoch -1 closes the session and releases what the member
// still holds (broker/group/share-partitions.ts). Answered once the new state is replicated.
import {
  shareAcknowledgeCodec,
  type ShareAcknowledgeRequest,
  type ShareAcknowledgeResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { shareServicesOf } from '../group/share-plugin.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup, canTopic } from '../security/index.js';

export const handler: HandlerModule<ShareAcknowledgeRequest, ShareAcknowledgeResponse> = {
  codec: shareAcknowledgeCodec,
  handle(req, ctx) {
    if (!canGroup(ctx, AclOperation.READ, req.groupId ?? ''))
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        errorMessage: null,
        responses: [],
        nodeEndpoints: [],
      };
    return shareServicesOf(ctx.services).partitions.shareAcknowledge(req, (topic) =>
      canTopic(ctx, AclOperation.READ, topic),
    );
  },
};
