// DeleteAcls (31), versions 0-1: removes every binding matching each filter and returns them.
// Needs ALTER on the cluster. Cluster nodes go through the controller; the single broker edits
// its own AclStore.
import { deleteAclsCodec, type DeleteAclsRequest, type DeleteAclsResponse, ErrorCode } from '../../protocol/index.js';
import { ControllerError, type AclBinding } from '../controller/channel.js';
import { AclOperation, canCluster, securityOf } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DeleteAclsRequest, DeleteAclsResponse> = {
  codec: deleteAclsCodec,
  async handle(req, ctx) {
    const sec = securityOf(ctx.services);
    const all = (errorCode: number, errorMessage: string): DeleteAclsResponse => ({
      throttleTimeMs: 0,
      filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    if (!sec.authorizerEnabled) return all(ErrorCode.SECURITY_DISABLED, 'no authorizer is configured');
    if (!canCluster(ctx, AclOperation.ALTER))
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'ALTER on the cluster is required');
    let deleted: AclBinding[][];
    if (!ctx.services.clustered) {
      deleted = req.filters.map((f) => sec.acls.remove(f));
    } else {
      try {
        // The controller takes filters in the binding shape; null fields match anything there too.
        deleted = await ctx.services.controller.deleteAcls(req.filters as unknown as AclBinding[]);
      } catch (e) {
        return all(e instanceof ControllerError ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR, (e as Error).message);
      }
    }
    return {
      throttleTimeMs: 0,
      filterResults: deleted.map((bindings) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: bindings.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...b })),
      })),
    };
  },
};
