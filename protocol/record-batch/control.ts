// Control batches (KIP-98): the COMMIT / ABORT markers a partition leader appends when a transaction
// ends. A control batch has the control and transactional attribute bits, the producer's id and
// epoch, no sequence, and one uncompressed record:
//   key   => version INT16 (0) type INT16 (0 = ABORT, 1 = COMMIT)
//   value => version INT16 (0) coordinator_epoch INT32
import { ProtocolReader, ProtocolWriter } from '../primitives/index.js';
import { encodeBatch } from './batch.js';
import { CorruptRecordError } from './errors.js';
import { codecOf, isControl, type BatchHeader } from './header.js';
import * as L from './layout.js';

export const ControlType = { ABORT: 0, COMMIT: 1 } as const;

/** A marker batch for `producerId`/`producerEpoch` (offsets are assigned by the log on append). */
export function buildControlBatch(opts: {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  timestamp?: number;
}): Buffer {
  const key = new ProtocolWriter(4)
    .int16(0)
    .int16(opts.commit ? ControlType.COMMIT : ControlType.ABORT)
    .toBuffer();
  const value = new ProtocolWriter(6).int16(0).int32(opts.coordinatorEpoch).toBuffer();
  return encodeBatch(
    [
      {
        attributes: 0,
        timestampDelta: 0,
        offsetDelta: 0,
        key: Buffer.from(key),
        value: Buffer.from(value),
        headers: [],
      },
    ],
    opts.timestamp ?? Date.now(),
    { producerId: opts.producerId, producerEpoch: opts.producerEpoch, transactional: true, control: true },
  );
}

/**
 * The control type (ControlType) of the control batch whose header is `h`, read from the key of its
 * first record in `buf` without decoding the rest; -1 for a batch that is not a control batch or one
 * of another kind Kafka may add. Throws CorruptRecordError when the record cannot hold a key.
 */
export function controlTypeOf(buf: Buffer, h: BatchHeader): number {
  return controlMarkerOf(buf, h).type;
}

/**
 * The control type and, for a COMMIT/ABORT marker, the coordinator epoch in its value (-1 when the
 * value is missing or short: a marker of another writer). Same contract as controlTypeOf.
 */
export function controlMarkerOf(buf: Buffer, h: BatchHeader): { type: number; coordinatorEpoch: number } {
  const none = { type: -1, coordinatorEpoch: -1 };
  if (!isControl(h.attributes) || h.recordCount < 1 || codecOf(h.attributes) !== L.CompressionCodec.None) return none;
  let type: number;
  let r: ProtocolReader;
  try {
    r = new ProtocolReader(buf, h.position + L.RECORDS, h.position + h.size);
    r.varint(); // record length
    r.int8(); // attributes
    r.varlong(); // timestamp delta
    r.varint(); // offset delta
    const keyLength = r.varint();
    if (keyLength < 4) return none;
    r.int16(); // key version
    type = r.int16();
    r.raw(keyLength - 4);
  } catch {
    throw new CorruptRecordError(`control batch at offset ${h.baseOffset} has no readable key`);
  }
  try {
    const valueLength = r.varint();
    if (valueLength < 6) return { type, coordinatorEpoch: -1 };
    r.int16(); // value version
    return { type, coordinatorEpoch: r.int32() };
  } catch {
    return { type, coordinatorEpoch: -1 };
  }
}
