// CreatePartitions (37), versions 0-1. Grows a topic to `count` partitions (never shrinks:
// INVALID_PARTITIONS); manual assignments must name live brokers.
import {
  createPartitionsCodec,
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { ControllerError } from '../controller/channel.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canTopic } from '../security/index.js';

export const handler: HandlerModule<CreatePartitionsRequest, CreatePartitionsResponse> = {
  codec: createPartitionsCodec,
  async handle(req, ctx) {
    const s = ctx.services;
    const live = new Set(s.liveBrokers().map((b) => b.nodeId));
    const results = await Promise.all(
      req.topics.map(async (t) => {
        const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage });
        if (!canTopic(ctx, AclOperation.ALTER, t.name))
          return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'ALTER on the topic is required');
        const bad = (t.assignments ?? []).flatMap((a) => a.brokerIds).filter((b) => !live.has(b));
        if (bad.length > 0)
          return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `unknown broker(s) ${bad.join(', ')} in the assignment`);
        try {
          await s.controller.createPartitions(t.name, t.count, req.validateOnly);
          if (!req.validateOnly) s.logger.info({ topic: t.name, partitions: t.count }, 'added partitions');
          return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (e) {
          if (e instanceof ControllerError) return fail(e.errorCode, e.message);
          throw e;
        }
      }),
    );
    return { throttleTimeMs: 0, results };
  },
};
