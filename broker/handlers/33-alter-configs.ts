// AlterConfigs (33), versions 0-1. Non-incremental, as Kafka: the given configs REPLACE the
// topic's overrides (configs left out return to their defaults). Every value is validated first
// (INVALID_CONFIG names the bad one); validate_only changes nothing. Broker configs are static
// here (INVALID_REQUEST).
import {
  alterConfigsCodec,
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  ConfigResourceType,
  ErrorCode,
} from '../../protocol/index.js';
import { InvalidLogConfigError, parseKafkaLogConfig } from '../log/config.js';
import { validateTopicConfig, type TopicConfigs } from '../state/topic-config.js';
import { ControllerError } from '../controller/channel.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canTopic } from '../security/index.js';

export const handler: HandlerModule<AlterConfigsRequest, AlterConfigsResponse> = {
  codec: alterConfigsCodec,
  async handle(req, ctx) {
    const s = ctx.services;
    const responses = await Promise.all(
      req.resources.map(async (r) => {
        const out = (errorCode: number, errorMessage: string | null) => ({
          errorCode,
          errorMessage,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
        });
        if (r.resourceType === ConfigResourceType.broker)
          return out(
            ErrorCode.INVALID_REQUEST,
            'broker configs of the reference broker are static (set them in the toolkit config)',
          );
        if (r.resourceType !== ConfigResourceType.topic)
          return out(ErrorCode.INVALID_REQUEST, `unsupported resource type ${r.resourceType}`);
        if (!canTopic(ctx, AclOperation.ALTER_CONFIGS, r.resourceName))
          return out(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null);
        if (!s.topics.get(r.resourceName))
          return out(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${r.resourceName}'`);
        const configs: TopicConfigs = {};
        for (const c of r.configs) {
          const bad = validateTopicConfig(c.name, c.value);
          if (bad) return out(ErrorCode.INVALID_CONFIG, bad);
          if (c.value !== null) configs[c.name] = c.value;
        }
        try {
          parseKafkaLogConfig(configs);
        } catch (e) {
          if (e instanceof InvalidLogConfigError) return out(ErrorCode.INVALID_CONFIG, e.message);
          throw e;
        }
        if (!req.validateOnly) {
          try {
            await s.controller.alterTopicConfigs(r.resourceName, configs);
          } catch (e) {
            if (e instanceof ControllerError) return out(e.errorCode, e.message);
            throw e;
          }
          s.logger.info({ topic: r.resourceName, configs }, 'altered topic configs');
        }
        return out(ErrorCode.NONE, null);
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
};
