// DeleteTopics (20), versions 0-1. Deletes the topic's metadata and its partition directories.
// Internal topics (__consumer_offsets) cannot be deleted (INVALID_REQUEST, logged).
import { deleteTopicsCodec, type DeleteTopicsRequest, type DeleteTopicsResponse } from '../../protocol/apis/20-delete-topics.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { TopicError } from '../state/topic-store.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DeleteTopicsRequest, DeleteTopicsResponse> = {
  codec: deleteTopicsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const responses = req.topicNames.map((name) => {
      if (s.controllerId() !== s.nodeId) return { name, errorCode: ErrorCode.NOT_CONTROLLER };
      const t = s.topics.get(name);
      if (!t) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      if (t.internal) {
        s.logger.warn({ topic: name, client: ctx.clientId }, 'refused to delete an internal topic');
        return { name, errorCode: ErrorCode.INVALID_REQUEST };
      }
      try {
        s.topics.delete(name);
        s.logger.info({ topic: name }, 'deleted topic');
        return { name, errorCode: ErrorCode.NONE };
      } catch (e) {
        if (e instanceof TopicError) return { name, errorCode: e.errorCode };
        throw e;
      }
    });
    return { throttleTimeMs: 0, responses };
  },
};
