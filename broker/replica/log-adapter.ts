// Opens this broker's log directory (broker/log's LogManager) with the broker-wide log defaults
// and adapts it to the replica manager's LogProvider. Retention and compaction run on the
// manager's timer (log.retention.check.interval.ms).
import type { Logger } from '../../common/index.js';
import { LogManager, type LogConfig } from '../log/index.js';
import type { BrokerConfig } from '../config.js';
import type { LogProvider } from './replica-manager.js';

export interface OpenedLogs {
  manager: LogManager;
  provider: LogProvider;
  dirs(): { dir: string; totalBytes: number; usableBytes: number; offline: boolean }[];
  close(): void;
}

export function logDefaults(config: BrokerConfig): Partial<LogConfig> {
  const d: Partial<LogConfig> = {
    segmentBytes: config.logSegmentBytes,
    retentionMs: config.logRetentionMs,
    retentionBytes: config.logRetentionBytes,
    maxMessageBytes: config.messageMaxBytes,
    maxDecompressedBytes: config.maxDecompressedBatchBytes,
  };
  if (config.logFlushMessages !== undefined) d.flushMessages = config.logFlushMessages;
  if (config.logFlushMs !== undefined) d.flushMs = config.logFlushMs;
  return d;
}

export function openLogs(config: BrokerConfig, logger: Logger): OpenedLogs {
  const manager = LogManager.open({
    dir: config.logDir,
    defaults: logDefaults(config),
    capacityBytes: config.logDirCapacityBytes ?? null,
    logger: logger.child({ part: 'log' }),
  });
  if (manager.recoveredFromCrash && manager.all().length > 0)
    logger.warn(
      { logDir: config.logDir },
      'previous shutdown was not clean: recovered the last segment of every partition',
    );
  manager.startMaintenance(config.logRetentionCheckIntervalMs);
  return {
    manager,
    provider: {
      open: (topic, partition, configs) => manager.open(topic, partition, configs),
      delete: (topic, partition) => manager.delete(topic, partition),
      configsChanged: (topic, _partitions, configs) => manager.updateConfigs(topic, configs),
    },
    dirs: () =>
      manager
        .logDirs()
        .map((d) => ({ dir: d.dir, totalBytes: d.totalBytes, usableBytes: d.usableBytes, offline: d.offline })),
    close: () => manager.close(),
  };
}
