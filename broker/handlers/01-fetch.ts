// Fetch (1), versions 4-11.
// - Long poll: answered at once when min_bytes are available (or on error), else when data
//   arrives or max_wait_ms passes.
// - Returns whole batches starting with the one containing fetch_offset (clients skip the
//   records before it); at least one whole batch for the first partition with data, even above
//   max_bytes / partition_max_bytes.
// - Consumers read up to the high watermark; last_stable_offset = high watermark (no transactions),
//   aborted_transactions empty for read_committed and null for read_uncommitted.
// - Below log start or past the log end: OFFSET_OUT_OF_RANGE. Fetch sessions are not kept
//   (session_id 0, every fetch is full). Replica fetches (replica_id >= 0) read to the log end.
import { fetchCodec, type FetchRequest, type FetchResponse, type FetchTopicResponse } from '../../protocol/apis/01-fetch.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { FetchPartitionResult } from '../replica/replica-manager.js';
import type { HandlerModule, RequestContext } from './types.js';

function toResponse(req: FetchRequest, results: FetchPartitionResult[], ctx: RequestContext): FetchResponse {
  const m = ctx.services.metrics;
  const topics: FetchTopicResponse[] = [];
  let i = 0;
  for (const t of req.topics) {
    const partitions = t.partitions.map(() => {
      const r = results[i++];
      m.fetchRequest(r.topic, r.errorCode !== ErrorCode.NONE);
      if (r.bytes > 0) m.fetched(r.topic, r.bytes);
      return {
        partitionIndex: r.partition,
        errorCode: r.errorCode,
        highWatermark: r.highWatermark,
        lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset,
        abortedTransactions: req.isolationLevel === 1 ? [] : null,
        preferredReadReplica: -1,
        records: r.records ?? (r.errorCode === ErrorCode.NONE ? [] : null),
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

export const handler: HandlerModule<FetchRequest, FetchResponse> = {
  codec: fetchCodec,
  responseSizeHint: sizeHint,
  handle(req, ctx) {
    const partitions = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch })),
    );
    const out = ctx.services.replicas.fetch({ replicaId: req.replicaId, maxWaitMs: req.maxWaitMs, minBytes: req.minBytes, maxBytes: req.maxBytes, partitions });
    if (out instanceof Promise) return out.then((results) => toResponse(req, results, ctx));
    return toResponse(req, out, ctx);
  },
};
