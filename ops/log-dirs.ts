// `log dirs`: every broker's log directories (DescribeLogDirs): health, capacity, bytes per dir.
import type { ClusterClient } from '../kafka-client/index.js';
import { errorName } from '../protocol/index.js';
import { RawApis } from './raw-apis.js';
import { RuntimeFailure } from '../common/index.js';

export interface LogDirRow {
  broker: number;
  dir: string | null;
  /** null when healthy; Kafka error name when offline or the broker could not answer. */
  error: string | null;
  totalBytes: number | null;
  usableBytes: number | null;
  partitionBytes: number;
  partitions: number;
}

export async function describeLogDirs(client: ClusterClient): Promise<LogDirRow[]> {
  const md = await client.metadata({ topics: () => true, groups: () => true, includeInternal: true });
  const raw = new RawApis(client);
  try {
    const rows = await Promise.all(
      md.brokers.map(async (b): Promise<LogDirRow[]> => {
        try {
          const res = await raw.describeLogDirs(b.id);
          if (res.errorCode !== 0)
            return [
              {
                broker: b.id,
                dir: null,
                error: errorName(res.errorCode),
                totalBytes: null,
                usableBytes: null,
                partitionBytes: 0,
                partitions: 0,
              },
            ];
          return res.results.map((r) => {
            const parts = r.topics.flatMap((t) => t.partitions);
            return {
              broker: b.id,
              dir: r.logDir,
              error: r.errorCode === 0 ? null : errorName(r.errorCode),
              totalBytes: r.totalBytes >= 0 ? r.totalBytes : null,
              usableBytes: r.usableBytes >= 0 ? r.usableBytes : null,
              partitionBytes: parts.reduce((n, p) => n + p.partitionSize, 0),
              partitions: parts.length,
            };
          });
        } catch (e) {
          return [
            {
              broker: b.id,
              dir: null,
              error: (e as Error).message,
              totalBytes: null,
              usableBytes: null,
              partitionBytes: 0,
              partitions: 0,
            },
          ];
        }
      }),
    );
    const flat = rows.flat();
    // Not one broker answered (unsupported API, all unreachable): the command failed, it found nothing.
    if (flat.every((r) => r.dir === null))
      throw new RuntimeFailure(
        `DescribeLogDirs failed on every broker: ${[...new Set(flat.map((r) => r.error))].join('; ')}`,
      );
    return flat;
  } finally {
    await raw.close();
  }
}
