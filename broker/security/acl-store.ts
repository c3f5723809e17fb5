// The node's ACL bindings and the authorization decision over them (Kafka's StandardAuthorizer
// semantics). On the single broker the ACL handlers apply changes here directly; on a cluster
// node the quorum's metadata image calls apply() for every committed ACL record, so all nodes
// decide alike.
import type { AclFilter } from '../../protocol/index.js';
import type { AclBinding } from '../controller/channel.js';

export const ResourceType = { ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
export const PatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const AclOperation = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
export const Permission = { ANY: 1, DENY: 2, ALLOW: 3 } as const;
export const CLUSTER_RESOURCE = 'kafka-cluster';

/** A filter as DescribeAcls/DeleteAcls carry it: null name/principal/host and ANY codes match all. */
export type AclBindingFilter = AclFilter;

/** Operations whose ALLOW also allows `op` (Kafka: READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS). */
function allowingOps(op: number): number[] {
  if (op === AclOperation.DESCRIBE)
    return [op, AclOperation.ALL, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER];
  if (op === AclOperation.DESCRIBE_CONFIGS) return [op, AclOperation.ALL, AclOperation.ALTER_CONFIGS];
  return [op, AclOperation.ALL];
}

const key = (b: AclBinding) =>
  `${b.resourceType}|${b.patternType}|${b.resourceName}|${b.principal}|${b.host}|${b.operation}|${b.permissionType}`;

/** Whether a binding's resource pattern covers the named resource. */
function patternCovers(b: AclBinding, resourceType: number, name: string): boolean {
  if (b.resourceType !== resourceType) return false;
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return b.resourceName === name || b.resourceName === '*';
}

export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.resourceName !== null) {
    if (f.patternType === PatternType.MATCH) {
      if (!patternCovers(b, b.resourceType, f.resourceName)) return false;
    } else if (f.resourceName !== b.resourceName) return false;
  }
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType)
    return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permissionType !== Permission.ANY && f.permissionType !== b.permissionType) return false;
  return true;
}

/** Why a binding cannot be stored, or null (Kafka rejects ANY/MATCH codes in bindings). */
export function invalidBinding(b: AclBinding): string | null {
  if (b.resourceType < ResourceType.TOPIC || b.resourceType > ResourceType.TRANSACTIONAL_ID)
    return `invalid resource type ${b.resourceType}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED)
    return `invalid pattern type ${b.patternType}`;
  if (b.operation < AclOperation.ALL || b.operation > AclOperation.IDEMPOTENT_WRITE)
    return `invalid operation ${b.operation}`;
  if (b.permissionType !== Permission.ALLOW && b.permissionType !== Permission.DENY)
    return `invalid permission type ${b.permissionType}`;
  if (!b.principal.includes(':')) return `principal ${b.principal} is not TYPE:NAME`;
  if (b.resourceName.length === 0) return 'empty resource name';
  return null;
}

export class AclStore {
  private readonly bindings = new Map<string, AclBinding>();

  /** Apply one committed change (the hook the quorum's metadata image calls on cluster nodes). */
  apply(change: { kind: 'add' | 'remove'; binding: AclBinding }): void {
    if (change.kind === 'add') this.bindings.set(key(change.binding), { ...change.binding });
    else this.bindings.delete(key(change.binding));
  }

  list(filter?: AclBindingFilter): AclBinding[] {
    const all = [...this.bindings.values()];
    return filter ? all.filter((b) => filterMatches(filter, b)) : all;
  }

  /** Removes and returns every binding matching the filter. */
  remove(filter: AclBindingFilter): AclBinding[] {
    const gone = this.list(filter);
    for (const b of gone) this.bindings.delete(key(b));
    return gone;
  }

  get size(): number {
    return this.bindings.size;
  }

  /**
   * Kafka's decision: super users pass; a DENY for (op or ALL) wins; then an ALLOW for op or an
   * op implying it; a resource with no binding at all is open only if allowEveryoneIfNoAclFound.
   */
  authorize(
    principal: string,
    host: string,
    op: number,
    resourceType: number,
    name: string,
    opts: { superUsers: ReadonlySet<string>; allowEveryoneIfNoAclFound: boolean },
  ): boolean {
    if (opts.superUsers.has(principal)) return true;
    const onResource = [...this.bindings.values()].filter((b) => patternCovers(b, resourceType, name));
    if (onResource.length === 0) return opts.allowEveryoneIfNoAclFound;
    const mine = onResource.filter(
      (b) => (b.principal === principal || b.principal === 'User:*') && (b.host === '*' || b.host === host),
    );
    if (
      mine.some((b) => b.permissionType === Permission.DENY && (b.operation === op || b.operation === AclOperation.ALL))
    )
      return false;
    const ok = allowingOps(op);
    return mine.some((b) => b.permissionType === Permission.ALLOW && ok.includes(b.operation));
  }
}
