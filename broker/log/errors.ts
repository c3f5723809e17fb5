// Errors of the log layer, each carrying the Kafka error code a handler should return.
import { CorruptRecordError } from '../../protocol/record-batch/index.js';

export { CorruptRecordError };

export abstract class LogError extends Error {
  abstract readonly errorCode: number;
}

/** KAFKA_STORAGE_ERROR (56): the log directory is offline (I/O error or capacity limit). */
export class StorageError extends LogError {
  readonly errorCode = 56;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StorageError';
  }
}

/** OFFSET_OUT_OF_RANGE (1). */
export class OffsetOutOfRangeError extends LogError {
  readonly errorCode = 1;
  constructor(
    readonly offset: number,
    readonly logStartOffset: number,
    readonly logEndOffset: number,
  ) {
    super(`offset ${offset} is outside the log range [${logStartOffset}, ${logEndOffset}]`);
    this.name = 'OffsetOutOfRangeError';
  }
}

/** MESSAGE_TOO_LARGE (10): a batch exceeds max.message.bytes. */
export class RecordTooLargeError extends LogError {
  readonly errorCode = 10;
  constructor(message: string) {
    super(message);
    this.name = 'RecordTooLargeError';
  }
}

/** OUT_OF_ORDER_SEQUENCE_NUMBER (45). */
export class OutOfOrderSequenceError extends LogError {
  readonly errorCode = 45;
  constructor(message: string) {
    super(message);
    this.name = 'OutOfOrderSequenceError';
  }
}

/** DUPLICATE_SEQUENCE_NUMBER (46): a retried batch that is no longer in the last five (or part of a multi-batch append). */
export class DuplicateSequenceError extends LogError {
  readonly errorCode = 46;
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateSequenceError';
  }
}

/** INVALID_PRODUCER_EPOCH (47): a batch from an older (fenced) producer epoch. */
export class InvalidProducerEpochError extends LogError {
  readonly errorCode = 47;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidProducerEpochError';
  }
}

/**
 * TRANSACTION_COORDINATOR_FENCED (52): a marker from an older coordinator epoch than the producer's
 * last marker on this partition (a coordinator that lost the transaction's state partition).
 */
export class TransactionCoordinatorFencedError extends LogError {
  readonly errorCode = 52;
  constructor(message: string) {
    super(message);
    this.name = 'TransactionCoordinatorFencedError';
  }
}

/** INVALID_RECORD (87): e.g. a null key on a compacted topic. */
export class InvalidRecordError extends LogError {
  readonly errorCode = 87;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

/** Kafka error code for any error thrown by the log (CORRUPT_MESSAGE for bad batches, else UNKNOWN_SERVER_ERROR). */
export function errorCodeOf(err: unknown): number {
  if (err instanceof LogError) return err.errorCode;
  if (err instanceof CorruptRecordError) return 2;
  return -1;
}
