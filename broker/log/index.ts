// broker/log public API (stable; see README.md). Other parts import from here only.
export { LogManager, type LogManagerOptions, type LogDirState, type MaintenanceReport } from './log-manager.js';
export {
  PartitionLog,
  type AppendOptions,
  type AppendResult,
  type ReadResult,
  type CompactionStats,
} from './segmented-partition-log.js';
export {
  defaultLogConfig,
  parseKafkaLogConfig,
  resolveLogConfig,
  kafkaConfigNames,
  InvalidLogConfigError,
  type LogConfig,
  type CleanupPolicy,
  type TimestampType,
} from './config.js';
export {
  LogError,
  StorageError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  OutOfOrderSequenceError,
  DuplicateSequenceError,
  InvalidProducerEpochError,
  TransactionCoordinatorFencedError,
  InvalidRecordError,
  CorruptRecordError,
  errorCodeOf,
} from './errors.js';
export type { ActiveProducer } from './producer-state.js';
