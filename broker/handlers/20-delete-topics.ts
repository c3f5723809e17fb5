// DeleteTopics (20), versions 0-1. Deletes the topic's metadata and its partition directories.
// Internal topics (__consumer_offsets) cannot be deleted (INVALID_REQUEST, logged).
import {
  deleteTopicsCodec,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { ControllerError } from '../controller/channel.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canTopic } from '../security/index.js';

export const handler: HandlerModule<DeleteTopicsRequest, DeleteTopicsResponse> = {
  codec: deleteTopicsCodec,
  async handle(req, ctx) {
    const s = ctx.services;
    const responses = await Promise.all(
      req.topicNames.map(async (name) => {
        if (!canTopic(ctx, AclOperation.DELETE, name)) return { name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        const t = s.topics.get(name);
        if (!t) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        if (t.internal) {
          s.logger.warn({ topic: name, client: ctx.clientId }, 'refused to delete an internal topic');
          return { name, errorCode: ErrorCode.INVALID_REQUEST };
        }
        try {
          await s.controller.deleteTopic(name);
          s.logger.info({ topic: name }, 'deleted topic');
          return { name, errorCode: ErrorCode.NONE };
        } catch (e) {
          if (e instanceof ControllerError) return { name, errorCode: e.errorCode };
          throw e;
        }
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
};
