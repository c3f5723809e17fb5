// `topics delete-records TOPIC --before OFFSET`: move partitions' log start offset forward
// (kafka-delete-records.sh). The dry run prints, per partition, the current log start and high
// watermark, the new log start and how many records would go; --execute sends DeleteRecords to
// each partition's leader. Deleting is irreversible, so a target above the high watermark is
// refused before anything is sent.
import { RequestErrors, tpKey, type ClusterClient } from '../kafka-client/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { deleteRecordsCodec, errorName } from '../protocol/index.js';

/** Where the new log start goes: an absolute offset, or the high watermark (delete everything committed). */
export type DeleteTarget = { kind: 'offset'; offset: number } | { kind: 'high-watermark' };

export interface DeleteRecordsRow {
  partition: number;
  leader: number;
  logStartOffset: number;
  highWatermark: number;
  newLogStartOffset: number;
  /** Records below the new log start that are still in the log now. */
  records: number;
  /** After --execute: NONE or the Kafka error name. */
  result?: string;
}

export interface DeleteRecordsResult {
  topic: string;
  executed: boolean;
  partitions: DeleteRecordsRow[];
}

export function parseDeleteTarget(before: string | undefined, toHighWatermark: boolean | undefined): DeleteTarget {
  if (toHighWatermark && before !== undefined)
    throw new UsageError('give either --before OFFSET or --to-high-watermark, not both');
  if (toHighWatermark) return { kind: 'high-watermark' };
  if (before === undefined)
    throw new UsageError('give --before OFFSET (records below it are deleted) or --to-high-watermark');
  const offset = Number(before);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new UsageError(`--before ${JSON.stringify(before)}: expected an offset (a non-negative integer)`);
  return { kind: 'offset', offset };
}

export async function deleteRecords(
  client: ClusterClient,
  topic: string,
  partitions: readonly number[],
  target: DeleteTarget,
  execute: boolean,
  timeoutMs: number,
): Promise<DeleteRecordsResult> {
  const md = await client.metadata({ topics: (t) => t === topic, groups: () => false, includeInternal: true });
  const t = md.topics.find((x) => x.name === topic);
  if (!t) throw new RuntimeFailure(`unknown topic: ${topic}`);
  const unknown = partitions.filter((p) => !t.partitions.some((x) => x.partition === p));
  if (unknown.length > 0)
    throw new RuntimeFailure(`topic ${topic} has no partition ${unknown.join(', ')} (it has ${t.partitions.length})`);
  const chosen = t.partitions.filter((p) => partitions.length === 0 || partitions.includes(p.partition));
  const leaderless = chosen.filter((p) => p.leader < 0);
  if (leaderless.length > 0)
    throw new RuntimeFailure(
      `partition ${leaderless.map((p) => p.partition).join(', ')} of ${topic} has no leader: cannot delete records now`,
    );
  const errors = new RequestErrors();
  const offsets = await client.partitionOffsets(chosen, errors);
  const rows: DeleteRecordsRow[] = chosen.map((p) => {
    const o = offsets.get(tpKey(topic, p.partition));
    if (!o)
      throw new RuntimeFailure(
        `could not read the offsets of ${topic}-${p.partition}: ${errors.messages.join('; ') || 'no answer from its leader'}`,
      );
    const wanted = target.kind === 'high-watermark' ? o.highWatermark : target.offset;
    if (wanted > o.highWatermark)
      throw new RuntimeFailure(
        `${topic}-${p.partition}: --before ${wanted} is above the high watermark ${o.highWatermark}; only committed records can be deleted`,
      );
    const newLogStartOffset = Math.max(wanted, o.logStartOffset);
    return {
      partition: p.partition,
      leader: p.leader,
      logStartOffset: o.logStartOffset,
      highWatermark: o.highWatermark,
      newLogStartOffset,
      records: newLogStartOffset - o.logStartOffset,
    };
  });
  if (!execute) return { topic, executed: false, partitions: rows };
  const byLeader = new Map<number, DeleteRecordsRow[]>();
  for (const r of rows) byLeader.set(r.leader, [...(byLeader.get(r.leader) ?? []), r]);
  await Promise.all(
    [...byLeader].map(async ([leader, group]) => {
      const res = await client.request(leader, deleteRecordsCodec, {
        topics: [
          { name: topic, partitions: group.map((r) => ({ partitionIndex: r.partition, offset: r.newLogStartOffset })) },
        ],
        timeoutMs,
      });
      for (const p of res.topics.flatMap((x) => x.partitions)) {
        const row = group.find((r) => r.partition === p.partitionIndex);
        if (!row) continue;
        row.result = errorName(p.errorCode);
        if (p.errorCode === 0) row.newLogStartOffset = p.lowWatermark;
      }
    }),
  );
  return { topic, executed: true, partitions: rows };
}
