// `groups reset-offsets`: plan new committed offsets for a group on one topic (dry run by
// default), apply them with --execute only while the group has no members (Kafka's rule: a live
// consumer would overwrite the reset with its next commit).
import { RequestErrors, tpKey, type ClusterClient } from '../kafka-client/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { fetchGroups } from './groups.js';
import { RawApis } from './raw-apis.js';

export type ResetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'datetime'; timestampMs: number }
  | { kind: 'shift'; by: number }
  | { kind: 'offset'; offset: number };

export interface ResetRow {
  topic: string;
  partition: number;
  /** null without a commit. */
  currentOffset: number | null;
  newOffset: number;
}

export interface PartitionBounds {
  logStartOffset: number;
  highWatermark: number;
}

/** Parses the one --to-... or --shift-by option given; exactly one is required. */
export function parseResetSpec(o: {
  toEarliest?: boolean;
  toLatest?: boolean;
  toDatetime?: string;
  shiftBy?: string;
  toOffset?: string;
}): ResetSpec {
  const given: ResetSpec[] = [];
  if (o.toEarliest) given.push({ kind: 'earliest' });
  if (o.toLatest) given.push({ kind: 'latest' });
  if (o.toDatetime !== undefined) {
    const t = Date.parse(o.toDatetime);
    if (!Number.isFinite(t))
      throw new UsageError(`--to-datetime: ${JSON.stringify(o.toDatetime)} is not an ISO-8601 date-time`);
    given.push({ kind: 'datetime', timestampMs: t });
  }
  if (o.shiftBy !== undefined) {
    const n = Number(o.shiftBy);
    if (!Number.isInteger(n)) throw new UsageError(`--shift-by: ${JSON.stringify(o.shiftBy)} is not an integer`);
    given.push({ kind: 'shift', by: n });
  }
  if (o.toOffset !== undefined) {
    const n = Number(o.toOffset);
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError(`--to-offset: ${JSON.stringify(o.toOffset)} is not an offset`);
    given.push({ kind: 'offset', offset: n });
  }
  if (given.length !== 1)
    throw new UsageError(
      'give exactly one of --to-earliest, --to-latest, --to-datetime ISO, --shift-by N, --to-offset N',
    );
  return given[0];
}

/**
 * New offsets, clamped into [log start, high watermark] as Kafka's tool does. `byTime` holds
 * ListOffsets-by-timestamp answers (missing: no record at or after the time, i.e. the end).
 */
export function planReset(
  spec: ResetSpec,
  partitions: readonly { topic: string; partition: number; committed: number | undefined; bounds: PartitionBounds }[],
  byTime: ReadonlyMap<string, number> = new Map(),
): ResetRow[] {
  return partitions.map(({ topic, partition, committed, bounds }) => {
    const clamp = (n: number) => Math.min(Math.max(n, bounds.logStartOffset), bounds.highWatermark);
    const current = committed !== undefined && committed >= 0 ? committed : null;
    let target: number;
    switch (spec.kind) {
      case 'earliest':
        target = bounds.logStartOffset;
        break;
      case 'latest':
        target = bounds.highWatermark;
        break;
      case 'offset':
        target = spec.offset;
        break;
      case 'shift':
        // Without a commit the shift starts from the log start.
        target = (current ?? bounds.logStartOffset) + spec.by;
        break;
      case 'datetime': {
        const t = byTime.get(tpKey(topic, partition));
        target = t === undefined || t < 0 ? bounds.highWatermark : t;
        break;
      }
    }
    return { topic, partition, currentOffset: current, newOffset: clamp(target) };
  });
}

export interface ResetResult {
  groupId: string;
  topic: string;
  executed: boolean;
  partitions: ResetRow[];
}

export async function resetOffsets(
  client: ClusterClient,
  groupId: string,
  topic: string,
  spec: ResetSpec,
  execute: boolean,
): Promise<ResetResult> {
  const { groups, topics } = await fetchGroups(client, [groupId]).catch(async (e: unknown) => {
    // A group that never committed is unknown to the coordinator; resetting it is still valid.
    if (e instanceof RuntimeFailure && /unknown consumer group/.test(e.message)) {
      const md = await client.metadata({ topics: () => true, groups: () => true, includeInternal: true });
      return {
        groups: [{ groupId, state: 'Dead', protocolType: '', members: [], offsets: [] }],
        topics: md.topics,
        leaderOf: new Map<string, number>(),
      };
    }
    throw e;
  });
  const g = groups[0];
  // Share groups keep no committed offsets (their start offsets are the share coordinator's).
  if ('type' in g && g.type !== 'classic' && g.type !== 'consumer')
    throw new RuntimeFailure(`group ${groupId} is a ${g.type} group: it has no committed offsets to reset`);
  const t = topics.find((x) => x.name === topic);
  if (!t) throw new RuntimeFailure(`unknown topic: ${topic}`);
  const errors = new RequestErrors();
  const refs = t.partitions.map((p) => ({ topic, partition: p.partition, leader: p.leader }));
  const offsets = await client.partitionOffsets(refs, errors);
  const missing = refs.filter((r) => !offsets.has(tpKey(topic, r.partition)));
  if (missing.length > 0)
    throw new RuntimeFailure(
      `cannot read offsets of ${missing.map((r) => `${topic}/${r.partition}`).join(', ')} (leader unavailable): ${errors.messages.join('; ')}`,
    );
  const byTime =
    spec.kind === 'datetime' ? await client.listOffsets(refs, spec.timestampMs, errors) : new Map<string, number>();
  const committed = new Map(g.offsets.filter((o) => o.topic === topic).map((o) => [o.partition, o.offset]));
  const rows = planReset(
    spec,
    refs.map((r) => ({
      topic,
      partition: r.partition,
      committed: committed.get(r.partition),
      bounds: offsets.get(tpKey(topic, r.partition))!,
    })),
    byTime,
  );
  if (execute) {
    // A group listed but not described has members this client cannot count: refuse rather than guess.
    if ('described' in g && !g.described)
      throw new RuntimeFailure(
        `group ${groupId} could not be described (the broker lacks ConsumerGroupDescribe): its members are unknown, refusing to reset`,
      );
    if (g.members.length > 0)
      throw new RuntimeFailure(
        `refusing to reset offsets of group ${groupId}: it has ${g.members.length} active member(s) (state ${g.state}); stop its consumers first`,
      );
    const raw = new RawApis(client);
    try {
      const results = await raw.commitOffsets(
        t.partitions.find((p) => p.leader >= 0)?.leader ?? 0,
        groupId,
        topic,
        rows.map((r) => ({ partition: r.partition, offset: r.newOffset })),
      );
      const failed = [...results].filter(([, e]) => e !== 'NONE');
      if (failed.length > 0)
        throw new RuntimeFailure(
          `the coordinator rejected the reset of group ${groupId}: ${failed.map(([p, e]) => `${topic}/${p} ${e}`).join(', ')}`,
        );
    } finally {
      await raw.close();
    }
  }
  return { groupId, topic, executed: execute, partitions: rows };
}
