// CreatePartitions (37), versions 0-1. Grows a topic to `count` partitions (never shrinks:
// INVALID_PARTITIONS); manual assignments must name live brokers.
import { createPartitionsCodec, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../protocol/apis/37-create-partitions.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { TopicError } from '../state/topic-store.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<CreatePartitionsRequest, CreatePartitionsResponse> = {
  codec: createPartitionsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const live = new Set(s.liveBrokers().map((b) => b.nodeId));
    const results = req.topics.map((t) => {
      const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage });
      if (s.controllerId() !== s.nodeId) return fail(ErrorCode.NOT_CONTROLLER, 'this broker is not the controller');
      const bad = (t.assignments ?? []).flatMap((a) => a.brokerIds).filter((b) => !live.has(b));
      if (bad.length > 0) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `unknown broker(s) ${bad.join(', ')} in the assignment`);
      try {
        s.topics.addPartitions(t.name, t.count, req.validateOnly);
        if (!req.validateOnly) s.logger.info({ topic: t.name, partitions: t.count }, 'added partitions');
        return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        if (e instanceof TopicError) return fail(e.errorCode, e.message);
        throw e;
      }
    });
    return { throttleTimeMs: 0, results };
  },
};
