// `cluster describe`, `topics list`, `topics describe`: reads through kafka-client's cluster client.
import { apiName } from '../protocol/index.js';
import {
  RequestErrors,
  tpKey,
  type BrokerInfo,
  type ClusterClient,
  type PartitionState,
  type TopicState,
} from '../kafka-client/index.js';
import { RuntimeFailure } from '../common/index.js';
import { matchesFilters, partitionProblems, type HealthFilter } from './partition-health.js';

export interface BrokerDescription extends BrokerInfo {
  controller: boolean;
  /** API name -> "min-max"; undefined when the broker could not be reached. */
  apiVersions?: Record<string, string>;
  error?: string;
}

export interface ClusterDescription {
  clusterId?: string;
  controllerId: number;
  brokers: BrokerDescription[];
  topics: number;
  partitions: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
  underMinIsrPartitions: number;
  unpreferredLeaders: number;
}

const everything = { topics: () => true, groups: () => true, includeInternal: true };

export async function describeCluster(client: ClusterClient): Promise<ClusterDescription> {
  const md = await client.metadata(everything);
  const errors = new RequestErrors();
  const minIsr = await client.minInsyncReplicas(
    md.topics.map((t) => t.name),
    errors,
  );
  const counts = {
    partitions: 0,
    underReplicatedPartitions: 0,
    offlinePartitions: 0,
    underMinIsrPartitions: 0,
    unpreferredLeaders: 0,
  };
  for (const t of md.topics)
    for (const p of t.partitions) {
      const pr = partitionProblems(p, minIsr.get(t.name));
      counts.partitions++;
      if (pr.has('underReplicated')) counts.underReplicatedPartitions++;
      if (pr.has('unavailable')) counts.offlinePartitions++;
      if (pr.has('underMinIsr')) counts.underMinIsrPartitions++;
      if (pr.has('unpreferredLeader')) counts.unpreferredLeaders++;
    }
  const brokers = await Promise.all(
    md.brokers.map(async (b): Promise<BrokerDescription> => {
      const d: BrokerDescription = { ...b, controller: b.id === md.controllerId };
      try {
        const v = await client.apiVersions(b.id);
        d.apiVersions = Object.fromEntries(
          [...v].sort((x, y) => x[0] - y[0]).map(([k, r]) => [apiName(k), `${r.minVersion}-${r.maxVersion}`]),
        );
      } catch (e) {
        d.error = (e as Error).message;
      }
      return d;
    }),
  );
  return { clusterId: md.clusterId, controllerId: md.controllerId, brokers, topics: md.topics.length, ...counts };
}

/** A partition of the cluster model, its high watermark shown as the log end offset, and its problems. */
export interface PartitionDescription extends Omit<PartitionState, 'highWatermark'> {
  logEndOffset?: number;
  problems: HealthFilter[];
}

export interface TopicDescription {
  name: string;
  internal: boolean;
  partitionCount: number;
  replicationFactor: number;
  minInsyncReplicas?: number;
  /** Topic configs whose value is not the default. */
  configs: Record<string, string>;
  partitions: PartitionDescription[];
}

/** Unknown topic names are an error (exit 1) naming them. */
function selectTopics(all: readonly TopicState[], names: readonly string[], includeInternal: boolean): TopicState[] {
  if (names.length === 0) return all.filter((t) => includeInternal || !t.internal);
  const byName = new Map(all.map((t) => [t.name, t]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0)
    throw new RuntimeFailure(`unknown topic${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return names.map((n) => byName.get(n)!);
}

export async function listTopics(
  client: ClusterClient,
  includeInternal: boolean,
): Promise<{ name: string; partitions: number; replicationFactor: number; internal: boolean }[]> {
  const md = await client.metadata(everything);
  return md.topics
    .filter((t) => includeInternal || !t.internal)
    .map((t) => ({
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      internal: t.internal,
    }));
}

async function nonDefaultConfigs(
  client: ClusterClient,
  topics: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (topics.length === 0) return out;
  try {
    const res = await client
      .admin()
      .describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: 2, name })) });
    for (const r of res.resources) {
      if (r.errorCode !== 0) continue;
      const cfg: Record<string, string> = {};
      // configSource 1 = DYNAMIC_TOPIC_CONFIG: set on the topic itself.
      for (const e of r.configEntries)
        if (!e.isDefault && (e.configSource === undefined || e.configSource === 1))
          cfg[e.configName] = e.isSensitive ? '(sensitive)' : e.configValue;
      out.set(r.resourceName, cfg);
    }
  } catch {
    // Configs are a detail of the description; partitions are still shown.
  }
  return out;
}

export async function describeTopics(
  client: ClusterClient,
  names: readonly string[],
  filters: readonly HealthFilter[],
): Promise<TopicDescription[]> {
  const md = await client.metadata(everything);
  // A health filter looks at internal topics too (a URP on __consumer_offsets matters).
  const topics = selectTopics(md.topics, names, filters.length > 0);
  const errors = new RequestErrors();
  const refs = topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partition, leader: p.leader })),
  );
  const [minIsr, offsets, configs] = await Promise.all([
    client.minInsyncReplicas(
      topics.map((t) => t.name),
      errors,
    ),
    client.partitionOffsets(refs, errors),
    filters.length === 0
      ? nonDefaultConfigs(
          client,
          topics.map((t) => t.name),
        )
      : Promise.resolve(new Map<string, Record<string, string>>()),
  ]);
  const out: TopicDescription[] = [];
  for (const t of topics) {
    const m = minIsr.get(t.name);
    const partitions: PartitionDescription[] = [];
    for (const p of t.partitions) {
      const problems = partitionProblems(p, m);
      if (!matchesFilters(problems, filters)) continue;
      const o = offsets.get(tpKey(t.name, p.partition));
      partitions.push({
        topic: t.name,
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offlineReplicas,
        logStartOffset: o?.logStartOffset,
        logEndOffset: o?.highWatermark,
        problems: [...problems],
      });
    }
    if (filters.length > 0 && partitions.length === 0) continue;
    out.push({
      name: t.name,
      internal: t.internal,
      partitionCount: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      minInsyncReplicas: m,
      configs: configs.get(t.name) ?? {},
      partitions,
    });
  }
  return out;
}
