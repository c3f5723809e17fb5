// Faults through Kafka's own admin API (kafkajs): they work on any cluster, not only ours.
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';

// kafkajs is CommonJS and Node's ESM loader does not see these enums as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;
import type { FaultSpec } from '../schema/schema.js';
import type { Fault, FaultContext, FaultFactory, Leftover } from './types.js';
import { withAdminRetry } from './admin-retry.js';

type AclSpec = Extract<FaultSpec, { type: 'acl-remove' }>;
type RetentionSpec = Extract<FaultSpec, { type: 'retention-shorten' }>;

const resourceTypes = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
} as const;

async function matchingAcls(admin: Admin, spec: AclSpec): Promise<AclEntry[]> {
  const res = await withAdminRetry('DescribeAcls', () =>
    admin.describeAcls({
      resourceType: resourceTypes[spec.params.resourceType],
      resourceName: spec.params.resourceName === '*' ? undefined : spec.params.resourceName,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: spec.target.principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    }),
  );
  return res.resources.flatMap((r) =>
    r.acls.map((a) => ({
      ...a,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      resourcePatternType: r.resourcePatternType,
    })),
  );
}

async function restoreAcls(left: Leftover, ctx: FaultContext): Promise<void> {
  const acls = (left.data.acls as AclEntry[] | undefined) ?? [];
  // CreateAcls is idempotent for an ACL that already exists.
  if (acls.length) {
    const admin = await ctx.admin();
    await withAdminRetry('CreateAcls', () => admin.createAcls({ acl: acls }));
  }
}

function aclFault(spec: AclSpec): Fault {
  const name = spec.name ?? spec.type;
  let planned: Leftover | undefined;
  return {
    name,
    spec,
    describe: () =>
      `delete the ACLs of ${spec.target.principal} on ${spec.params.resourceType} ${spec.params.resourceName} (clients get authorization errors: F10), recreate them on rollback`,
    async leftover(ctx) {
      planned = { fault: name, type: spec.type, data: { acls: await matchingAcls(await ctx.admin(), spec) } };
      return planned;
    },
    async inject(ctx) {
      const left = planned ?? (await this.leftover(ctx));
      const acls = left.data.acls as AclEntry[];
      if (acls.length === 0)
        throw new Error(
          `no ACLs match principal ${spec.target.principal} on ${spec.params.resourceType} ${spec.params.resourceName}: nothing to remove`,
        );
      const admin = await ctx.admin();
      await withAdminRetry('DeleteAcls', () => admin.deleteAcls({ filters: acls.map((a) => ({ ...a })) }));
      return { rollback: () => restoreAcls(left, ctx) };
    },
  };
}

/** The topic's non-default configs (AlterConfigs replaces the whole set, so we resend them). */
async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const res = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const out: Record<string, string> = {};
  for (const e of res.resources[0]?.configEntries ?? [])
    if (!e.isDefault && !e.readOnly && e.configValue !== null) out[e.configName] = e.configValue;
  return out;
}

async function setTopicConfigs(admin: Admin, topic: string, configs: Record<string, string>): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

async function restoreRetention(left: Leftover, ctx: FaultContext): Promise<void> {
  await setTopicConfigs(await ctx.admin(), left.data.topic as string, left.data.previous as Record<string, string>);
}

/**
 * segment.ms the fault sets: retention deletes whole closed segments only, so the active segment
 * (1 GB or 7 days by default) must roll about as often as the shortened retention.
 */
const segmentMs = (spec: RetentionSpec): number => spec.params.segment ?? spec.params.retention;

function retentionFault(spec: RetentionSpec): Fault {
  const name = spec.name ?? spec.type;
  let planned: Leftover | undefined;
  return {
    name,
    spec,
    describe: () =>
      `set retention.ms=${spec.params.retention} and segment.ms=${segmentMs(spec)} on topic ${spec.target.topic} (records a lagging consumer still needs get deleted), restore the topic's configs on rollback`,
    async leftover(ctx) {
      planned = {
        fault: name,
        type: spec.type,
        data: { topic: spec.target.topic, previous: await topicConfigs(await ctx.admin(), spec.target.topic) },
      };
      return planned;
    },
    async inject(ctx) {
      const left = planned ?? (await this.leftover(ctx));
      const previous = left.data.previous as Record<string, string>;
      await setTopicConfigs(await ctx.admin(), spec.target.topic, {
        ...previous,
        'retention.ms': String(spec.params.retention),
        'segment.ms': String(segmentMs(spec)),
      });
      return { rollback: () => restoreRetention(left, ctx) };
    },
  };
}

export const kafkaAdminFaults: FaultFactory[] = [
  { type: 'acl-remove', needs: 'kafka', create: (s) => aclFault(s as AclSpec), cleanup: restoreAcls },
  {
    type: 'retention-shorten',
    needs: 'kafka',
    create: (s) => retentionFault(s as RetentionSpec),
    cleanup: restoreRetention,
  },
];
