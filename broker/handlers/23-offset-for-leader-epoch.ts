// OffsetForLeaderEpoch (23), v0-3: where does leader epoch E end in this leader's log? The largest
// epoch <= E and the start offset of the next epoch (or the log end offset for the latest one).
// Consumers (replica_id < 0) get the end offset capped at the high watermark, as in Kafka: they
// must not be told about uncommitted records. Only the leader answers (NOT_LEADER_OR_FOLLOWER);
// a stale current_leader_epoch is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH.
import {
  offsetForLeaderEpochCodec,
  type EpochEndOffset,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  codec: offsetForLeaderEpochCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const topics = req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): EpochEndOffset => {
        const fail = (errorCode: number): EpochEndOffset => ({
          errorCode,
          partition: p.partition,
          leaderEpoch: -1,
          endOffset: -1,
        });
        const state = s.topics.partition(t.topic, p.partition);
        if (!state) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const replica = s.replicas.replica(t.topic, p.partition);
        if (state.leader !== s.nodeId || !replica) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== state.leaderEpoch)
          return fail(
            p.currentLeaderEpoch < state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
          );
        const found = replica.log.endOffsetForEpoch(p.leaderEpoch);
        const endOffset =
          req.replicaId < 0 && req.replicaId !== -2
            ? Math.min(found.endOffset, replica.highWatermark)
            : found.endOffset;
        return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: found.leaderEpoch, endOffset };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
