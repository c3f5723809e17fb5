// `acls list`: the cluster's ACLs (DescribeAcls through kafka-client's ClusterClient and the
// project's codec), optionally narrowed by resource type, name and principal, one row per binding
// with Kafka's names for resource types, pattern types, operations and permissions.
import type { ClusterClient } from '../kafka-client/index.js';
import { RuntimeFailure, UsageError } from '../common/index.js';
import { describeAclsCodec, errorName } from '../protocol/index.js';

const RESOURCE_TYPES: Record<number, string> = { 2: 'topic', 3: 'group', 4: 'cluster', 5: 'transactional-id' };
const PATTERN_TYPES: Record<number, string> = { 3: 'literal', 4: 'prefixed' };
const OPERATIONS: Record<number, string> = {
  2: 'all',
  3: 'read',
  4: 'write',
  5: 'create',
  6: 'delete',
  7: 'alter',
  8: 'describe',
  9: 'cluster-action',
  10: 'describe-configs',
  11: 'alter-configs',
  12: 'idempotent-write',
};
const PERMISSIONS: Record<number, string> = { 2: 'deny', 3: 'allow' };

export interface AclRow {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

export function parseResourceType(v: string | undefined): number {
  if (v === undefined) return 1; // ANY
  const code = Object.entries(RESOURCE_TYPES).find(([, name]) => name === v)?.[0];
  if (!code)
    throw new UsageError(
      `--resource-type ${JSON.stringify(v)}: expected one of ${Object.values(RESOURCE_TYPES).join(', ')}`,
    );
  return Number(code);
}

export async function listAcls(
  client: ClusterClient,
  filter: { resourceType: number; resourceName?: string; principal?: string },
): Promise<AclRow[]> {
  const md = await client.describeCluster();
  const broker = md.controllerId >= 0 ? md.controllerId : md.brokers[0]?.id;
  if (broker === undefined) throw new RuntimeFailure('the cluster reports no broker');
  let res;
  try {
    res = await client.request(broker, describeAclsCodec, {
      resourceType: filter.resourceType,
      resourceName: filter.resourceName ?? null,
      patternType: filter.resourceName !== undefined ? 2 : 1, // MATCH: literal, wildcard and prefixed bindings that cover the name
      principal: filter.principal ?? null,
      host: null,
      operation: 1,
      permissionType: 1,
    });
  } catch (e) {
    throw new RuntimeFailure(`DescribeAcls failed: ${(e as Error).message}`);
  }
  if (res.errorCode !== 0)
    throw new RuntimeFailure(
      `DescribeAcls: ${errorName(res.errorCode)}${res.errorMessage ? ` (${res.errorMessage})` : ''}`,
    );
  return res.resources.flatMap((r) =>
    r.acls.map((a) => ({
      resourceType: RESOURCE_TYPES[r.resourceType] ?? String(r.resourceType),
      resourceName: r.resourceName,
      patternType: PATTERN_TYPES[r.patternType] ?? String(r.patternType),
      principal: a.principal,
      host: a.host,
      operation: OPERATIONS[a.operation] ?? String(a.operation),
      permission: PERMISSIONS[a.permissionType] ?? String(a.permissionType),
    })),
  );
}
