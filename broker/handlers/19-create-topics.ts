// CreateTopics (19), versions 0-4.
// - num_partitions / replication_factor -1 take the broker defaults; manual assignments must name
//   live brokers. Topic configs are validated (unknown names, bad values -> INVALID_CONFIG).
// - A topic named twice in one request: INVALID_REQUEST for it. validate_only checks and creates nothing.
// - Only the controller creates topics (NOT_CONTROLLER otherwise; with one broker it is always us).
import { createTopicsCodec, type CreatableTopic, type CreateTopicsRequest, type CreateTopicsResponse, type CreateTopicsResult } from '../../protocol/apis/19-create-topics.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { InvalidLogConfigError, parseKafkaLogConfig } from '../log/config.js';
import { validateTopicConfig, type TopicConfigs } from '../state/topic-config.js';
import { TopicError } from '../state/topic-store.js';
import type { BrokerServices, HandlerModule } from './types.js';

function createOne(t: CreatableTopic, validateOnly: boolean, s: BrokerServices): CreateTopicsResult {
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
  let numPartitions = t.numPartitions === -1 ? s.config.defaultPartitions : t.numPartitions;
  let replicationFactor = t.replicationFactor === -1 ? 1 : t.replicationFactor;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return fail(ErrorCode.INVALID_REQUEST, 'both partition count/replication factor and manual assignments were given');
    }
    const live = new Set(s.liveBrokers().map((b) => b.nodeId));
    for (const a of t.assignments) {
      const unknown = a.brokerIds.filter((b) => !live.has(b));
      if (unknown.length > 0) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `unknown broker(s) ${unknown.join(', ')} in the assignment of partition ${a.partitionIndex}`);
    }
    numPartitions = t.assignments.length;
    replicationFactor = t.assignments[0].brokerIds.length;
  }
  try {
    s.topics.create({ name: t.name, numPartitions, replicationFactor, configs, validateOnly });
    if (!validateOnly) s.logger.info({ topic: t.name, partitions: numPartitions, configs }, 'created topic');
    return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (e) {
    if (e instanceof TopicError) return fail(e.errorCode, e.message);
    throw e;
  }
}

export const handler: HandlerModule<CreateTopicsRequest, CreateTopicsResponse> = {
  codec: createTopicsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics = req.topics.map((t): CreateTopicsResult => {
      if ((counts.get(t.name) ?? 0) > 1) return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `topic '${t.name}' appears more than once in the request` };
      if (s.controllerId() !== s.nodeId) return { name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: 'this broker is not the controller' };
      return createOne(t, req.validateOnly, s);
    });
    return { throttleTimeMs: 0, topics };
  },
};
