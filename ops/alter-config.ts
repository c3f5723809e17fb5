// `topics alter-config`: change topic configs safely on the non-incremental AlterConfigs API
// (what kafkajs and older brokers speak): it REPLACES a topic's overrides, so the current
// overrides are read first and sent again with the change. The dry run validates on the broker
// (validate_only) and prints current -> new; --execute applies.
import type { ClusterClient } from '../kafka-client/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';

export interface ConfigChange {
  name: string;
  current: string | null;
  next: string | null;
}

export interface AlterConfigResult {
  topic: string;
  executed: boolean;
  changes: ConfigChange[];
}

/** `k=v` pairs -> map; a bad pair is a usage error. */
export function parseSetPairs(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--set ${JSON.stringify(p)}: use name=value`);
    out.set(p.slice(0, i), p.slice(i + 1));
  }
  return out;
}

/** The full override set after the change (pure). */
export function mergeOverrides(
  current: ReadonlyMap<string, string>,
  set: ReadonlyMap<string, string>,
  remove: readonly string[],
): { next: Map<string, string>; changes: ConfigChange[] } {
  const next = new Map(current);
  for (const [k, v] of set) next.set(k, v);
  for (const k of remove) next.delete(k);
  const names = new Set([...set.keys(), ...remove]);
  const changes = [...names]
    .sort()
    .map((name) => ({ name, current: current.get(name) ?? null, next: next.get(name) ?? null }));
  return { next, changes };
}

export async function alterTopicConfig(
  client: ClusterClient,
  topic: string,
  set: ReadonlyMap<string, string>,
  remove: readonly string[],
  execute: boolean,
): Promise<AlterConfigResult> {
  if (set.size === 0 && remove.length === 0)
    throw new UsageError('nothing to change: give --set name=value and/or --delete name');
  const both = remove.filter((k) => set.has(k));
  if (both.length > 0) throw new UsageError(`--set and --delete both name ${both.join(', ')}`);
  const admin = client.admin();
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
  const r = described.resources[0];
  if (!r || r.errorCode !== 0)
    throw new RuntimeFailure(
      r?.errorCode === 3 ? `unknown topic: ${topic}` : `DescribeConfigs ${topic}: ${r?.errorMessage ?? 'no answer'}`,
    );
  const current = new Map<string, string>();
  for (const e of r.configEntries) {
    // configSource 1 = DYNAMIC_TOPIC_CONFIG (an override on this topic); undefined on v0 answers.
    const override = e.configSource === undefined ? !e.isDefault : e.configSource === 1;
    if (!override) continue;
    if (e.isSensitive)
      throw new RuntimeFailure(
        `topic ${topic} has a sensitive override (${e.configName}) that cannot be read back; AlterConfigs would drop it`,
      );
    current.set(e.configName, e.configValue);
  }
  const { next, changes } = mergeOverrides(current, set, remove);
  try {
    await admin.alterConfigs({
      validateOnly: !execute,
      resources: [{ type: 2, name: topic, configEntries: [...next].map(([name, value]) => ({ name, value })) }],
    });
  } catch (e) {
    throw new RuntimeFailure(`AlterConfigs ${topic}${execute ? '' : ' (validate only)'}: ${(e as Error).message}`);
  }
  return { topic, executed: execute, changes };
}
