// DescribeConfigs (32), versions 0-2.
// - Topic resources: every topic config the broker knows (broker/state/topic-config.ts) with its
//   effective value; overrides come back as DYNAMIC_TOPIC_CONFIG, the rest as DEFAULT_CONFIG
//   (v0: is_default). configuration_keys narrows the list.
// - Broker resources (name = node id): the broker's static settings, read-only.
// - Synonyms (v1+ include_synonyms) list the override and the broker default behind a value.
import {
  ConfigResourceType,
  ConfigSource,
  describeConfigsCodec,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
  type DescribedConfig,
  ErrorCode,
} from '../../protocol/index.js';
import { effectiveTopicConfigs, topicConfigDefs } from '../state/topic-config.js';
import type { BrokerServices } from '../services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canCluster, canTopic } from '../security/index.js';

function brokerConfigs(s: BrokerServices): Record<string, string> {
  const c = s.config;
  return {
    'broker.id': String(c.nodeId),
    'log.dirs': c.logDir,
    listeners: `PLAINTEXT://${c.host}:${c.listenPort}`,
    'advertised.listeners': `PLAINTEXT://${c.advertisedHost ?? c.host}:${c.listenPort}`,
    'auto.create.topics.enable': String(c.autoCreateTopics),
    'num.partitions': String(c.defaultPartitions),
    'default.replication.factor': '1',
    'message.max.bytes': String(c.messageMaxBytes),
    'socket.request.max.bytes': String(c.socketRequestMaxBytes),
    'queued.max.request.bytes': String(c.queuedMaxRequestBytes),
    'sasl.server.max.receive.size': String(c.saslServerMaxReceiveSize),
    'offsets.topic.num.partitions': String(c.offsetsTopicPartitions),
    'group.initial.rebalance.delay.ms': String(c.groupInitialRebalanceDelayMs),
    'log.segment.bytes': String(c.logSegmentBytes),
    'log.retention.ms': String(c.logRetentionMs),
    'log.retention.bytes': String(c.logRetentionBytes),
    'log.retention.check.interval.ms': String(c.logRetentionCheckIntervalMs),
    'min.insync.replicas': '1',
  };
}

function describeTopic(
  name: string,
  keys: string[] | null,
  synonyms: boolean,
  s: BrokerServices,
): DescribeConfigsResult {
  const t = s.topics.get(name);
  const base = { resourceType: ConfigResourceType.topic, resourceName: name };
  if (!t)
    return {
      ...base,
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `unknown topic '${name}'`,
      configs: [],
    };
  const configs: DescribedConfig[] = effectiveTopicConfigs(t.configs, s.config)
    .filter((c) => keys === null || keys.includes(c.name))
    .map((c) => {
      const def = topicConfigDefs[c.name];
      const defaultValue = def.default(s.config);
      const syn: DescribedConfig['synonyms'] = [];
      if (synonyms) {
        if (!c.isDefault) syn.push({ name: c.name, value: c.value, source: ConfigSource.dynamicTopic });
        syn.push({ name: def.brokerName ?? c.name, value: defaultValue, source: ConfigSource.default });
      }
      return {
        name: c.name,
        value: c.value,
        readOnly: false,
        isDefault: c.isDefault,
        configSource: c.isDefault ? ConfigSource.default : ConfigSource.dynamicTopic,
        isSensitive: false,
        synonyms: syn,
      };
    });
  return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
}

function describeBroker(
  name: string,
  keys: string[] | null,
  synonyms: boolean,
  s: BrokerServices,
): DescribeConfigsResult {
  const base = { resourceType: ConfigResourceType.broker, resourceName: name };
  if (name !== '' && name !== String(s.nodeId))
    return {
      ...base,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `this is broker ${s.nodeId}, not ${name}`,
      configs: [],
    };
  const configs = Object.entries(brokerConfigs(s))
    .filter(([k]) => keys === null || keys.includes(k))
    .map(([k, v]) => ({
      name: k,
      value: v,
      readOnly: true,
      isDefault: false,
      configSource: ConfigSource.staticBroker,
      isSensitive: false,
      synonyms: synonyms ? [{ name: k, value: v, source: ConfigSource.staticBroker }] : [],
    }));
  return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
}

export const handler: HandlerModule<DescribeConfigsRequest, DescribeConfigsResponse> = {
  codec: describeConfigsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const results = req.resources.map((r): DescribeConfigsResult => {
      if (
        !(r.resourceType === ConfigResourceType.topic
          ? canTopic(ctx, AclOperation.DESCRIBE_CONFIGS, r.resourceName)
          : canCluster(ctx, AclOperation.DESCRIBE_CONFIGS))
      )
        return {
          errorCode:
            r.resourceType === ConfigResourceType.topic
              ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
              : ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: null,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configs: [],
        };
      if (r.resourceType === ConfigResourceType.topic)
        return describeTopic(r.resourceName, r.configurationKeys, req.includeSynonyms, s);
      if (r.resourceType === ConfigResourceType.broker)
        return describeBroker(r.resourceName, r.configurationKeys, req.includeSynonyms, s);
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `unsupported resource type ${r.resourceType}`,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: [],
      };
    });
    return { throttleTimeMs: 0, results };
  },
};
