// FindCoordinator (10), v0-2: a group's coordinator is the leader of its `__consumer_offsets`
// partition (abs(hashCode(group)) % partitions). Transaction coordinators are not supported.
import { findCoordinatorCodec, type FindCoordinatorRequest, type FindCoordinatorResponse } from '../../protocol/apis/10-find-coordinator.js';
import { findCoordinator } from '../group/requests.js';
import { coordinatorOf, locateCoordinator } from './group-services.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<FindCoordinatorRequest, FindCoordinatorResponse> = {
  codec: findCoordinatorCodec,
  handle: (req, ctx) => findCoordinator(coordinatorOf(ctx), req, locateCoordinator(ctx.services)),
};
