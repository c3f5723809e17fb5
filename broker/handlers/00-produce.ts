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
//   TRANSACTIONAL_ID_AUTHORIZATION_FAILED (as Kafka). With transactionPartitionVerificationEnable
//   (KIP-890 part 1, default on) the first transactional batch of a producer's transaction on a
//   partition is verified with the transaction coordinator first (broker/txn/verification.ts):
//   INVALID_TXN_STATE when the partition was not added to the transaction, INVALID_PRODUCER_EPOCH
//   for a fenced producer, NOT_ENOUGH_REPLICAS (retriable) while the coordinator cannot tell.
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
import {
  ATTRIBUTES,
  CONTROL_BIT,
  TRANSACTIONAL_BIT,
  batchSizeAt,
  readBatchHeader,
} from '../../protocol/record-batch/index.js';
import { verifierOf } from '../txn/verification.js';

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

/** Producer id and epoch of the first batch of a produce payload, or null when it cannot be read. */
function producerOf(records: Buffer): { producerId: number; epoch: number } | null {
  try {
    const h = readBatchHeader(records, 0);
    return { producerId: h.producerId, epoch: h.producerEpoch };
  } catch {
    return null; // malformed: the log refuses it
  }
}

export const handler: HandlerModule<ProduceRequest, ProduceResponse> = {
  codec: produceCodec,
  handle(req, ctx) {
    const s = ctx.services;
    if (req.acks === 0) ctx.skipResponse();
    const badAcks = req.acks !== 0 && req.acks !== 1 && req.acks !== -1;
    const precheck = (topic: string, p: ProduceRequest['topics'][number]['partitions'][number]): number => {
      if (badAcks) return ErrorCode.INVALID_REQUIRED_ACKS;
      if (req.transactionalId !== null && !canTransactionalId(ctx, AclOperation.WRITE, req.transactionalId))
        return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
      if (!canTopic(ctx, AclOperation.WRITE, topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      if (s.topics.get(topic)?.internal) return ErrorCode.INVALID_TOPIC_EXCEPTION;
      if (hasBatchWith(p.records, CONTROL_BIT)) return ErrorCode.INVALID_RECORD;
      // A transactional batch without a transactional id would open a transaction no coordinator
      // knows, holding the partition's last stable offset (and every read_committed consumer)
      // for good: Kafka answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED, so does this broker.
      if (req.transactionalId === null && hasBatchWith(p.records, TRANSACTIONAL_BIT))
        return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
      return ErrorCode.NONE;
    };
    const checked = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ p, errorCode: precheck(t.name, p) })),
    }));

    // KIP-890 part 1: the first transactional batch of a producer's transaction on a partition
    // waits until the coordinator confirms the partition is in that transaction.
    const verifier =
      req.transactionalId !== null && s.config.transactionPartitionVerificationEnable ? verifierOf(s) : undefined;
    const toVerify = new Map<
      string,
      { producerId: number; epoch: number; parts: { topic: string; partition: number }[] }
    >();
    if (verifier)
      for (const t of checked)
        for (const c of t.partitions) {
          if (c.errorCode !== ErrorCode.NONE || !c.p.records || !hasBatchWith(c.p.records, TRANSACTIONAL_BIT)) continue;
          const producer = producerOf(c.p.records);
          if (!producer || !verifier.needs(t.name, c.p.index, producer.producerId, producer.epoch)) continue;
          const k = `${producer.producerId}:${producer.epoch}`;
          const group = toVerify.get(k) ?? { ...producer, parts: [] };
          group.parts.push({ topic: t.name, partition: c.p.index });
          toVerify.set(k, group);
        }

    const respond = (refused: Map<string, number>): ProduceResponse | Promise<ProduceResponse> => {
      const waits: { topic: string; partition: number; requiredOffset: number; res: ProducePartitionResponse }[] = [];
      const topics = checked.map((t) => ({
        name: t.name,
        partitions: t.partitions.map(({ p, errorCode: pre }): ProducePartitionResponse => {
          const errorCode = pre !== ErrorCode.NONE ? pre : (refused.get(`${t.name}\u0000${p.index}`) ?? ErrorCode.NONE);
          let res: ProducePartitionResponse;
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
      if (req.acks === 0) return { topics, throttleTimeMs: 0 };
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
    };

    if (!verifier || toVerify.size === 0) return respond(new Map());
    const transactionalId = req.transactionalId as string;
    return Promise.all(
      [...toVerify.values()].map((g) => verifier.verify(transactionalId, g.producerId, g.epoch, g.parts)),
    ).then((results) => respond(new Map(results.flatMap((r) => [...r]))));
  },
};
