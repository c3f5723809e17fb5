// DescribeGroups (15), v0-2: unknown groups are described as Dead with no error (as Kafka).
// Skipped: v3+ authorized operations.
import { describeGroupsCodec, type DescribeGroupsRequest, type DescribeGroupsResponse } from '../../protocol/apis/15-describe-groups.js';
import { describeGroups } from '../group/requests.js';
import { coordinatorOf } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DescribeGroupsRequest, DescribeGroupsResponse> = {
  codec: describeGroupsCodec,
  handle: (req, ctx) => describeGroups(coordinatorOf(ctx), req),
};
