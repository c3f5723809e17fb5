// ShareFetch (78), v1 (KIP-932), on the partition leader: share sessions, acknowledgements
// piggybacked on the fetch, and records acquired for the member with their delivery counts
// (broker/group/share-partitions.ts). Long poll up to max_wait_ms when nothing can be acquired.
import { shareFetchCodec, type ShareFetchRequest, type ShareFetchResponse, ErrorCode } from '../../protocol/index.js';
import { shareServicesOf } from '../group/share-plugin.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canGroup, canTopic } from '../security/index.js';

export const handler: HandlerModule<ShareFetchRequest, ShareFetchResponse> = {
  codec: shareFetchCodec,
  responseSizeHint: (res) => {
    let n = 128;
    for (const t of res.responses)
      for (const p of t.partitions) {
        n += 96 + p.acquiredRecords.length * 24;
        const r = p.records;
        if (Buffer.isBuffer(r)) n += r.length;
        else if (r) for (const b of r) n += b.length;
      }
    return n;
  },
  handle(req, ctx) {
    if (!canGroup(ctx, AclOperation.READ, req.groupId ?? ''))
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        errorMessage: null,
        acquisitionLockTimeoutMs: 0,
        responses: [],
        nodeEndpoints: [],
      };
    return shareServicesOf(ctx.services).partitions.shareFetch(req, (topic) => canTopic(ctx, AclOperation.READ, topic));
  },
};
