// CreateTopics (19), versions 0-4.
// - num_partitions / replication_factor -1 take the broker defaults; manual assignments must name
//   live brokers. Topic configs are validated (unknown names, bad values -> INVALID_CONFIG).
// - A topic named twice in one request: INVALID_REQUEST for it. validate_only checks and creates nothing.
// - Any broker accepts it and forwards it to the active controller (services.controller).
import {
  createTopicsCodec,
  type CreatableTopic,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  type CreateTopicsResult,
  ErrorCode,
} from '../../protocol/index.js';
import { InvalidLogConfigError, parseKafkaLogConfig } from '../log/config.js';
import { validateTopicConfig, type TopicConfigs } from '../state/topic-config.js';
import { ControllerError } from '../controller/channel.js';
import type { BrokerServices } from '../services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canCluster, canTopic } from '../security/index.js';

async function createOne(t: CreatableTopic, validateOnly: boolean, s: BrokerServices): Promise<CreateTopicsResult> {
  const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage });
  const configs: TopicConfigs = {};
  for (const c of t.configs) {
    const bad = validateTopicConfig(c.name, c.value);
    if (bad) return fail(ErrorCode.INVALID_CONFIG, bad);
    if (c.value !== null) configs[c.name] = c.value;
  }
  try {
    parseKafkaLogConfig(configs);
  } catch (e) {
    if (e instanceof InvalidLogConfigError) return fail(ErrorCode.INVALID_CONFIG, e.message);
    throw e;
  }
  const numPartitions = t.numPartitions === -1 ? s.config.defaultPartitions : t.numPartitions;
  let assignments: number[][] | undefined;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'both partition count/replication factor and manual assignments were given',
      );
    }
    const live = new Set(s.liveBrokers().map((b) => b.nodeId));
    for (const a of t.assignments) {
      const unknown = a.brokerIds.filter((b) => !live.has(b));
      if (unknown.length > 0)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `unknown broker(s) ${unknown.join(', ')} in the assignment of partition ${a.partitionIndex}`,
        );
    }
    assignments = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex).map((a) => a.brokerIds);
  }
  try {
    await s.controller.createTopic({
      name: t.name,
      numPartitions,
      replicationFactor: t.replicationFactor,
      assignments,
      configs,
      validateOnly,
    });
    if (!validateOnly)
      s.logger.info({ topic: t.name, partitions: assignments?.length ?? numPartitions, configs }, 'created topic');
    return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (e) {
    if (e instanceof ControllerError) return fail(e.errorCode, e.message);
    throw e;
  }
}

export const handler: HandlerModule<CreateTopicsRequest, CreateTopicsResponse> = {
  codec: createTopicsCodec,
  async handle(req, ctx) {
    const s = ctx.services;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics = await Promise.all(
      req.topics.map((t): Promise<CreateTopicsResult> | CreateTopicsResult => {
        if ((counts.get(t.name) ?? 0) > 1)
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `topic '${t.name}' appears more than once in the request`,
          };
        if (!canCluster(ctx, AclOperation.CREATE) && !canTopic(ctx, AclOperation.CREATE, t.name))
          return {
            name: t.name,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: 'CREATE on the topic or cluster is required',
          };
        return createOne(t, req.validateOnly, s);
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
};
