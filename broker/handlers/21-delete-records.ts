// DeleteRecords (21), v0-1: moves a partition's log start offset forward on its leader (offset -1 =
// the high watermark) and deletes whole segments below it. Offsets above the high watermark are
// OFFSET_OUT_OF_RANGE, as in Kafka: only committed records can be deleted. Followers learn the new
// log start offset from the leader's fetch responses. low_watermark is the leader's new log start.
import {
  deleteRecordsCodec,
  type DeleteRecordsPartitionResult,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { errorCodeOf } from '../log/errors.js';
import type { HandlerModule } from './types.js';

const HIGH_WATERMARK = -1;

export const handler: HandlerModule<DeleteRecordsRequest, DeleteRecordsResponse> = {
  codec: deleteRecordsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): DeleteRecordsPartitionResult => {
        const fail = (errorCode: number): DeleteRecordsPartitionResult => ({
          partitionIndex: p.partitionIndex,
          lowWatermark: -1,
          errorCode,
        });
        const state = s.topics.partition(t.name, p.partitionIndex);
        if (!state) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const replica = s.replicas.replica(t.name, p.partitionIndex);
        if (state.leader !== s.nodeId || !replica) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        const target = p.offset === HIGH_WATERMARK ? replica.highWatermark : p.offset;
        if (target < 0 || target > replica.highWatermark) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
        try {
          const lowWatermark = replica.log.deleteRecordsBefore(target);
          s.logger.info(
            { topic: t.name, partition: p.partitionIndex, logStartOffset: lowWatermark, principal: ctx.principal },
            'records deleted (DeleteRecords)',
          );
          return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
        } catch (e) {
          return fail(errorCodeOf(e));
        }
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
