// Shared wire pieces of the ACL APIs (DescribeAcls 29, CreateAcls 30, DeleteAcls 31), versions
// 0-1: v1 adds the resource pattern type after the resource name; v0 means literal (3).
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

/** A binding or a filter with Kafka's enum codes (filters may use 1 = ANY and null names). */
export interface AclEntry {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

/** Pattern type a v0 request implies. */
export const LITERAL = 3;

export function readFilter(r: ProtocolReader, version: number): AclFilter {
  const resourceType = r.int8();
  const resourceName = r.nullableString();
  const patternType = version >= 1 ? r.int8() : LITERAL;
  return {
    resourceType,
    resourceName,
    patternType,
    principal: r.nullableString(),
    host: r.nullableString(),
    operation: r.int8(),
    permissionType: r.int8(),
  };
}

export function writeFilter(w: ProtocolWriter, version: number, f: AclFilter): void {
  w.int8(f.resourceType).nullableString(f.resourceName);
  if (version >= 1) w.int8(f.patternType);
  w.nullableString(f.principal).nullableString(f.host).int8(f.operation).int8(f.permissionType);
}

export function readEntry(r: ProtocolReader, version: number): AclEntry {
  const resourceType = r.int8();
  const resourceName = r.string();
  const patternType = version >= 1 ? r.int8() : LITERAL;
  return {
    resourceType,
    resourceName,
    patternType,
    principal: r.string(),
    host: r.string(),
    operation: r.int8(),
    permissionType: r.int8(),
  };
}

export function writeEntry(w: ProtocolWriter, version: number, e: AclEntry): void {
  w.int8(e.resourceType).string(e.resourceName);
  if (version >= 1) w.int8(e.patternType);
  w.string(e.principal).string(e.host).int8(e.operation).int8(e.permissionType);
}
