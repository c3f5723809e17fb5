// `kafka-sre cluster|topics|groups|log ...`: the operator commands. Each command builds plain data
// (ops/*.ts), then prints it as tables or JSON (ops/output.ts). Exit 3 when a health filter finds
// problems or a segment is corrupt, 1 when the cluster cannot be reached, 2 for usage errors.
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../common/index.js';
import { contextFor, parseIntFlag } from '../common/command/index.js';
import { withCluster, withConnectionOptions, type ConnectionFlags } from './connect.js';
import { alterTopicConfig, parseSetPairs } from './alter-config.js';
import { listAcls, parseResourceType } from './acls.js';
import { deleteRecords, parseDeleteTarget } from './delete-records.js';
import { electPreferredLeaders } from './elect-leaders.js';
import { describeLogDirs } from './log-dirs.js';
import { dumpOffsets, formatOffsetsEntry } from './offsets-dump.js';
import {
  describeGroups,
  fetchExporterStatuses,
  hiddenGroupIds,
  hiddenGroupsNote,
  listGroups,
  parseGroupTypes,
  withoutHiddenGroups,
  type GroupDescription,
} from './groups.js';
import { groupTypes } from '../kafka-client/index.js';
import { dumpSegmentFile, renderSegmentDump, type SegmentDump } from './log-dump.js';
import { emit, parseOutputFormat, renderFields, renderTable, type OutputFormat } from './output.js';
import type { HealthFilter } from './partition-health.js';
import { parseResetSpec, resetOffsets } from './reset-offsets.js';
import { describeCluster, describeTopics, listTopics, type TopicDescription } from './topics.js';
import {
  abortTransaction,
  DEFAULT_MAX_TRANSACTION_TIMEOUT_MINUTES,
  describeTransaction,
  findHanging,
  listTransactions,
  parseTimeoutMinutes,
} from './transactions.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function foundProblems(): void {
  process.exitCode = ExitCode.problemsFound;
}

function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('cluster-wide views (operator commands)');
  withConnectionOptions(
    cluster
      .command('describe')
      .description(
        'brokers (id, address, rack), controller, cluster id, API versions per broker, partition health counts',
      ),
  ).action(async (f: ConnectionFlags, cmd: Command) => {
    const d = await withCluster(cmd, f, (c) => describeCluster(c));
    emit(f.output, d, (color) => {
      const head = renderFields([
        ['Cluster id', d.clusterId ?? null],
        ['Controller', d.controllerId],
        ['Brokers', d.brokers.length],
        ['Topics', d.topics],
        ['Partitions', d.partitions],
        ['Under-replicated partitions', d.underReplicatedPartitions],
        ['Offline partitions', d.offlinePartitions],
        ['Under-min-ISR partitions', d.underMinIsrPartitions],
        ['Partitions not led by their preferred replica', d.unpreferredLeaders],
      ]);
      const brokers = renderTable(
        {
          title: '\nBrokers',
          columns: ['ID', 'ADDRESS', 'RACK', 'CONTROLLER', 'APIS'],
          rows: d.brokers.map((b) => [
            b.id,
            `${b.host}:${b.port}`,
            b.rack ?? null,
            b.controller ? 'yes' : '',
            b.error ? `unreachable: ${b.error}` : Object.keys(b.apiVersions ?? {}).length,
          ]),
        },
        color,
      );
      const apis = d.brokers
        .filter((b) => b.apiVersions)
        .map((b) =>
          renderTable(
            {
              title: `\nAPI versions of broker ${b.id}`,
              columns: ['API', 'VERSIONS'],
              rows: Object.entries(b.apiVersions!).map(([k, v]) => [k, v]),
            },
            color,
          ),
        )
        .join('');
      return head + brokers + apis;
    });
  });
}

function topicTables(topics: readonly TopicDescription[], color: boolean): string {
  if (topics.length === 0) return 'No partitions match.\n';
  return topics
    .map((t) => {
      const head = `Topic: ${t.name}  PartitionCount: ${t.partitionCount}  ReplicationFactor: ${t.replicationFactor}  min.insync.replicas: ${t.minInsyncReplicas ?? '-'}${t.internal ? '  (internal)' : ''}\n`;
      const cfg =
        Object.keys(t.configs).length > 0
          ? `Configs: ${Object.entries(t.configs)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}\n`
          : '';
      const problemRows = new Set(
        t.partitions.flatMap((p, i) => (p.problems.some((x) => x !== 'atMinIsr') ? [i] : [])),
      );
      return (
        head +
        cfg +
        renderTable(
          {
            columns: ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'OFFLINE', 'LOG-START', 'LOG-END', 'PROBLEMS'],
            rows: t.partitions.map((p) => [
              p.partition,
              p.leader < 0 ? 'none' : p.leader,
              p.replicas,
              p.isr,
              p.offlineReplicas,
              p.logStartOffset,
              p.logEndOffset,
              p.problems.join(',') || null,
            ]),
            problemRows,
          },
          color,
        )
      );
    })
    .join('\n');
}

interface TopicDescribeFlags extends ConnectionFlags {
  underReplicated?: boolean;
  unavailable?: boolean;
  offline?: boolean;
  underMinIsr?: boolean;
  atMinIsr?: boolean;
  unpreferredLeader?: boolean;
}

function registerTopics(program: Command): void {
  const topics = program.command('topics').description('topics and partitions (operator commands)');
  withConnectionOptions(topics.command('list').description('topic names with partition count and replication factor'))
    .option('--include-internal', 'include internal topics (__consumer_offsets, ...)')
    .action(async (f: ConnectionFlags & { includeInternal?: boolean }, cmd: Command) => {
      const list = await withCluster(cmd, f, (c) => listTopics(c, f.includeInternal === true));
      emit(f.output, list, (color) =>
        renderTable(
          {
            columns: ['TOPIC', 'PARTITIONS', 'REPLICATION', 'INTERNAL'],
            rows: list.map((t) => [t.name, t.partitions, t.replicationFactor, t.internal ? 'yes' : '']),
          },
          color,
        ),
      );
    });
  withConnectionOptions(
    topics
      .command('describe')
      .description(
        'partitions with leader, replicas, ISR, offline replicas, log start/end offsets, non-default configs; filters exit 3 when they match',
      )
      .argument('[topic...]', 'topics (default: all non-internal; all topics when a filter is given)'),
  )
    .option('--under-replicated', 'only partitions whose ISR is smaller than the replica set')
    .option('--unavailable', 'only partitions without a leader')
    .option('--offline', 'same as --unavailable')
    .option('--under-min-isr', 'only partitions whose ISR is below min.insync.replicas')
    .option('--at-min-isr', 'only partitions whose ISR equals min.insync.replicas')
    .option('--unpreferred-leader', 'only partitions not led by their preferred (first) replica')
    .action(async (names: string[], f: TopicDescribeFlags, cmd: Command) => {
      const filters: HealthFilter[] = [];
      if (f.underReplicated) filters.push('underReplicated');
      if (f.unavailable || f.offline) filters.push('unavailable');
      if (f.underMinIsr) filters.push('underMinIsr');
      if (f.atMinIsr) filters.push('atMinIsr');
      if (f.unpreferredLeader) filters.push('unpreferredLeader');
      const list = await withCluster(cmd, f, (c) => describeTopics(c, names, filters));
      emit(f.output, list, (color) => topicTables(list, color));
      if (filters.length > 0 && list.some((t) => t.partitions.length > 0)) foundProblems();
    });
  withConnectionOptions(
    topics
      .command('alter-config')
      .description('change topic config overrides: a validated dry run printing current -> new unless --execute')
      .argument('<topic>', 'topic'),
  )
    .option('--set <name=value>', 'set an override (repeatable)', collect)
    .option('--delete <name>', 'remove an override: back to the default (repeatable)', collect)
    .option('--execute', 'apply the change (default: dry run, validated by the broker)')
    .action(
      async (
        topic: string,
        f: ConnectionFlags & { set?: string[]; delete?: string[]; execute?: boolean },
        cmd: Command,
      ) => {
        const set = parseSetPairs(f.set ?? []);
        const r = await withCluster(cmd, f, (c) => alterTopicConfig(c, topic, set, f.delete ?? [], f.execute === true));
        emit(f.output, r, (color) => {
          const note = r.executed
            ? `Configs of ${r.topic} changed:\n`
            : `Dry run (validated by the broker; nothing changed; add --execute to apply) for ${r.topic}:\n`;
          return (
            note +
            renderTable(
              {
                columns: ['CONFIG', 'CURRENT', 'NEW'],
                rows: r.changes.map((c) => [c.name, c.current ?? '(default)', c.next ?? '(default)']),
              },
              color,
            )
          );
        });
      },
    );
  withConnectionOptions(
    topics
      .command('elect-leaders')
      .description(
        'preferred-leader election (ElectLeaders): a dry run listing the partitions that would move unless --execute',
      )
      .argument('[topic...]', 'topics (default: every topic)'),
  )
    .requiredOption('--preferred', 'elect the preferred (first) replica (the only election type offered)')
    .option('--execute', 'send the election to the controller (default: dry run)')
    .action(async (names: string[], f: ConnectionFlags & { execute?: boolean }, cmd: Command) => {
      const r = await withCluster(cmd, f, (c) =>
        electPreferredLeaders(c, names, f.execute === true, Number(f.timeout ?? 10_000)),
      );
      emit(f.output, r, (color) => {
        if (r.partitions.length === 0)
          return 'Every partition is led by its preferred replica (or the preferred replica is not in the ISR): nothing to elect.\n';
        const note = r.executed
          ? 'Preferred-leader election sent to the controller:\n'
          : 'Dry run (nothing changed; add --execute to elect):\n';
        return (
          note +
          renderTable(
            {
              columns: ['TOPIC', 'PARTITION', 'LEADER', 'PREFERRED', ...(r.executed ? ['RESULT'] : [])],
              rows: r.partitions.map((p) => [
                p.topic,
                p.partition,
                p.leader,
                p.preferred,
                ...(r.executed ? [p.result ?? null] : []),
              ]),
            },
            color,
          )
        );
      });
      if (r.executed && r.partitions.some((p) => p.result !== undefined && p.result !== 'NONE')) foundProblems();
    });
  withConnectionOptions(
    topics
      .command('delete-records')
      .description(
        'delete records below an offset (moves the log start offset): a dry run printing what would go unless --execute',
      )
      .argument('<topic>', 'topic'),
  )
    .option('--partition <n>', 'only this partition (repeatable; default: every partition)', collect)
    .option('--before <offset>', 'new log start offset: records below it are deleted')
    .option('--to-high-watermark', 'delete every committed record (new log start = high watermark)')
    .option('--execute', 'send DeleteRecords to the leaders (default: dry run)')
    .action(
      async (
        topic: string,
        f: ConnectionFlags & { partition?: string[]; before?: string; toHighWatermark?: boolean; execute?: boolean },
        cmd: Command,
      ) => {
        const target = parseDeleteTarget(f.before, f.toHighWatermark);
        const partitions = (f.partition ?? []).map((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 0)
            throw new UsageError(`--partition ${JSON.stringify(v)}: expected a partition number`);
          return n;
        });
        const r = await withCluster(cmd, f, (c) =>
          deleteRecords(c, topic, partitions, target, f.execute === true, Number(f.timeout ?? 10_000)),
        );
        emit(f.output, r, (color) => {
          const note = r.executed
            ? `DeleteRecords sent for ${r.topic}:\n`
            : `Dry run for ${r.topic} (nothing deleted; add --execute to delete):\n`;
          return (
            note +
            renderTable(
              {
                columns: [
                  'PARTITION',
                  'LEADER',
                  'LOG-START',
                  'HIGH-WATERMARK',
                  'NEW-LOG-START',
                  'RECORDS',
                  ...(r.executed ? ['RESULT'] : []),
                ],
                rows: r.partitions.map((p) => [
                  p.partition,
                  p.leader,
                  p.logStartOffset,
                  p.highWatermark,
                  p.newLogStartOffset,
                  p.records,
                  ...(r.executed ? [p.result ?? null] : []),
                ]),
              },
              color,
            )
          );
        });
        if (r.executed && r.partitions.some((p) => p.result !== undefined && p.result !== 'NONE'))
          process.exitCode = ExitCode.runtimeFailure;
      },
    );
}

/** `topic:0,1 other:3` */
function partitionsText(a: readonly { topic: string; partitions: readonly number[] }[]): string | null {
  return a.length > 0 ? a.map((t) => `${t.topic}:${t.partitions.join(',')}`).join(' ') : null;
}

function groupTables(groups: readonly GroupDescription[], color: boolean): string {
  return groups
    .map((g) => {
      const head = renderFields([
        ['Group', g.groupId],
        ['Type', g.type],
        ['State', g.state],
        ['Protocol type', g.protocolType || null],
        ['Assignor', g.assignor || null],
        ['Coordinator', g.coordinator],
        ...(g.groupEpoch !== undefined
          ? ([
              ['Group epoch', g.groupEpoch],
              ['Assignment epoch', g.assignmentEpoch ?? null],
            ] as [string, number | null][])
          : []),
        ['Members', g.described ? g.members.length : 'unknown (listed, not described)'],
        ['Total lag', g.totalLag],
        ...(g.status !== undefined ? ([['Lag status', g.status]] as [string, string][]) : []),
      ]);
      const withStatus = g.partitions.some((p) => p.status !== undefined);
      const cols = [
        'TOPIC',
        'PARTITION',
        'CURRENT-OFFSET',
        'LOG-END-OFFSET',
        'LAG',
        'LAG-SECONDS',
        'CONSUMER-ID',
        'HOST',
        'CLIENT-ID',
        ...(withStatus ? ['STATUS'] : []),
      ];
      const problemRows = new Set(
        g.partitions.flatMap((p, i) => (p.lostRecords > 0 || (p.status !== undefined && p.status !== 'OK') ? [i] : [])),
      );
      const table = renderTable(
        {
          columns: cols,
          rows: g.partitions.map((p) => [
            p.topic,
            p.partition,
            p.currentOffset,
            p.logEndOffset,
            p.lag,
            p.lagSeconds,
            p.memberId,
            p.host,
            p.clientId,
            ...(withStatus ? [p.status ?? null] : []),
          ]),
          problemRows,
        },
        color,
      );
      // KIP-848 members: epoch and target assignment show who is still reconciling.
      const epochs = g.members.some((m) => m.memberEpoch !== undefined)
        ? renderTable(
            {
              columns: ['CONSUMER-ID', 'CLIENT-ID', 'MEMBER-EPOCH', 'ASSIGNED', 'TARGET'],
              rows: g.members.map((m) => [
                m.memberId,
                m.clientId,
                m.memberEpoch ?? null,
                partitionsText(m.assignments),
                partitionsText(m.targetAssignments ?? []),
              ]),
              problemRows: new Set(
                g.members.flatMap((m, i) => (g.groupEpoch !== undefined && m.memberEpoch !== g.groupEpoch ? [i] : [])),
              ),
            },
            color,
          )
        : '';
      return head + epochs + (g.partitions.length > 0 ? table : 'No committed offsets or assignments.\n');
    })
    .join('\n');
}

function registerGroups(program: Command): void {
  const groups = program
    .command('groups')
    .description('consumer groups: state, members, lag, offset resets (operator commands)');
  withConnectionOptions(
    groups
      .command('list')
      .description('every group with type, state, protocol type, assignor, coordinator, member count and topics'),
  )
    .option('--type <types>', `only groups of these types, comma separated (${groupTypes.join(', ')})`)
    .option('--all', "also the exporter fleet's coordination group (exporter.coordination.group), left out by default")
    .action(async (f: ConnectionFlags & { type?: string; all?: boolean }, cmd: Command) => {
      const types = parseGroupTypes(f.type);
      const hideIds = f.all ? [] : hiddenGroupIds(contextFor(cmd).config());
      const { shown: list, hidden } = withoutHiddenGroups(
        await withCluster(cmd, f, (c) => listGroups(c, types)),
        hideIds,
      );
      // JSON stays the list alone (scripts parse it); the note goes to stderr there.
      if (f.output === 'json' && hidden.length > 0) process.stderr.write(hiddenGroupsNote(hidden));
      emit(
        f.output,
        list,
        (color) =>
          renderTable(
            {
              columns: ['GROUP', 'TYPE', 'STATE', 'PROTOCOL-TYPE', 'ASSIGNOR', 'COORDINATOR', 'MEMBERS', 'TOPICS'],
              rows: list.map((g) => [
                g.groupId,
                g.type,
                g.state,
                g.protocolType || null,
                g.assignor || null,
                g.coordinator,
                g.members,
                g.topics.join(',') || null,
              ]),
            },
            color,
          ) + hiddenGroupsNote(hidden),
      );
    });
  withConnectionOptions(
    groups
      .command('describe')
      .description(
        "state, members, and per partition current offset, log end offset, lag and lag seconds (the exporter's definitions)",
      )
      .argument('<group...>', 'consumer group ids'),
  )
    .option('--exporter <url>', 'a running exporter (http://host:port): adds its Burrow-style lag status')
    .action(async (ids: string[], f: ConnectionFlags & { exporter?: string }, cmd: Command) => {
      const statuses = f.exporter ? await fetchExporterStatuses(f.exporter) : undefined;
      const list = await withCluster(cmd, f, (c) => describeGroups(c, ids, statuses));
      emit(f.output, list, (color) => groupTables(list, color));
    });
  withConnectionOptions(
    groups
      .command('reset-offsets')
      .description(
        'move committed offsets of a group on a topic; a dry run unless --execute (refused while the group has members)',
      )
      .argument('<group>', 'consumer group id'),
  )
    .requiredOption('--topic <topic>', 'topic whose partitions are reset')
    .option('--to-earliest', 'to the log start offset')
    .option('--to-latest', 'to the log end offset (skip everything unconsumed)')
    .option('--to-datetime <iso>', 'to the first offset at or after this time (ISO-8601)')
    .option('--shift-by <n>', 'move by n (negative: back)')
    .option('--to-offset <n>', 'to this offset (clamped to the log)')
    .option('--execute', 'apply the change (default: dry run)')
    .action(
      async (
        groupId: string,
        f: ConnectionFlags & {
          topic: string;
          toEarliest?: boolean;
          toLatest?: boolean;
          toDatetime?: string;
          shiftBy?: string;
          toOffset?: string;
          execute?: boolean;
        },
        cmd: Command,
      ) => {
        const spec = parseResetSpec(f);
        const r = await withCluster(cmd, f, (c) => resetOffsets(c, groupId, f.topic, spec, f.execute === true));
        emit(f.output, r, (color) => {
          const note = r.executed
            ? `Offsets of group ${r.groupId} on ${r.topic} were reset:\n`
            : `Dry run (nothing changed; add --execute to apply) for group ${r.groupId} on ${r.topic}:\n`;
          return (
            note +
            renderTable(
              {
                columns: ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
                rows: r.partitions.map((p) => [p.topic, p.partition, p.currentOffset, p.newOffset]),
              },
              color,
            )
          );
        });
      },
    );
}

function registerLog(program: Command): void {
  const log = program.command('log').description('log directories and segments (operator commands)');
  withConnectionOptions(
    log
      .command('dirs')
      .description(
        'log directories of every broker (DescribeLogDirs): health, capacity, bytes; exit 3 when one is offline',
      ),
  ).action(async (f: ConnectionFlags, cmd: Command) => {
    const rows = await withCluster(cmd, f, (c) => describeLogDirs(c));
    emit(f.output, rows, (color) =>
      renderTable(
        {
          columns: ['BROKER', 'DIR', 'STATUS', 'TOTAL-BYTES', 'USABLE-BYTES', 'PARTITION-BYTES', 'PARTITIONS'],
          rows: rows.map((r) => [
            r.broker,
            r.dir,
            r.error ?? 'online',
            r.totalBytes,
            r.usableBytes,
            r.partitionBytes,
            r.partitions,
          ]),
          problemRows: new Set(rows.flatMap((r, i) => (r.error ? [i] : []))),
        },
        color,
      ),
    );
    if (rows.some((r) => r.error)) foundProblems();
  });
  log
    .command('dump')
    .description(
      'decode Kafka-format segment files (.log, .index, .timeindex) offline: batches, CRC validity, records, index checks; exit 3 on corruption',
    )
    .argument('<file...>', 'segment files')
    .option('--print-data', 'print keys and values of every record')
    .option('--index-sanity-check', 'check .index/.timeindex entries against their .log')
    .option('-o, --output <format>', 'table or json', parseOutputFormat, 'table' as OutputFormat)
    .action((files: string[], f: { printData?: boolean; indexSanityCheck?: boolean; output: OutputFormat }) => {
      const dumps: SegmentDump[] = [];
      for (const file of files) {
        try {
          dumps.push(dumpSegmentFile(file, f));
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      emit(f.output, dumps, () => dumps.map((d) => renderSegmentDump(d, f)).join('\n'));
      if (dumps.some((d) => d.problems.length > 0)) foundProblems();
    });
}

function registerOffsets(program: Command): void {
  const offsets = program.command('offsets').description('the __consumer_offsets topic (operator commands)');
  withConnectionOptions(
    offsets
      .command('dump')
      .description(
        'read __consumer_offsets from the start and decode offset commits and group metadata (Kafka formats); exit 3 if a record cannot be decoded',
      ),
  )
    .option('--group <group>', 'only records of this consumer group')
    .action(async (f: ConnectionFlags & { group?: string }, cmd: Command) => {
      const entries = await withCluster(cmd, f, (c) => dumpOffsets(c, { group: f.group }));
      emit(f.output, entries, () => entries.map((e) => formatOffsetsEntry(e) + '\n').join(''));
      if (entries.some((e) => e.kind === 'undecodable')) foundProblems();
    });
}

/** Registers the operator commands (cluster, topics, groups, log) on the program. */
function registerAcls(program: Command): void {
  const acls = program.command('acls').description('access control lists (operator commands)');
  withConnectionOptions(
    acls
      .command('list')
      .description('ACL bindings (DescribeAcls), optionally for one resource type, resource name or principal'),
  )
    .option('--resource-type <type>', 'topic, group, cluster or transactional-id')
    .option('--resource-name <name>', 'bindings that apply to this resource (literal, prefixed and wildcard)')
    .option('--principal <principal>', 'e.g. User:alice')
    .action(
      async (
        f: ConnectionFlags & { resourceType?: string; resourceName?: string; principal?: string },
        cmd: Command,
      ) => {
        const resourceType = parseResourceType(f.resourceType);
        if (f.resourceName !== undefined && resourceType === 1)
          throw new UsageError('--resource-name needs --resource-type');
        const rows = await withCluster(cmd, f, (c) =>
          listAcls(c, { resourceType, resourceName: f.resourceName, principal: f.principal }),
        );
        emit(f.output, rows, (color) =>
          rows.length === 0
            ? 'No ACLs match.\n'
            : renderTable(
                {
                  columns: ['RESOURCE-TYPE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'],
                  rows: rows.map((r) => [
                    r.resourceType,
                    r.resourceName,
                    r.patternType,
                    r.principal,
                    r.host,
                    r.operation,
                    r.permission,
                  ]),
                },
                color,
              ),
        );
      },
    );
}

const time = (ms: number) => (ms >= 0 ? new Date(ms).toISOString() : null);

function registerTransactions(program: Command): void {
  const tx = program
    .command('transactions')
    .description('transactions: coordinator and producer state, hanging transactions (KIP-664; operator commands)');
  withConnectionOptions(
    tx.command('list').description('every transactional id with its coordinator, producer id and state'),
  ).action(async (f: ConnectionFlags, cmd: Command) => {
    const rows = await withCluster(cmd, f, (c) => listTransactions(c));
    emit(f.output, rows, (color) =>
      rows.length === 0
        ? 'No transactional ids.\n'
        : renderTable(
            {
              columns: ['TRANSACTIONAL-ID', 'COORDINATOR', 'PRODUCER-ID', 'STATE'],
              rows: rows.map((r) => [r.transactionalId, r.coordinatorId, r.producerId, r.transactionState]),
            },
            color,
          ),
    );
  });
  withConnectionOptions(
    tx
      .command('describe')
      .description("a transactional id's coordinator state: producer id and epoch, state, timeout, partitions"),
  )
    .requiredOption('--transactional-id <id>', 'the transactional id')
    .action(async (f: ConnectionFlags & { transactionalId: string }, cmd: Command) => {
      const d = await withCluster(cmd, f, (c) => describeTransaction(c, f.transactionalId));
      emit(f.output, d, () =>
        renderFields([
          ['Transactional id', d.transactionalId],
          ['Coordinator', d.coordinatorId],
          ['Producer id', d.producerId],
          ['Producer epoch', d.producerEpoch],
          ['State', d.transactionState],
          ['Timeout ms', d.transactionTimeoutMs],
          ['Transaction start', time(d.transactionStartTimeMs)],
          ['Duration ms', d.durationMs],
          ['Partitions', d.topics.map((t) => `${t.topic}:${t.partitions.join(',')}`).join(' ') || null],
        ]),
      );
    });
  withConnectionOptions(
    tx
      .command('find-hanging')
      .description(
        'open transactions the coordinator does not know or has kept open past the max timeout; exit 3 when found; --abort --execute aborts them',
      ),
  )
    .option('--broker-id <id>', 'only partitions with a replica on this broker', parseIntFlag)
    .option('--topic <topic>', 'only this topic (default: every topic)')
    .option(
      '--max-transaction-timeout-minutes <m>',
      "the brokers' transaction.max.timeout.ms in minutes: older open transactions are checked",
      String(DEFAULT_MAX_TRANSACTION_TIMEOUT_MINUTES),
    )
    .option('--abort', 'abort the hanging transactions found (a dry run listing them unless --execute)')
    .option('--execute', 'with --abort: write the abort markers')
    .action(
      async (
        f: ConnectionFlags & {
          brokerId?: number;
          topic?: string;
          maxTransactionTimeoutMinutes: string;
          abort?: boolean;
          execute?: boolean;
        },
        cmd: Command,
      ) => {
        if (f.execute && !f.abort) throw new UsageError('--execute goes with --abort');
        const maxTimeoutMs = parseTimeoutMinutes(f.maxTransactionTimeoutMinutes);
        const r = await withCluster(cmd, f, (c) =>
          findHanging(c, {
            brokerId: f.brokerId,
            topic: f.topic,
            maxTimeoutMs,
            abort: f.abort === true,
            execute: f.execute === true,
          }),
        );
        emit(f.output, r, (color) => {
          const unchecked = r.unchecked.map((u) => `Not checked: ${u.topic}-${u.partition} (${u.error})\n`).join('');
          if (r.hanging.length === 0)
            return `No hanging transactions on ${r.partitions} partition(s) (max transaction timeout ${maxTimeoutMs / 60_000} min).\n${unchecked}`;
          const note = r.aborted
            ? 'Abort markers written to the partition leaders:\n'
            : f.abort
              ? 'Dry run (nothing aborted; add --execute to write the abort markers):\n'
              : 'Hanging transactions (abort them with --abort --execute):\n';
          const table = renderTable(
            {
              columns: [
                'TOPIC',
                'PARTITION',
                'PRODUCER-ID',
                'PRODUCER-EPOCH',
                'COORDINATOR-EPOCH',
                'START-OFFSET',
                'LAST-TIMESTAMP',
                'DURATION-MIN',
                'TRANSACTIONAL-ID',
                ...(r.aborted ? ['RESULT'] : ['REASON']),
              ],
              rows: r.hanging.map((h) => [
                h.topic,
                h.partition,
                h.producerId,
                h.producerEpoch,
                h.coordinatorEpoch,
                h.startOffset,
                time(h.lastTimestamp),
                (h.durationMs / 60_000).toFixed(1),
                h.transactionalId,
                r.aborted ? (h.result ?? h.reason) : h.reason,
              ]),
              problemRows: new Set(r.hanging.flatMap((h, i) => (h.result === 'NONE' ? [] : [i]))),
            },
            color,
          );
          return note + table + unchecked;
        });
        if (r.aborted) {
          if (r.hanging.some((h) => h.result !== 'NONE')) process.exitCode = ExitCode.runtimeFailure;
        } else if (r.hanging.length > 0) foundProblems();
        else if (r.unchecked.length > 0) process.exitCode = ExitCode.runtimeFailure;
      },
    );
  withConnectionOptions(
    tx
      .command('abort')
      .description(
        "abort one producer's open transaction on a partition (ABORT marker to its leader): a dry run unless --execute",
      ),
  )
    .requiredOption('--topic <topic>', 'topic')
    .requiredOption('--partition <n>', 'partition', parseIntFlag)
    .requiredOption('--producer-id <id>', 'producer id (find-hanging or DescribeProducers show it)', parseIntFlag)
    .requiredOption('--producer-epoch <epoch>', 'producer epoch', parseIntFlag)
    .requiredOption(
      '--coordinator-epoch <epoch>',
      "coordinator epoch of the producer's last marker (-1 if none)",
      parseIntFlag,
    )
    .option('--execute', 'write the abort marker (default: dry run)')
    .action(
      async (
        f: ConnectionFlags & {
          topic: string;
          partition: number;
          producerId: number;
          producerEpoch: number;
          coordinatorEpoch: number;
          execute?: boolean;
        },
        cmd: Command,
      ) => {
        const spec = {
          topic: f.topic,
          partition: f.partition,
          producerId: f.producerId,
          producerEpoch: f.producerEpoch,
          coordinatorEpoch: f.coordinatorEpoch,
        };
        const r = await withCluster(cmd, f, (c) => abortTransaction(c, spec, f.execute === true));
        emit(f.output, r, () => {
          const note = r.executed
            ? `Abort marker written to broker ${r.leader}: ${r.result}\n`
            : 'Dry run (nothing aborted; add --execute to write the abort marker):\n';
          return (
            note +
            renderFields([
              ['Partition', `${r.topic}-${r.partition}`],
              ['Leader', r.leader],
              ['Producer id', r.producerId],
              ['Producer epoch', r.producerEpoch],
              ['Coordinator epoch', r.coordinatorEpoch],
              ['Open transaction from offset', r.startOffset],
            ])
          );
        });
        if (r.executed && r.result !== 'NONE') process.exitCode = ExitCode.runtimeFailure;
      },
    );
}

export function registerOpsCommands(program: Command): void {
  registerCluster(program);
  registerTopics(program);
  registerGroups(program);
  registerLog(program);
  registerOffsets(program);
  registerAcls(program);
  registerTransactions(program);
}
