// WriteTxnMarkers (27), versions 0-1: from a transaction coordinator to a partition leader, which
// appends a COMMIT or ABORT control batch for the producer to each named partition it leads and
// answers once the marker is replicated (broker/txn/markers.ts): NOT_LEADER_OR_FOLLOWER where it
// does not lead, INVALID_PRODUCER_EPOCH for an epoch older than the partition's. Needs
// CLUSTER_ACTION on the cluster (brokers only), as in Kafka.
import {
  writeTxnMarkersCodec,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canCluster } from '../security/index.js';
import { writeMarkersLocally } from '../txn/markers.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<WriteTxnMarkersRequest, WriteTxnMarkersResponse> = {
  codec: writeTxnMarkersCodec,
  handle(req, ctx) {
    if (!canCluster(ctx, AclOperation.CLUSTER_ACTION))
      return {
        markers: req.markers.map((m) => ({
          producerId: m.producerId,
          topics: m.topics.map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((p) => ({
              partitionIndex: p,
              errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
            })),
          })),
        })),
      };
    return writeMarkersLocally(ctx.services, req);
  },
};
