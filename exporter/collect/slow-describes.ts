// DescribeConfigs (min.insync.replicas) and DescribeLogDirs (log sizes per partition) on a slower
// cadence than the collection cycle. Neither answer can change between two cycles unless someone
// altered a topic config or data was written, and at 10k partitions they are the two largest
// answers after Metadata and ListOffsets (each decoded every cycle, then garbage). An answer is
// reused for `intervalMs` unless the cycle sees a topic (DescribeConfigs) or broker
// (DescribeLogDirs) the cached answer does not cover; an answer with request errors is not reused.
// What is reused: min.insync.replicas lags a config change by at most `intervalMs` (under-min-ISR
// is derived each cycle from the live ISR against it), log sizes are at most that old.
import type { BrokerInfo, ClusterClient, ExtraApis, LogDirState, RequestErrors } from '../../kafka-client/index.js';

interface Cached<T> {
  value: T;
  at: number;
  /** The topics or broker ids the answer covers. */
  covers: ReadonlySet<string | number>;
}

export function slowDescribes(client: () => ClusterClient, intervalMs: number, now = () => Date.now()): ExtraApis {
  let configs: Cached<Map<string, number>> | undefined;
  let logDirs: Cached<LogDirState[] | undefined> | undefined;
  const fresh = <T>(c: Cached<T> | undefined, keys: readonly (string | number)[]): c is Cached<T> =>
    c !== undefined && now() - c.at < intervalMs && keys.every((k) => c.covers.has(k));
  const failures = (errors: RequestErrors, api: string) => errors.byApi.get(api) ?? 0;
  return {
    async minInsyncReplicas(topics: readonly string[], errors: RequestErrors) {
      if (fresh(configs, topics)) return configs.value;
      const before = failures(errors, 'DescribeConfigs');
      const at = now();
      const value = await client().minInsyncReplicas(topics, errors);
      configs = failures(errors, 'DescribeConfigs') === before ? { value, at, covers: new Set(topics) } : undefined;
      return value;
    },
    async describeLogDirs(brokers: readonly BrokerInfo[], errors: RequestErrors) {
      const ids = brokers.map((b) => b.id);
      if (fresh(logDirs, ids)) return logDirs.value;
      const before = failures(errors, 'DescribeLogDirs');
      const at = now();
      const value = await client().logDirs(brokers, errors);
      logDirs =
        value !== undefined && failures(errors, 'DescribeLogDirs') === before
          ? { value, at, covers: new Set(ids) }
          : undefined;
      return value;
    },
  };
}
