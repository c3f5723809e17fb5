// DescribeAcls (29), versions 0-1: the node's ACL bindings matching the filter, grouped by
// resource pattern. Needs DESCRIBE on the cluster; SECURITY_DISABLED without an authorizer.
import {
  describeAclsCodec,
  type DescribeAclsRequest,
  type DescribeAclsResource,
  type DescribeAclsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canCluster, securityOf } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DescribeAclsRequest, DescribeAclsResponse> = {
  codec: describeAclsCodec,
  handle(req, ctx) {
    const sec = securityOf(ctx.services);
    const fail = (errorCode: number, errorMessage: string): DescribeAclsResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      resources: [],
    });
    if (!sec.authorizerEnabled) return fail(ErrorCode.SECURITY_DISABLED, 'no authorizer is configured');
    if (!canCluster(ctx, AclOperation.DESCRIBE))
      return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'DESCRIBE on the cluster is required');
    const byResource = new Map<string, DescribeAclsResource>();
    for (const b of sec.acls.list(req)) {
      const k = `${b.resourceType}|${b.patternType}|${b.resourceName}`;
      let r = byResource.get(k);
      if (!r)
        byResource.set(
          k,
          (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }),
        );
      r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...byResource.values()] };
  },
};
