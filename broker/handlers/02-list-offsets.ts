// ListOffsets (2), versions 0-3.
// - timestamp -2: log start offset; -1: latest (high watermark for consumers, the last stable
//   offset for read_committed ones (isolation_level 1, v2+), log end for replica_id >= 0); otherwise the first offset whose batch max timestamp is >= the timestamp
//   (time index) below the high watermark (read_committed: below the last stable offset), or
//   offset -1 / timestamp -1 when none (v1+).
// - v0 answers old_style_offsets with one entry (max_num_offsets is not honoured beyond 1).
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsetsCodec,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canTopic } from '../security/index.js';

export const handler: HandlerModule<ListOffsetsRequest, ListOffsetsResponse> = {
  codec: listOffsetsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        const none = { partitionIndex: p.partitionIndex, oldStyleOffsets: [], timestamp: -1, offset: -1 };
        if (!canTopic(ctx, AclOperation.DESCRIBE, t.name))
          return { ...none, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        const state = s.topics.partition(t.name, p.partitionIndex);
        if (!state) return { ...none, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        const replica = s.replicas.replica(t.name, p.partitionIndex);
        if (state.leader !== s.nodeId || !replica) return { ...none, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
        let offset: number;
        let timestamp = -1;
        if (p.timestamp === EARLIEST_TIMESTAMP) offset = replica.log.logStartOffset();
        else if (p.timestamp === LATEST_TIMESTAMP)
          offset =
            req.replicaId >= 0
              ? replica.log.logEndOffset()
              : req.isolationLevel === 1
                ? replica.lastStableOffset()
                : replica.highWatermark;
        else {
          // Bounded like the latest offset of the same isolation level: read_committed consumers
          // must not be pointed at a record of a transaction that may still abort (Kafka: the LSO).
          const bound = req.isolationLevel === 1 ? replica.lastStableOffset() : replica.highWatermark;
          const found = replica.log.offsetForTimestamp(p.timestamp);
          if (found && found.offset < bound) {
            offset = found.offset;
            timestamp = found.timestamp;
          } else offset = -1;
        }
        return {
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: offset >= 0 ? [offset] : [],
          timestamp,
          offset,
        };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
