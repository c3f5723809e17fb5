// Produce (0), versions 3-7 (RecordBatch v2 only).
// - acks=0: appended, no response at all. acks=1: answered after the leader's append.
//   acks=-1 (all): NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas before the append;
//   answered once the high watermark passes the batch (at once with a single-node ISR), or
//   REQUEST_TIMED_OUT after timeout_ms; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
//   min.insync.replicas while waiting, NOT_LEADER_OR_FOLLOWER when leadership moved. acks=1 ignores
//   min.insync.replicas. Other acks values: INVALID_REQUIRED_ACKS.
// - The records are never decoded here: the log validates batch headers and CRCs, patches
//   offsets in place and enforces producer sequences (idempotence).
// - Transactions: a request with a transactional id needs WRITE on it
//   (TRANSACTIONAL_ID_AUTHORIZATION_FAILED otherwise); its batches are stored as they are, and the
//   log (broker/log/producer-state.ts) opens the producer's transaction on the partition at its
//   first transactional batch (which holds back the last stable offset) until the coordinator's
//   marker. A control batch (a marker) from a client is INVALID_RECORD: only WriteTxnMarkers writes
//   them; a transactional batch in a request without a transactional id is
//   TRANSACTIONAL_ID_AUTHORIZATION_FAILED (as Kafka). Not checked yet: that the partition was added to the producer's transaction (KIP-890's
//   verification), so a client that skips AddPartitionsToTxn can leave a hanging transaction.
// - Internal topics (`__consumer_offsets`, `__share_group_state`, ...) are written only by the
//   coordinators, straight through the replica manager: a client Produce to one gets
//   INVALID_TOPIC_EXCEPTION (as Kafka refuses it), whatever its ACLs, so no client can forge
//   committed offsets or share-partition state.
import {
  produceCodec,
  type ProducePartitionResponse,
  type ProduceRequest,
  type ProduceResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { topicConfigNumber } from '../state/topic-config.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canTopic, canTransactionalId } from '../security/index.js';
import { ATTRIBUTES, CONTROL_BIT, TRANSACTIONAL_BIT, batchSizeAt } from '../../protocol/record-batch/index.js';

/** Whether any batch in a produce payload has this attribute bit (reads only the attribute bytes). */
function hasBatchWith(records: Buffer | null, bit: number): boolean {
  if (!records) return false;
  for (let pos = 0; pos < records.length;) {
    const size = batchSizeAt(records, pos);
    if (size < 0 || pos + ATTRIBUTES + 2 > records.length) return false; // malformed: the log refuses it
    if ((records.readInt16BE(pos + ATTRIBUTES) & bit) !== 0) return true;
    pos += size;
  }
  return false;
}

export const handler: HandlerModule<ProduceRequest, ProduceResponse> = {
  codec: produceCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const badAcks = req.acks !== 0 && req.acks !== 1 && req.acks !== -1;
    const waits: { topic: string; partition: number; requiredOffset: number; res: ProducePartitionResponse }[] = [];
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ProducePartitionResponse => {
        let errorCode: number;
        let res: ProducePartitionResponse;
        if (badAcks) errorCode = ErrorCode.INVALID_REQUIRED_ACKS;
        else if (req.transactionalId !== null && !canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
          errorCode = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        else if (!canTopic(ctx, AclOperation.WRITE, t.name)) errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        else if (s.topics.get(t.name)?.internal) errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION;
        else if (hasBatchWith(p.records, CONTROL_BIT)) errorCode = ErrorCode.INVALID_RECORD;
        // A transactional batch without a transactional id would open a transaction no coordinator
        // knows, holding the partition's last stable offset (and every read_committed consumer)
        // for good: Kafka answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED, so does this broker.
        else if (req.transactionalId === null && hasBatchWith(p.records, TRANSACTIONAL_BIT))
          errorCode = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        else errorCode = ErrorCode.NONE;
        if (errorCode !== ErrorCode.NONE) {
          res = { index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
        } else {
          const out = s.replicas.appendRecords(t.name, p.index, p.records, req.acks);
          res = {
            index: p.index,
            errorCode: out.errorCode,
            baseOffset: out.baseOffset,
            logAppendTimeMs: out.logAppendTime,
            logStartOffset: out.logStartOffset,
          };
          if (out.errorCode === ErrorCode.NONE && req.acks === -1)
            waits.push({ topic: t.name, partition: p.index, requiredOffset: out.requiredOffset, res });
        }
        s.metrics.produceRequest(t.name, res.errorCode !== ErrorCode.NONE);
        return res;
      }),
    }));
    if (req.acks === 0) {
      ctx.skipResponse();
      return { topics, throttleTimeMs: 0 };
    }
    const pending = waits.length > 0 ? s.replicas.awaitHighWatermark(waits, req.timeoutMs) : null;
    if (!pending) return { topics, throttleTimeMs: 0 };
    return pending.then((late) => {
      for (const w of waits) {
        if (late.has(`${w.topic}\u0000${w.partition}`)) {
          w.res.errorCode = ErrorCode.REQUEST_TIMED_OUT;
          continue;
        }
        // Done waiting: leadership may have moved, or the ISR shrunk below min.insync.replicas meanwhile.
        const state = s.topics.partition(w.topic, w.partition);
        if (!state || state.leader !== s.nodeId) w.res.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        else if (
          state.isr.length < topicConfigNumber(s.topics.get(w.topic)?.configs ?? {}, s.config, 'min.insync.replicas')
        )
          w.res.errorCode = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
      }
      return { topics, throttleTimeMs: 0 };
    });
  },
};
