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
import { shareGroupLag, type ShareGroupLag } from '../lag/share-lag.js';
import { FragmentWriter, labelValueBytes, Tier, type SnapshotBuilder } from '../snapshot/snapshot.js';

const LIST_GROUPS_API_KEY = 16;
const DESCRIBE_SHARE_GROUP_OFFSETS_API_KEY = 90;

/** One share group's DescribeShareGroupOffsets answer of this cycle. */
export interface ShareGroupOffsets {
  groupId: string;
  partitions: readonly ShareGroupPartitionOffset[];
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
