// DescribeProducers (61), v0 (KIP-664): the partition leader's producer state, per producer id: epoch,
// last sequence and timestamp, the coordinator epoch of its last marker and the first offset of its
// open transaction (current_txn_start_offset, -1 when none), which is what finds the transaction
// holding a partition's last stable offset. As Kafka answers: READ on the topic is required
// (TOPIC_AUTHORIZATION_FAILED), an unknown partition is UNKNOWN_TOPIC_OR_PARTITION and a partition
// led by another broker NOT_LEADER_OR_FOLLOWER.
import {
  describeProducersCodec,
  type DescribeProducersPartition,
  type DescribeProducersRequest,
  type DescribeProducersResponse,
  ErrorCode,
} from '../../protocol/index.js';
import { AclOperation, canTopic } from '../security/index.js';
import type { HandlerModule } from './types.js';

export const handler: HandlerModule<DescribeProducersRequest, DescribeProducersResponse> = {
  codec: describeProducersCodec,
  handle(req, ctx) {
    const s = ctx.services;
    const partitionOf = (topic: string, readable: boolean, p: number): DescribeProducersPartition => {
      const fail = (errorCode: number) => ({ partitionIndex: p, errorCode, errorMessage: null, activeProducers: [] });
      if (!readable) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      const state = s.topics.partition(topic, p);
      if (!state) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const replica = state.leader === s.nodeId ? s.replicas.replica(topic, p) : undefined;
      if (!replica) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      return {
        partitionIndex: p,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        activeProducers: replica.log.activeProducers().map((e) => ({
          producerId: e.producerId,
          producerEpoch: e.epoch,
          lastSequence: e.lastSequence,
          lastTimestamp: e.lastTimestamp,
          coordinatorEpoch: e.coordinatorEpoch,
          currentTxnStartOffset: e.currentTxnFirstOffset,
        })),
      };
    };
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const readable = canTopic(ctx, AclOperation.READ, t.name);
        return { name: t.name, partitions: t.partitionIndexes.map((p) => partitionOf(t.name, readable, p)) };
      }),
    };
  },
};
