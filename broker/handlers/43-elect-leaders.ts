// ElectLeaders (43), versions 0-2 (flexible from 2). Single broker: every partition is already led
// by its preferred (first) replica, so named partitions answer ELECTION_NOT_NEEDED (84) and unknown
// ones UNKNOWN_TOPIC_OR_PARTITION; a null list (all partitions) elects nothing and lists nothing.
// Unclean elections (election_type 1) get the same answers. Issue 4 moves leaders through the controller.
import { electLeadersCodec, type ElectLeadersRequest, type ElectLeadersResponse } from '../../protocol/apis/43-elect-leaders.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<ElectLeadersRequest, ElectLeadersResponse> = {
  codec: electLeadersCodec,
  handle(req, ctx) {
    const s = ctx.services;
    if (req.topicPartitions === null) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [] };
    const results = req.topicPartitions.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const st = s.topics.partition(t.topic, p);
        if (!st) return { partitionId: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown partition ${t.topic}-${p}` };
        if (st.leader === st.replicas[0]) return { partitionId: p, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'the preferred replica is already the leader' };
        return { partitionId: p, errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: 'leader changes need the controller of the replicated cluster' };
      }),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
  },
};
