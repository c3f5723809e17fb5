// DescribeCluster (60), version 0 (flexible): cluster id, controller and live brokers.
// Authorized operations are not computed (-2147483648, "not requested / unknown").
import {
  describeClusterCodec,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DescribeClusterRequest, DescribeClusterResponse> = {
  codec: describeClusterCodec,
  handle(_req, ctx) {
    const s = ctx.services;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      clusterId: s.clusterId,
      controllerId: s.controllerId(),
      brokers: s.liveBrokers().map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
