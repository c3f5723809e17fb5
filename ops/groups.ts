// `groups list`, `groups describe`: group state, members and per-partition lag computed with the
// exporter's lag code over the partitions the cluster model says a group covers (the exporter's
// collector uses the same selection), so the numbers are the ones /metrics shows.
import { estimateLagSeconds, groupLag, shareGroupLag, type LagSecondsMethod } from '../exporter/index.js';
import {
  describeShareGroupOffsets,
  groupPartitions,
  groupTopics,
  groupTypes,
  RequestErrors,
  tpKey,
  type ClusterClient,
  type GroupPartition,
  type GroupState,
  type GroupType,
  type TopicState,
} from '../kafka-client/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import type { ToolkitConfig } from '../common/config/index.js';

const everything = { topics: () => true, groups: () => true, includeInternal: true };

export interface GroupSummary {
  groupId: string;
  /** classic, consumer (KIP-848), share (KIP-932) or streams; classic on a broker without ListGroups v5. */
  type: GroupType;
  state: string;
  protocolType: string;
  assignor: string;
  coordinator: number;
  /** null when the group is listed but not described (streams groups, or a broker without the describe API): unknown, not 0. */
  members: number | null;
  topics: string[];
}

/** Parses `--type`: one or more of the group types, comma separated. */
export function parseGroupTypes(value: string | undefined): GroupType[] | undefined {
  if (value === undefined) return undefined;
  const types = value.split(',').map((t) => t.trim().toLowerCase());
  const bad = types.filter((t) => !(groupTypes as readonly string[]).includes(t));
  if (bad.length > 0)
    throw new UsageError(`--type: unknown group type ${bad.join(', ')} (one of ${groupTypes.join(', ')})`);
  return types as GroupType[];
}

export async function listGroups(client: ClusterClient, types?: readonly GroupType[]): Promise<GroupSummary[]> {
  const md = await client.metadata(everything);
  const errors = new RequestErrors();
  const groups = await client.groups(md.brokers, () => true, errors, 8, md.topics);
  if (groups.length === 0 && errors.messages.length > 0)
    throw new RuntimeFailure(`cannot list groups: ${errors.messages.join('; ')}`);
  return groups
    .filter((g) => !types || types.includes(g.type))
    .map((g) => ({
      groupId: g.groupId,
      type: g.type,
      state: g.state,
      protocolType: g.protocolType,
      assignor: g.assignor,
      coordinator: g.coordinator,
      members: g.described ? g.members.length : null,
      topics: groupTopics(g),
    }));
}

/**
 * Groups `groups list` leaves out unless `--all`: the exporter fleet's coordination group
 * (`exporter.coordination.group` of the configuration, when set). It is the replicas' bookkeeping,
 * commits no offsets, and the exporter leaves it out of its own group series too.
 */
export function hiddenGroupIds(config: Pick<ToolkitConfig, 'exporter'>): string[] {
  const group = config.exporter.coordination.group;
  return group ? [group] : [];
}

/** Splits a listing into what `groups list` shows and what it leaves out (`hiddenGroupIds`). */
export function withoutHiddenGroups(
  list: readonly GroupSummary[],
  hidden: readonly string[],
): { shown: GroupSummary[]; hidden: GroupSummary[] } {
  const ids = new Set(hidden);
  return { shown: list.filter((g) => !ids.has(g.groupId)), hidden: list.filter((g) => ids.has(g.groupId)) };
}

/** The footer line of a table that left groups out, or '' when none was. */
export function hiddenGroupsNote(hidden: readonly GroupSummary[]): string {
  if (hidden.length === 0) return '';
  const ids = hidden.map((g) => g.groupId).join(', ');
  return `(not shown: exporter coordination group ${ids}; --all lists it)\n`;
}

/** The partitions a group's lag covers (the cluster model's groupPartitions, as the exporter's collector). */
export function lagInputs(g: GroupState, topics: readonly TopicState[]): GroupPartition[] {
  const byName = new Map(topics.map((t) => [t.name, t.partitions]));
  return groupPartitions(g, (topic) => byName.get(topic));
}

export interface PartitionLagRow {
  topic: string;
  partition: number;
  /** The committed offset; for a share group the share-partition start offset. */
  currentOffset: number | null;
  logStartOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  lagSeconds: number | null;
  lagSecondsMethod?: LagSecondsMethod;
  lostRecords: number;
  memberId: string | null;
  clientId: string | null;
  host: string | null;
  /** Burrow-style status from the exporter (OK, WARN, STOP, STALL, REWIND) with --exporter. */
  status?: string;
}

export interface GroupDescription {
  groupId: string;
  type: GroupType;
  state: string;
  protocolType: string;
  assignor: string;
  coordinator: number;
  /** Consumer-protocol (KIP-848) groups: group epoch and target-assignment epoch. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  /** false: listed, not described (streams groups, or a broker without the describe API): members unknown. */
  described: boolean;
  members: {
    memberId: string;
    clientId: string;
    host: string;
    assignments: { topic: string; partitions: readonly number[] }[];
    /** Consumer-protocol groups: the member's epoch (below the group epoch while it reconciles). */
    memberEpoch?: number;
    instanceId?: string;
    /** Consumer-protocol groups: what the member will own once reconciled. */
    targetAssignments?: { topic: string; partitions: readonly number[] }[];
  }[];
  partitions: PartitionLagRow[];
  totalLag: number;
  status?: string;
}

export async function fetchGroups(
  client: ClusterClient,
  ids: readonly string[],
): Promise<{ groups: GroupState[]; topics: readonly TopicState[]; leaderOf: Map<string, number> }> {
  const md = await client.metadata(everything);
  const errors = new RequestErrors();
  const wanted = new Set(ids);
  const groups = await client.groups(md.brokers, (g) => wanted.has(g), errors, 8, md.topics);
  const missing = ids.filter((id) => !groups.some((g) => g.groupId === id));
  if (missing.length > 0) {
    const why = errors.messages.length > 0 ? ` (request errors: ${errors.messages.join('; ')})` : '';
    throw new RuntimeFailure(`unknown consumer group${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}${why}`);
  }
  const leaderOf = new Map<string, number>();
  for (const t of md.topics) for (const p of t.partitions) leaderOf.set(tpKey(t.name, p.partition), p.leader);
  return { groups: ids.map((id) => groups.find((g) => g.groupId === id)!), topics: md.topics, leaderOf };
}

export async function describeGroups(
  client: ClusterClient,
  ids: readonly string[],
  statuses?: ExporterStatuses,
): Promise<GroupDescription[]> {
  const { groups, topics, leaderOf } = await fetchGroups(client, ids);
  const errors = new RequestErrors();
  const inputs = new Map(groups.map((g) => [g.groupId, lagInputs(g, topics)]));
  const refs = new Map<string, { topic: string; partition: number; leader: number }>();
  for (const list of inputs.values())
    for (const i of list)
      refs.set(tpKey(i.topic, i.partition), {
        topic: i.topic,
        partition: i.partition,
        leader: leaderOf.get(tpKey(i.topic, i.partition)) ?? -1,
      });
  const offsets = await client.partitionOffsets([...refs.values()], errors);
  const now = Date.now();
  const out: GroupDescription[] = [];
  for (const g of groups) {
    if (g.type === 'share') {
      out.push(await describeShareGroup(client, g, leaderOf, errors));
      continue;
    }
    const lag = groupLag(inputs.get(g.groupId)!, (t, p) => offsets.get(tpKey(t, p)));
    // The record at each lagging committed offset gives the exact lag in seconds (the exporter's "record" method).
    const tsRequests = lag.partitions.flatMap((p) =>
      p.lag.kind === 'committed' && p.lag.lag > 0
        ? [{ ...refs.get(tpKey(p.topic, p.partition))!, offset: p.lag.effectiveOffset }]
        : [],
    );
    const timestamps = await client.recordTimestamps(tsRequests, errors);
    const owner = new Map<string, GroupState['members'][number]>();
    for (const m of g.members)
      for (const a of m.assignments) for (const p of a.partitions) owner.set(tpKey(a.topic, p), m);
    let totalLag = 0;
    const rows = lag.partitions.map((p): PartitionLagRow => {
      const k = tpKey(p.topic, p.partition);
      const o = offsets.get(k)!;
      const m = owner.get(k);
      const row: PartitionLagRow = {
        topic: p.topic,
        partition: p.partition,
        currentOffset: null,
        logStartOffset: o.logStartOffset,
        logEndOffset: o.highWatermark,
        lag: null,
        lagSeconds: null,
        lostRecords: 0,
        memberId: m?.memberId ?? null,
        clientId: m?.clientId ?? null,
        host: m?.clientHost ?? null,
      };
      if (p.lag.kind === 'committed') {
        const est = estimateLagSeconds({
          committed: p.lag.effectiveOffset,
          highWatermark: o.highWatermark,
          nowMs: now,
          recordTimestampMs: timestamps.get(`${k}\u0000${p.lag.effectiveOffset}`),
          points: [],
        });
        // Without the record's timestamp and without offset history there is no honest estimate: unknown, not 0.
        const known = est.method === 'record' || est.method === 'caught-up';
        Object.assign(row, {
          currentOffset: p.lag.committed,
          lag: p.lag.lag,
          lagSeconds: known ? Math.round(est.seconds * 1000) / 1000 : null,
          lagSecondsMethod: known ? est.method : undefined,
          lostRecords: p.lag.lostRecords,
        });
        totalLag += p.lag.lag;
      }
      const st = statuses?.partitions.get(`${g.groupId}\u0000${k}`);
      if (st !== undefined) row.status = st;
      return row;
    });
    // Partitions whose offsets could not be read (offline: no leader) still show their commit.
    const shown = new Set(rows.map((r) => tpKey(r.topic, r.partition)));
    for (const i of inputs.get(g.groupId)!) {
      if (shown.has(tpKey(i.topic, i.partition))) continue;
      const m = owner.get(tpKey(i.topic, i.partition));
      rows.push({
        topic: i.topic,
        partition: i.partition,
        currentOffset: i.committed ?? null,
        logStartOffset: null,
        logEndOffset: null,
        lag: null,
        lagSeconds: null,
        lostRecords: 0,
        memberId: m?.memberId ?? null,
        clientId: m?.clientId ?? null,
        host: m?.clientHost ?? null,
      });
    }
    rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    out.push({
      ...groupHeader(g),
      partitions: rows,
      totalLag,
      status: statuses?.groups.get(g.groupId),
    });
  }
  return out;
}

/** Header fields of a group's description, the same for every group type. */
function groupHeader(g: GroupState): Omit<GroupDescription, 'partitions' | 'totalLag' | 'status'> {
  return {
    groupId: g.groupId,
    type: g.type,
    state: g.state,
    protocolType: g.protocolType,
    assignor: g.assignor,
    coordinator: g.coordinator,
    ...(g.groupEpoch !== undefined ? { groupEpoch: g.groupEpoch, assignmentEpoch: g.assignmentEpoch } : {}),
    described: g.described,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      assignments: m.assignments.map((a) => ({ topic: a.topic, partitions: a.partitions })),
      ...(m.memberEpoch !== undefined ? { memberEpoch: m.memberEpoch } : {}),
      ...(m.instanceId !== undefined ? { instanceId: m.instanceId } : {}),
      ...(m.targetAssignments
        ? { targetAssignments: m.targetAssignments.map((a) => ({ topic: a.topic, partitions: a.partitions })) }
        : {}),
    })),
  };
}

/**
 * A share group (KIP-932): per partition the share-partition start offset (shown as the current
 * offset: records below it are done), the end offset and the share lag the exporter exports as
 * kafka_sharegroup_lag (exporter/lag/share-lag.ts). A share-partition is consumed by several
 * members at once, so the member columns stay empty; the members table lists who holds what.
 */
async function describeShareGroup(
  client: ClusterClient,
  g: GroupState,
  leaderOf: ReadonlyMap<string, number>,
  errors: RequestErrors,
): Promise<GroupDescription> {
  const starts = await describeShareGroupOffsets(client, g.groupId, undefined, g.coordinator);
  const offsets = await client.partitionOffsets(
    starts.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      leader: leaderOf.get(tpKey(o.topic, o.partition)) ?? -1,
    })),
    errors,
  );
  const lag = shareGroupLag(g.groupId, starts, (t, p) => offsets.get(tpKey(t, p))?.highWatermark);
  const lagOf = new Map(lag.partitions.map((p) => [tpKey(p.topic, p.partition), p.lag]));
  const rows = starts
    .map((o): PartitionLagRow => {
      const end = offsets.get(tpKey(o.topic, o.partition));
      return {
        topic: o.topic,
        partition: o.partition,
        currentOffset: o.startOffset ?? null,
        logStartOffset: end?.logStartOffset ?? null,
        logEndOffset: end?.highWatermark ?? null,
        lag: lagOf.get(tpKey(o.topic, o.partition)) ?? null,
        lagSeconds: null,
        lostRecords: 0,
        memberId: null,
        clientId: null,
        host: null,
      };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return {
    ...groupHeader(g),
    partitions: rows,
    totalLag: lag.topics.reduce((sum, t) => sum + t.lagSum, 0),
  };
}

export interface ExporterStatuses {
  /** key: group \0 topic \0 partition */
  partitions: Map<string, string>;
  groups: Map<string, string>;
}

const PARTITION_STATUS: Record<number, string> = { 1: 'OK', 2: 'WARN', 4: 'STOP', 5: 'STALL', 6: 'REWIND' };
const GROUP_STATUS: Record<number, string> = { 0: 'NOTFOUND', 1: 'OK', 2: 'WARN', 3: 'ERR' };

function labelsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    out[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

/** Lag status series from an exporter's /metrics text (needs its commit history, hence the exporter). */
export function parseExporterStatuses(text: string): ExporterStatuses {
  const partitions = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(kafka_consumergroup_partition_status|kafka_consumergroup_status)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const l = labelsOf(m[2]);
    const v = Number(m[3]);
    if (m[1] === 'kafka_consumergroup_status') groups.set(l.consumergroup, GROUP_STATUS[v] ?? String(v));
    else
      partitions.set(
        `${l.consumergroup}\u0000${tpKey(l.topic, Number(l.partition))}`,
        PARTITION_STATUS[v] ?? String(v),
      );
  }
  return { partitions, groups };
}

export async function fetchExporterStatuses(url: string): Promise<ExporterStatuses> {
  const target = /\/metrics\/?$/.test(url) ? url : `${url.replace(/\/$/, '')}/metrics`;
  let res: Response;
  try {
    res = await fetch(target, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new RuntimeFailure(`--exporter ${target}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new RuntimeFailure(`--exporter ${target}: HTTP ${res.status}`);
  return parseExporterStatuses(await res.text());
}
