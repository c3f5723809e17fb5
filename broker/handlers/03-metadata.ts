// Metadata (3), versions 0-12.
// - v10+ carry topic ids (the topic store's UUID, created once by the controller and replicated in
//   its topic record, so every broker and every restart answers the same id); v12+ can ask for a
//   topic by id alone (KIP-848 clients resolve their assigned topic ids this way): unknown ids get
//   UNKNOWN_TOPIC_ID with a null name.
// - v7+ carry each partition's leader epoch: a client whose fetch was answered FENCED_LEADER_EPOCH
//   after a leader change waits for metadata with the new epoch (librdkafka 2.15 stops fetching the
//   partition until it sees one).
// - v0: an empty topic list means all topics; v1+: null means all, empty means none.
// - Unknown topics are auto-created when the broker allows it (auto.create.topics.enable) and the
//   request does (v4+ allow_auto_topic_creation); otherwise UNKNOWN_TOPIC_OR_PARTITION.
//   Listing all topics never creates any.
// - Internal topics (`__consumer_offsets`) are listed with is_internal = true.
// - A partition without a live leader gets LEADER_NOT_AVAILABLE and leader -1.
import {
  metadataCodec,
  type MetadataPartition,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataTopic,
  ErrorCode,
} from '../../protocol/index.js';
import { validateTopicName, type TopicInfo } from '../state/topic-store.js';
import { ControllerError } from '../controller/channel.js';
import type { BrokerServices } from '../services.js';
import type { HandlerModule } from './types.js';
import { AclOperation, canCluster, canTopic } from '../security/index.js';

function describeTopic(t: TopicInfo, services: BrokerServices): MetadataTopic {
  const live = new Set(services.liveBrokers().map((b) => b.nodeId));
  const partitions: MetadataPartition[] = t.partitions.map((p) => {
    const leaderLive = live.has(p.leader);
    return {
      errorCode: leaderLive ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
      partitionIndex: p.partition,
      leaderId: leaderLive ? p.leader : -1,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter((r) => !live.has(r)),
    };
  });
  return { errorCode: ErrorCode.NONE, name: t.name, topicId: t.topicId, isInternal: t.internal, partitions };
}

const missing = (name: string, errorCode: number): MetadataTopic => ({
  errorCode,
  name,
  isInternal: false,
  partitions: [],
});

export const handler: HandlerModule<MetadataRequest, MetadataResponse> = {
  codec: metadataCodec,
  async handle(req, ctx) {
    const s = ctx.services;
    let topics: MetadataTopic[];
    if (req.topics === null) {
      topics = s.topics
        .list()
        .filter((t) => canTopic(ctx, AclOperation.DESCRIBE, t.name))
        .map((t) => describeTopic(t, s));
    } else {
      topics = [];
      for (const name of req.topics) {
        if (!canTopic(ctx, AclOperation.DESCRIBE, name)) {
          topics.push(missing(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
          continue;
        }
        const t = s.topics.get(name);
        if (t) {
          topics.push(describeTopic(t, s));
          continue;
        }
        if (validateTopicName(name) !== null) {
          topics.push(missing(name, ErrorCode.INVALID_TOPIC_EXCEPTION));
          continue;
        }
        if (!(
          s.config.autoCreateTopics &&
          req.allowAutoTopicCreation &&
          (canCluster(ctx, AclOperation.CREATE) || canTopic(ctx, AclOperation.CREATE, name))
        )) {
          topics.push(missing(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        try {
          await s.controller.createTopic({ name, numPartitions: s.config.defaultPartitions, replicationFactor: -1 });
          const created = s.topics.get(name);
          s.logger.info(
            { topic: name, partitions: created?.partitions.length },
            'auto-created topic on metadata request',
          );
          topics.push(created ? describeTopic(created, s) : missing(name, ErrorCode.LEADER_NOT_AVAILABLE));
        } catch (e) {
          // A concurrent creation is fine: the topic exists now.
          const now = s.topics.get(name);
          if (now) topics.push(describeTopic(now, s));
          // Created elsewhere but not applied here yet, or too few brokers registered so far: both pass,
          // so answer with a retriable error rather than a final one.
          else if (
            e instanceof ControllerError &&
            (e.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ||
              e.errorCode === ErrorCode.INVALID_REPLICATION_FACTOR ||
              e.errorCode === ErrorCode.REQUEST_TIMED_OUT)
          )
            topics.push(missing(name, ErrorCode.LEADER_NOT_AVAILABLE));
          else topics.push(missing(name, e instanceof ControllerError ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR));
        }
      }
    }
    for (const id of req.topicIds ?? []) {
      const t = s.topics.list().find((x) => x.topicId === id);
      if (t && canTopic(ctx, AclOperation.DESCRIBE, t.name)) topics.push(describeTopic(t, s));
      else topics.push({ ...missing('', ErrorCode.UNKNOWN_TOPIC_ID), topicId: id });
    }
    return {
      throttleTimeMs: 0,
      brokers: s.liveBrokers(),
      clusterId: s.clusterId,
      controllerId: s.controllerId(),
      topics,
    };
  },
};
