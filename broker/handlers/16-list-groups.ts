// ListGroups (16), v0-5: every group this broker coordinates that is not Dead; v4 filters by state,
// v5 by type ("classic" / "consumer" / "share"); consumer-protocol groups have protocol type
// "consumer", share groups (KIP-932, broker/group/share-group.ts) protocol type "share".
// Authorization (as Kafka's): a caller with cluster DESCRIBE sees every group, anyone else only
// the groups it may DESCRIBE (of every type).
import { listGroupsCodec, type ListGroupsRequest, type ListGroupsResponse, ErrorCode } from '../../protocol/index.js';
import { listGroups } from '../group/requests.js';
import { shareServicesOf } from '../group/share-plugin.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canCluster, canGroup } from '../security/index.js';

export const handler: HandlerModule<ListGroupsRequest, ListGroupsResponse> = {
  codec: listGroupsCodec,
  handle(req, ctx) {
    const all = listGroups(coordinatorOf(ctx), req);
    if (all.errorCode !== ErrorCode.NONE) return all;
    const visible = canCluster(ctx, AclOperation.DESCRIBE)
      ? () => true
      : (groupId: string) => canGroup(ctx, AclOperation.DESCRIBE, groupId);
    const res = { ...all, groups: all.groups.filter((g) => visible(g.groupId)) };
    // Filters compare case-insensitively, as Kafka's; an empty filter matches everything.
    const states = new Set((req.statesFilter ?? []).map((x) => x.toLowerCase()));
    const types = new Set((req.typesFilter ?? []).map((x) => x.toLowerCase()));
    if (types.size > 0 && !types.has('share')) return res;
    const share = shareServicesOf(ctx.services)
      .coordinator.list()
      .filter((g) => (states.size === 0 || states.has(g.state.toLowerCase())) && visible(g.groupId))
      .map((g) => ({ groupId: g.groupId, protocolType: 'share', groupState: g.state, groupType: 'share' }));
    return { ...res, groups: [...res.groups, ...share] };
  },
};
