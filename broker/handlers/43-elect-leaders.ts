// ElectLeaders (43), versions 0-2 (flexible from 2): preferred (0) or unclean (1) elections, decided
// by the active controller. A null list means every partition not led by its preferred replica
// (preferred) or without a live leader (unclean). Per partition: NONE, ELECTION_NOT_NEEDED (84),
// PREFERRED_LEADER_NOT_AVAILABLE (80), ELIGIBLE_LEADERS_NOT_AVAILABLE (83) or UNKNOWN_TOPIC_OR_PARTITION.
import {
  electLeadersCodec,
  type ElectLeadersRequest,
  type ElectLeadersResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { ControllerError } from '../controller/channel.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canCluster } from '../security/index.js';

export const handler: HandlerModule<ElectLeadersRequest, ElectLeadersResponse> = {
  codec: electLeadersCodec,
  async handle(req, ctx) {
    const s = ctx.services;
    if (!canCluster(ctx, AclOperation.ALTER))
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const wanted =
      req.topicPartitions === null
        ? s.topics
            .list()
            .flatMap((t) =>
              t.partitions
                .filter((p) => (req.electionType === 0 ? p.leader !== p.replicas[0] : p.leader < 0))
                .map((p) => ({ topic: t.name, partition: p.partition })),
            )
        : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    let decided: { topic: string; partition: number; errorCode: number; message: string | null }[];
    try {
      decided = wanted.length > 0 ? await s.controller.electLeaders(req.electionType, wanted) : [];
    } catch (e) {
      if (e instanceof ControllerError) return { throttleTimeMs: 0, errorCode: e.errorCode, results: [] };
      throw e;
    }
    const byTopic = new Map<string, { partitionId: number; errorCode: number; errorMessage: string | null }[]>();
    for (const d of decided)
      byTopic.set(d.topic, [
        ...(byTopic.get(d.topic) ?? []),
        { partitionId: d.partition, errorCode: d.errorCode, errorMessage: d.message },
      ]);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    };
  },
};
