// CreateAcls (30), versions 0-1. Needs ALTER on the cluster. On a cluster node the bindings go
// through the controller (committed as metadata records, applied to every node's AclStore);
// the single broker applies them to its own store.
import { createAclsCodec, type CreateAclsRequest, type CreateAclsResponse, ErrorCode } from '../../protocol/index.js';
import { ControllerError } from '../controller/channel.js';
import { invalidBinding } from '../security/acl-store.js';
import { AclOperation, canCluster, securityOf } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<CreateAclsRequest, CreateAclsResponse> = {
  codec: createAclsCodec,
  async handle(req, ctx) {
    const sec = securityOf(ctx.services);
    const all = (errorCode: number, errorMessage: string | null): CreateAclsResponse => ({
      throttleTimeMs: 0,
      results: req.creations.map(() => ({ errorCode, errorMessage })),
    });
    if (!sec.authorizerEnabled) return all(ErrorCode.SECURITY_DISABLED, 'no authorizer is configured');
    if (!canCluster(ctx, AclOperation.ALTER))
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'ALTER on the cluster is required');
    const results = req.creations.map((c) => {
      const why = invalidBinding(c);
      return why
        ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why }
        : { errorCode: ErrorCode.NONE, errorMessage: null };
    });
    const valid = req.creations.filter((_c, i) => results[i]!.errorCode === ErrorCode.NONE);
    if (valid.length === 0) return { throttleTimeMs: 0, results };
    if (!ctx.services.clustered) {
      for (const binding of valid) sec.acls.apply({ kind: 'add', binding });
      return { throttleTimeMs: 0, results };
    }
    try {
      await ctx.services.controller.createAcls(valid);
    } catch (e) {
      const errorCode = e instanceof ControllerError ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR;
      for (const r of results)
        if (r.errorCode === ErrorCode.NONE) Object.assign(r, { errorCode, errorMessage: (e as Error).message });
    }
    return { throttleTimeMs: 0, results };
  },
};
