// `topics elect-leaders --preferred`: move leadership back to each partition's preferred (first)
// replica. The dry run lists the partitions an election would change (leader is not the preferred
// replica and the preferred replica is in the ISR); --execute sends ElectLeaders to the controller.
import type { ClusterClient } from '../kafka-client/index.js';
import { RuntimeFailure } from '../common/index.js';
import { errorName } from '../protocol/index.js';
import { RawApis } from './raw-apis.js';

export interface ElectionRow {
  topic: string;
  partition: number;
  leader: number;
  preferred: number;
  /** Set after --execute: NONE or the Kafka error name per partition. */
  result?: string;
  message?: string | null;
}

export interface ElectionResult {
  executed: boolean;
  partitions: ElectionRow[];
}

export async function electPreferredLeaders(
  client: ClusterClient,
  topics: readonly string[],
  execute: boolean,
  timeoutMs: number,
): Promise<ElectionResult> {
  const md = await client.metadata({ topics: () => true, groups: () => true, includeInternal: true });
  const known = new Set(md.topics.map((t) => t.name));
  const missing = topics.filter((t) => !known.has(t));
  if (missing.length > 0)
    throw new RuntimeFailure(`unknown topic${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const wanted = topics.length > 0 ? new Set(topics) : undefined;
  const rows: ElectionRow[] = [];
  for (const t of md.topics) {
    if (wanted && !wanted.has(t.name)) continue;
    for (const p of t.partitions) {
      const preferred = p.replicas[0];
      if (preferred === undefined || p.leader === preferred || !p.isr.includes(preferred)) continue;
      rows.push({ topic: t.name, partition: p.partition, leader: p.leader, preferred });
    }
  }
  if (!execute || rows.length === 0) return { executed: execute, partitions: rows };
  if (md.controllerId < 0) throw new RuntimeFailure('the cluster reports no active controller: cannot elect leaders');
  const byTopic = new Map<string, number[]>();
  for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r.partition]);
  const raw = new RawApis(client);
  try {
    const res = await raw.electPreferredLeaders(
      md.controllerId,
      [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      timeoutMs,
    );
    if (res.errorCode !== 0) throw new RuntimeFailure(`ElectLeaders failed: ${errorName(res.errorCode)}`);
    for (const t of res.results)
      for (const p of t.partitions) {
        const row = rows.find((r) => r.topic === t.topic && r.partition === p.partitionId);
        if (row) Object.assign(row, { result: errorName(p.errorCode), message: p.errorMessage });
      }
  } finally {
    await raw.close();
  }
  return { executed: true, partitions: rows };
}
