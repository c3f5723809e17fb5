// DescribeLogDirs (35), versions 0-4 (flexible from 2). One log directory per broker: every local
// partition (or the requested ones) with its size; offset_lag 0 (leaders; future replicas do not
// exist). v4 adds total/usable bytes (the simulated capacity when set, else the file system's).
// An offline directory answers KAFKA_STORAGE_ERROR for the directory and lists no partitions.
import {
  describeLogDirsCodec,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DescribeLogDirsRequest, DescribeLogDirsResponse> = {
  codec: describeLogDirsCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const results = s.logs.logDirs().map((d) => {
      if (d.offline)
        return {
          errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
          logDir: d.dir,
          topics: [],
          totalBytes: d.totalBytes,
          usableBytes: d.usableBytes,
        };
      const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
      const byTopic = new Map<
        string,
        { partitionIndex: number; partitionSize: number; offsetLag: number; isFutureKey: boolean }[]
      >();
      for (const r of s.replicas.allReplicas()) {
        const { topic, partition } = r.state;
        if (wanted && !wanted.get(topic)?.has(partition)) continue;
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push({ partitionIndex: partition, partitionSize: r.log.sizeBytes(), offsetLag: 0, isFutureKey: false });
      }
      const topics = [...byTopic].map(([name, partitions]) => ({
        name,
        partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex),
      }));
      return { errorCode: ErrorCode.NONE, logDir: d.dir, topics, totalBytes: d.totalBytes, usableBytes: d.usableBytes };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
  },
};
