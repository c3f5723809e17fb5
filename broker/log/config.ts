// Per-topic log configuration with Kafka's names and defaults. The topic store (broker/state) owns the
// persisted topic configs; it hands them here as a Kafka-style string map or as a typed partial.

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** segment.bytes: roll the active segment when it would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll the active segment when its first batch is older than this. */
  segmentMs: number;
  /** segment.index.bytes: roll when the offset index would exceed this many bytes. */
  segmentIndexBytes: number;
  /** index.interval.bytes: one offset/time index entry per this many log bytes. */
  indexIntervalBytes: number;
  /** retention.ms (-1 = forever): delete segments whose newest record is older. */
  retentionMs: number;
  /** retention.bytes (-1 = unlimited): delete oldest segments while the log is larger. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  /** delete.retention.ms: how long tombstones survive compaction. */
  deleteRetentionMs: number;
  /** flush.messages: fsync after this many records (Kafka's default: never, rely on replication). */
  flushMessages: number;
  /** flush.ms: fsync when the oldest unflushed record is older than this. */
  flushMs: number;
  /** max.message.bytes: largest batch accepted. */
  maxMessageBytes: number;
  /** message.timestamp.type */
  timestampType: TimestampType;
  /** min.insync.replicas (not used by the log; kept here so one map carries all topic configs). */
  minInsyncReplicas: number;
  /** Broker-wide, not a topic config: largest decompressed batch a leader decodes (compacted topics). */
  maxDecompressedBytes: number;
}

const LONG_MAX = Number.MAX_SAFE_INTEGER;

export const defaultLogConfig: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 24 * 3600 * 1000,
  flushMessages: LONG_MAX,
  flushMs: LONG_MAX,
  maxMessageBytes: 1048588,
  timestampType: 'CreateTime',
  minInsyncReplicas: 1,
  maxDecompressedBytes: 64 * 1024 * 1024,
});

/** Kafka config name -> LogConfig field. */
export const kafkaConfigNames: Readonly<Record<string, keyof LogConfig>> = Object.freeze({
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'segment.index.bytes': 'segmentIndexBytes',
  'index.interval.bytes': 'indexIntervalBytes',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'cleanup.policy': 'cleanupPolicy',
  'delete.retention.ms': 'deleteRetentionMs',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
  'max.message.bytes': 'maxMessageBytes',
  'message.timestamp.type': 'timestampType',
  'min.insync.replicas': 'minInsyncReplicas',
});

export class InvalidLogConfigError extends Error {
  constructor(
    readonly configName: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidLogConfigError';
  }
}

/**
 * Parses Kafka-style topic configs ("retention.ms" -> "60000"). Unknown names are ignored (the topic
 * store may keep configs the log does not use); bad values throw InvalidLogConfigError naming the config.
 */
export function parseKafkaLogConfig(map: Readonly<Record<string, string | null | undefined>>): Partial<LogConfig> {
  const out: Partial<LogConfig> = {};
  for (const [name, raw] of Object.entries(map)) {
    const field = kafkaConfigNames[name];
    if (!field || raw == null) continue;
    if (field === 'cleanupPolicy') {
      const parts = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .sort();
      const v = parts.join(',');
      if (v !== 'delete' && v !== 'compact' && v !== 'compact,delete')
        throw new InvalidLogConfigError(
          name,
          `${name} must be delete, compact or compact,delete (got ${JSON.stringify(raw)})`,
        );
      out.cleanupPolicy = v;
    } else if (field === 'timestampType') {
      if (raw !== 'CreateTime' && raw !== 'LogAppendTime')
        throw new InvalidLogConfigError(
          name,
          `${name} must be CreateTime or LogAppendTime (got ${JSON.stringify(raw)})`,
        );
      out.timestampType = raw;
    } else {
      const n = Number(raw);
      if (!Number.isInteger(n) && !(Number.isFinite(n) && n >= LONG_MAX))
        throw new InvalidLogConfigError(name, `${name} must be an integer (got ${JSON.stringify(raw)})`);
      (out as Record<string, number>)[field] = Math.min(n, LONG_MAX);
    }
  }
  return out;
}

/** Merges and validates a full config. */
export function resolveLogConfig(...parts: ReadonlyArray<Partial<LogConfig> | undefined>): LogConfig {
  const cfg: LogConfig = { ...defaultLogConfig };
  for (const p of parts)
    if (p) Object.assign(cfg, Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
  if (cfg.segmentBytes < 14)
    throw new InvalidLogConfigError('segment.bytes', `segment.bytes must be at least 14 (got ${cfg.segmentBytes})`);
  if (cfg.indexIntervalBytes < 0)
    throw new InvalidLogConfigError('index.interval.bytes', 'index.interval.bytes must be >= 0');
  if (cfg.segmentIndexBytes < 8)
    throw new InvalidLogConfigError('segment.index.bytes', 'segment.index.bytes must be >= 8');
  if (cfg.maxMessageBytes < 0) throw new InvalidLogConfigError('max.message.bytes', 'max.message.bytes must be >= 0');
  if (cfg.flushMessages < 1) throw new InvalidLogConfigError('flush.messages', 'flush.messages must be >= 1');
  if (cfg.flushMs < 0) throw new InvalidLogConfigError('flush.ms', 'flush.ms must be >= 0');
  if (cfg.segmentMs < 1) throw new InvalidLogConfigError('segment.ms', 'segment.ms must be >= 1');
  return cfg;
}
