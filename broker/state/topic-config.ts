// Topic-level configs the broker knows: names, defaults (from broker config), validation.
// DescribeConfigs lists these; AlterConfigs and CreateTopics may set them.
import type { BrokerConfig } from '../config.js';

export type TopicConfigs = Record<string, string>;

interface ConfigDef {
  /** Default as Kafka prints it, from the broker config. */
  default(c: BrokerConfig): string;
  validate(v: string): string | null;
  /** Broker config the default comes from (DescribeConfigs source DEFAULT_CONFIG vs STATIC_BROKER_CONFIG). */
  brokerName?: string;
}

const long = (min: number) => (v: string) =>
  /^-?\d+$/.test(v) && Number(v) >= min ? null : `must be an integer >= ${min}`;
const oneOf =
  (...xs: string[]) =>
  (v: string) => {
    const parts = v.split(',').map((s) => s.trim());
    return parts.length > 0 && parts.every((p) => xs.includes(p)) ? null : `must be one of ${xs.join(', ')}`;
  };

export const topicConfigDefs: Record<string, ConfigDef> = {
  'cleanup.policy': { default: () => 'delete', validate: oneOf('delete', 'compact'), brokerName: 'log.cleanup.policy' },
  'retention.ms': { default: (c) => String(c.logRetentionMs), validate: long(-1), brokerName: 'log.retention.ms' },
  'retention.bytes': {
    default: (c) => String(c.logRetentionBytes),
    validate: long(-1),
    brokerName: 'log.retention.bytes',
  },
  'segment.bytes': { default: (c) => String(c.logSegmentBytes), validate: long(1024), brokerName: 'log.segment.bytes' },
  'segment.ms': { default: () => '604800000', validate: long(1), brokerName: 'log.roll.ms' },
  'segment.index.bytes': { default: () => '10485760', validate: long(8), brokerName: 'log.index.size.max.bytes' },
  'index.interval.bytes': { default: () => '4096', validate: long(0), brokerName: 'log.index.interval.bytes' },
  'min.insync.replicas': {
    default: (c) => String(c.minInsyncReplicas ?? 1),
    validate: long(1),
    brokerName: 'min.insync.replicas',
  },
  'max.message.bytes': {
    default: (c) => String(c.messageMaxBytes),
    validate: long(0),
    brokerName: 'message.max.bytes',
  },
  'flush.messages': {
    default: (c) => String(c.logFlushMessages ?? 9223372036854775807n),
    validate: long(1),
    brokerName: 'log.flush.interval.messages',
  },
  'flush.ms': {
    default: (c) => String(c.logFlushMs ?? 9223372036854775807n),
    validate: long(0),
    brokerName: 'log.flush.interval.ms',
  },
  'delete.retention.ms': {
    default: () => '86400000',
    validate: long(0),
    brokerName: 'log.cleaner.delete.retention.ms',
  },
  'min.compaction.lag.ms': { default: () => '0', validate: long(0), brokerName: 'log.cleaner.min.compaction.lag.ms' },
  'min.cleanable.dirty.ratio': {
    default: () => '0.5',
    validate: (v) => (Number(v) >= 0 && Number(v) <= 1 ? null : 'must be between 0 and 1'),
    brokerName: 'log.cleaner.min.cleanable.ratio',
  },
  'compression.type': {
    default: () => 'producer',
    validate: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'),
    brokerName: 'compression.type',
  },
  'message.timestamp.type': {
    default: () => 'CreateTime',
    validate: oneOf('CreateTime', 'LogAppendTime'),
    brokerName: 'log.message.timestamp.type',
  },
  'unclean.leader.election.enable': {
    default: (c) => String(c.uncleanLeaderElectionEnable ?? false),
    validate: oneOf('true', 'false'),
    brokerName: 'unclean.leader.election.enable',
  },
};

/** Error message for a bad topic config, or null when it is valid. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  const def = topicConfigDefs[name];
  if (!def) return `unknown topic config ${name}`;
  if (value === null) return null;
  const err = def.validate(value);
  return err ? `invalid value ${JSON.stringify(value)} for ${name}: ${err}` : null;
}

/** All topic configs with their effective values: explicit overrides over broker defaults. */
export function effectiveTopicConfigs(
  overrides: TopicConfigs,
  broker: BrokerConfig,
): { name: string; value: string; isDefault: boolean }[] {
  return Object.entries(topicConfigDefs)
    .map(([name, def]) =>
      name in overrides
        ? { name, value: overrides[name], isDefault: false }
        : { name, value: def.default(broker), isDefault: true },
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Number-valued effective config (for the log). */
export function topicConfigNumber(overrides: TopicConfigs, broker: BrokerConfig, name: string): number {
  const v = name in overrides ? overrides[name] : topicConfigDefs[name].default(broker);
  return Number(v);
}
