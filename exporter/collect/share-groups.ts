// KIP-932 share groups: kafka_sharegroup_lag{sharegroup,topic,partition} and
// kafka_sharegroup_lag_sum{sharegroup,topic}. Kept apart from the consumer-group path
// (derive.ts) because share groups have no committed offsets: their position is the
// share-partition start offset (SPSO) that DescribeShareGroupOffsets (API 90) reports.
//
// Per cycle, `ShareGroupReader.read` asks only brokers whose ApiVersions include API 90 (Kafka
// 4.1+ and the reference cluster); against older brokers it says once in the log that share groups
// cannot be seen and returns nothing. It lists share groups with ListGroups (types filter "share"
// from v5; the broker that lists a group coordinates it), applies the exporter's group filter, and
// asks each group's offsets at that coordinator. `shareGroupLag` (pure) turns the answer and the
// cycle's end offsets into lag; `addShareGroupSeries` writes the series into the snapshot with the
// same tiers as consumer lag, so the series limit drops per-partition share lag first.
import type { Logger } from '../../common/index.js';
import {
  describeShareGroupOffsets,
  mapLimit,
  type ClusterClient,
  type ClusterState,
  type NameFilter,
  type RequestErrors,
  type ShareGroupPartitionOffset,
} from '../../kafka-client/index.js';
import { listGroupsCodec } from '../../protocol/index.js';
import { FragmentWriter, labelValueBytes, Tier, type SnapshotBuilder } from '../snapshot/snapshot.js';

const LIST_GROUPS_API_KEY = 16;
const DESCRIBE_SHARE_GROUP_OFFSETS_API_KEY = 90;

/** One share group's DescribeShareGroupOffsets answer of this cycle. */
export interface ShareGroupOffsets {
  groupId: string;
  partitions: readonly ShareGroupPartitionOffset[];
}

export interface ShareLagPartition {
  topic: string;
  partition: number;
  lag: number;
}

export interface ShareGroupLag {
  groupId: string;
  /** Partitions with a lag this cycle, in the order the broker answered. */
  partitions: ShareLagPartition[];
  /** Per topic: sum over `partitions` (a topic with no lag-bearing partition has no sum). */
  topics: { topic: string; lagSum: number }[];
  /** Partitions without a series this cycle, and why. */
  skipped: { topic: string; partition: number; reason: 'error' | 'no-start-offset' | 'no-end-offset' }[];
}

/**
 * Share lag of one group. `endOffset` is the partition's high watermark as this cycle's
 * ListOffsets read it (the value behind kafka_topic_partition_current_offset); undefined for a
 * partition that did not answer, or a topic outside the exporter's filters: no series then, as
 * for consumer lag.
 *
 * The value: end offset - SPSO, never negative, lowered to the broker's v1 `Lag` when that is
 * present. Both count the records from the SPSO to the end; the broker's also leaves out records
 * already acknowledged or archived past the SPSO (acknowledged out of order, so the SPSO could not
 * move over them), which are done and no backlog, so when it is present it is the better number.
 * It is capped by end - SPSO because the broker computed it against its own, later high watermark:
 * the cap keeps the lag within this cycle's end offset, so lag and current offset series agree.
 * Without the broker's lag (v0, or -1 when the coordinator has no replica of the partition)
 * end - SPSO is used alone.
 */
export function shareGroupLag(
  groupId: string,
  offsets: readonly ShareGroupPartitionOffset[],
  endOffset: (topic: string, partition: number) => number | undefined,
): ShareGroupLag {
  const partitions: ShareLagPartition[] = [];
  const skipped: ShareGroupLag['skipped'] = [];
  const sums = new Map<string, number>();
  for (const o of offsets) {
    if (o.error) {
      skipped.push({ topic: o.topic, partition: o.partition, reason: 'error' });
      continue;
    }
    const end = endOffset(o.topic, o.partition);
    if (end === undefined) {
      skipped.push({ topic: o.topic, partition: o.partition, reason: 'no-end-offset' });
      continue;
    }
    if (o.startOffset === undefined) {
      // No share-partition state yet: nothing was ever acquired for this group here.
      skipped.push({ topic: o.topic, partition: o.partition, reason: 'no-start-offset' });
      continue;
    }
    const toEnd = Math.max(0, end - o.startOffset);
    const lag = o.lag !== undefined && o.lag >= 0 ? Math.min(o.lag, toEnd) : toEnd;
    partitions.push({ topic: o.topic, partition: o.partition, lag });
    sums.set(o.topic, (sums.get(o.topic) ?? 0) + lag);
  }
  return { groupId, partitions, topics: [...sums].map(([topic, lagSum]) => ({ topic, lagSum })), skipped };
}

/** The share-lag series of this cycle, per-partition ones only without `aggregateLagToTopic`. */
export function addShareGroupSeries(
  b: SnapshotBuilder,
  groups: readonly ShareGroupLag[],
  aggregateLagToTopic: boolean,
): void {
  const labels = new FragmentWriter();
  const topicBytes = new Map<string, Buffer>();
  const topicOf = (t: string) => {
    let tb = topicBytes.get(t);
    if (!tb) topicBytes.set(t, (tb = labelValueBytes(t)));
    return tb;
  };
  for (const g of groups) {
    const gb = labelValueBytes(g.groupId);
    if (!aggregateLagToTopic)
      for (const p of g.partitions)
        b.addFragment(
          Tier.groupPartition,
          'shareGroupLag',
          labels.start().text('sharegroup', gb).text('topic', topicOf(p.topic)).int('partition', p.partition),
          p.lag,
        );
    for (const t of g.topics)
      b.addFragment(
        Tier.group,
        'shareGroupLagSum',
        labels.start().text('sharegroup', gb).text('topic', topicOf(t.topic)),
        t.lagSum,
      );
  }
}

/** Share lag of every group in `offsets`, against the end offsets of `state` (this cycle's). */
export function shareGroupLags(state: ClusterState, offsets: readonly ShareGroupOffsets[]): ShareGroupLag[] {
  const ends = new Map<string, Map<number, number>>();
  for (const t of state.topics) {
    const m = new Map<number, number>();
    for (const p of t.partitions) if (p.highWatermark !== undefined) m.set(p.partition, p.highWatermark);
    ends.set(t.name, m);
  }
  return offsets.map((g) => shareGroupLag(g.groupId, g.partitions, (t, p) => ends.get(t)?.get(p)));
}

/** Reads share groups and their offsets once per cycle (see the top of this file). */
export class ShareGroupReader {
  private warnedUnsupported = false;

  constructor(
    private readonly cluster: string,
    private readonly client: ClusterClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Every share group the filter admits, with its partitions on visible topics (`state.topics`,
   * already through the topic filter). Undefined when no broker has DescribeShareGroupOffsets.
   * Failures are counted in `errors` per API, as the rest of the cycle's requests are.
   */
  async read(
    state: ClusterState,
    groupFilter: NameFilter,
    errors: RequestErrors,
    concurrency: number,
  ): Promise<ShareGroupOffsets[] | undefined> {
    const listed: { groupId: string; coordinator: number }[] = [];
    let supported = 0;
    let answered = 0;
    await Promise.all(
      state.brokers.map(async (b) => {
        let versions: Map<number, { minVersion: number; maxVersion: number }>;
        try {
          versions = await this.client.apiVersions(b.id);
        } catch (e) {
          errors.add('ApiVersions', e);
          return;
        }
        answered++;
        if (!versions.has(DESCRIBE_SHARE_GROUP_OFFSETS_API_KEY)) return;
        supported++;
        // v5 filters by type at the broker; an older ListGroups lists every group, and share
        // groups are those of protocol type "share".
        const byType = (versions.get(LIST_GROUPS_API_KEY)?.maxVersion ?? 0) >= 5;
        try {
          const { response } = await this.client.call(b.id, listGroupsCodec, {
            statesFilter: [],
            typesFilter: byType ? ['share'] : [],
          });
          if (response.errorCode !== 0) throw new Error(`ListGroups error code ${response.errorCode}`);
          for (const g of response.groups)
            if ((g.groupType ?? g.protocolType) === 'share' && groupFilter(g.groupId))
              listed.push({ groupId: g.groupId, coordinator: b.id });
        } catch (e) {
          errors.add('ListGroups', e);
        }
      }),
    );
    if (supported === 0) {
      // Only brokers that answered ApiVersions can say they lack API 90: unreachable ones are
      // request errors (counted above), not an old cluster.
      if (answered === 0 || answered < state.brokers.length) return undefined;
      if (!this.warnedUnsupported) {
        this.warnedUnsupported = true;
        this.logger.info(
          { cluster: this.cluster },
          'no broker supports DescribeShareGroupOffsets (API 90, Kafka 4.1+): share groups cannot be seen, no kafka_sharegroup_lag',
        );
      }
      return undefined;
    }
    this.warnedUnsupported = false;
    const visible = new Set(state.topics.map((t) => t.name));
    listed.sort((a, b) => a.groupId.localeCompare(b.groupId));
    const out = await mapLimit(
      listed,
      concurrency,
      async ({ groupId, coordinator }): Promise<ShareGroupOffsets | undefined> => {
        try {
          const partitions = (await describeShareGroupOffsets(this.client, groupId, undefined, coordinator)).filter(
            (p) => visible.has(p.topic),
          );
          for (const p of partitions)
            if (p.error)
              errors.add('DescribeShareGroupOffsets', new Error(`${groupId} ${p.topic}-${p.partition}: ${p.error}`));
          return { groupId, partitions };
        } catch (e) {
          errors.add('DescribeShareGroupOffsets', e);
          return undefined;
        }
      },
    );
    return out.filter((g): g is ShareGroupOffsets => g !== undefined);
  }
}
