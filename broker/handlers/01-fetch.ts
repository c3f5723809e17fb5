// Fetch (1), versions 4-11.
// - Long poll: answered at once when min_bytes are available (or on error), else when data
//   arrives or max_wait_ms passes.
// - Returns whole batches starting with the one containing fetch_offset (clients skip the
//   records before it); at least one whole batch for the first partition with data, even above
//   max_bytes / partition_max_bytes.
// - read_uncommitted consumers read up to the high watermark, read_committed ones (isolation_level
//   1) up to the last stable offset (the first offset of the oldest open transaction, else the
//   high watermark) and get the aborted transactions of the range (empty list when none; null for
//   read_uncommitted), which they use to drop the aborted records and control batches.
// - Below log start or past the log end: OFFSET_OUT_OF_RANGE. Fetch sessions are not kept
//   (session_id 0, every fetch is full). Replica fetches (replica_id >= 0) read to the log end,
//   report the follower's log end offset (its fetch_offset) to the leader's replica manager (HW,
//   ISR) and are woken by every append, so acks=all waits about one fetch round trip.
import {
  fetchCodec,
  type FetchRequest,
  type FetchResponse,
  type FetchTopicResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { FetchPartitionResult } from '../replica/replica-manager.js';
import type { RequestContext } from '../services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canTopic } from '../security/index.js';

function toResponse(req: FetchRequest, results: FetchPartitionResult[], ctx: RequestContext): FetchResponse {
  const m = ctx.services.metrics;
  const topics: FetchTopicResponse[] = [];
  let i = 0;
  for (const t of req.topics) {
    const partitions = t.partitions.map(() => {
      const r = results[i++];
      m.fetchRequest(r.topic, r.errorCode !== ErrorCode.NONE);
      // As Kafka: bytes served to followers count as replication traffic, not BytesOut.
      if (r.bytes > 0 && req.replicaId >= 0) m.replicationBytes('out', r.bytes);
      else if (r.bytes > 0) m.fetched(r.topic, r.bytes);
      return {
        partitionIndex: r.partition,
        errorCode: r.errorCode,
        highWatermark: r.highWatermark,
        lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset,
        // read_committed: a list even with an error, as before transactions existed (never null).
        abortedTransactions: req.isolationLevel === 1 ? (r.abortedTransactions ?? []) : null,
        preferredReadReplica: -1,
        // Empty, never null, also with an error (as Kafka's MemoryRecords.EMPTY): librdkafka 2.15
        // rejects a null record set as a malformed response and stops fetching the partition.
        records: r.records ?? [],
      };
    });
    topics.push({ topic: t.topic, partitions });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, topics };
}

function sizeHint(res: FetchResponse): number {
  let n = 64;
  for (const t of res.topics) {
    n += 16 + t.topic.length;
    for (const p of t.partitions) {
      n += 64;
      const r = p.records;
      if (Buffer.isBuffer(r)) n += r.length;
      else if (r) for (const b of r) n += b.length;
    }
  }
  return n;
}

function withDenied(
  res: FetchResponse | Promise<FetchResponse>,
  denied: FetchRequest['topics'],
): FetchResponse | Promise<FetchResponse> {
  const add = (r: FetchResponse): FetchResponse => {
    const err = {
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: [],
    };
    return {
      ...r,
      topics: [
        ...r.topics,
        ...denied.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, ...err })),
        })),
      ],
    };
  };
  return res instanceof Promise ? res.then(add) : add(res);
}

export const handler: HandlerModule<FetchRequest, FetchResponse> = {
  codec: fetchCodec,
  responseSizeHint: sizeHint,
  handle(fullReq, ctx) {
    // Topics the principal may not READ are answered TOPIC_AUTHORIZATION_FAILED, the rest fetched.
    const denied = fullReq.topics.filter((t) => !canTopic(ctx, AclOperation.READ, t.topic));
    if (denied.length > 0)
      return withDenied(
        handler.handle({ ...fullReq, topics: fullReq.topics.filter((t) => !denied.includes(t)) }, ctx),
        denied,
      );
    const req = fullReq;
    const partitions = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })),
    );
    const out = ctx.services.replicas.fetch({
      replicaId: req.replicaId,
      isolationLevel: req.isolationLevel,
      maxWaitMs: req.maxWaitMs,
      minBytes: req.minBytes,
      maxBytes: req.maxBytes,
      partitions,
    });
    if (out instanceof Promise) return out.then((results) => toResponse(req, results, ctx));
    return toResponse(req, out, ctx);
  },
};
