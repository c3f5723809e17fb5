// Every API codec of the project, by key: the broker's handlers and the exporter's client share
// them. (What the broker advertises is broker/handlers/registry.ts, built from its handlers.)
import type { ApiCodec } from '../api.js';
import { produceCodec } from './00-produce.js';
import { fetchCodec } from './01-fetch.js';
import { listOffsetsCodec } from './02-list-offsets.js';
import { metadataCodec } from './03-metadata.js';
import { offsetCommitCodec } from './08-offset-commit.js';
import { offsetFetchCodec } from './09-offset-fetch.js';
import { findCoordinatorCodec } from './10-find-coordinator.js';
import { joinGroupCodec } from './11-join-group.js';
import { heartbeatCodec } from './12-heartbeat.js';
import { leaveGroupCodec } from './13-leave-group.js';
import { syncGroupCodec } from './14-sync-group.js';
import { describeGroupsCodec } from './15-describe-groups.js';
import { listGroupsCodec } from './16-list-groups.js';
import { saslHandshakeCodec } from './17-sasl-handshake.js';
import { apiVersionsCodec } from './18-api-versions.js';
import { createTopicsCodec } from './19-create-topics.js';
import { deleteTopicsCodec } from './20-delete-topics.js';
import { deleteRecordsCodec } from './21-delete-records.js';
import { initProducerIdCodec } from './22-init-producer-id.js';
import { offsetForLeaderEpochCodec } from './23-offset-for-leader-epoch.js';
import { addPartitionsToTxnCodec } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxnCodec } from './25-add-offsets-to-txn.js';
import { endTxnCodec } from './26-end-txn.js';
import { writeTxnMarkersCodec } from './27-write-txn-markers.js';
import { txnOffsetCommitCodec } from './28-txn-offset-commit.js';
import { describeConfigsCodec } from './32-describe-configs.js';
import { alterConfigsCodec } from './33-alter-configs.js';
import { describeLogDirsCodec } from './35-describe-log-dirs.js';
import { saslAuthenticateCodec } from './36-sasl-authenticate.js';
import { describeAclsCodec } from './29-describe-acls.js';
import { createAclsCodec } from './30-create-acls.js';
import { deleteAclsCodec } from './31-delete-acls.js';
import { createPartitionsCodec } from './37-create-partitions.js';
import { deleteGroupsCodec } from './42-delete-groups.js';
import { electLeadersCodec } from './43-elect-leaders.js';
import { describeClusterCodec } from './60-describe-cluster.js';
import { describeProducersCodec } from './61-describe-producers.js';
import { describeTransactionsCodec } from './65-describe-transactions.js';
import { listTransactionsCodec } from './66-list-transactions.js';
import { consumerGroupHeartbeatCodec } from './68-consumer-group-heartbeat.js';
import { consumerGroupDescribeCodec } from './69-consumer-group-describe.js';
import { shareGroupHeartbeatCodec } from './76-share-group-heartbeat.js';
import { shareGroupDescribeCodec } from './77-share-group-describe.js';
import { shareFetchCodec } from './78-share-fetch.js';
import { shareAcknowledgeCodec } from './79-share-acknowledge.js';
import { describeShareGroupOffsetsCodec } from './90-describe-share-group-offsets.js';

export {
  produceCodec,
  fetchCodec,
  listOffsetsCodec,
  metadataCodec,
  offsetCommitCodec,
  offsetFetchCodec,
  findCoordinatorCodec,
  joinGroupCodec,
  heartbeatCodec,
  leaveGroupCodec,
  syncGroupCodec,
  describeGroupsCodec,
  listGroupsCodec,
  saslHandshakeCodec,
  apiVersionsCodec,
  createTopicsCodec,
  deleteTopicsCodec,
  deleteRecordsCodec,
  initProducerIdCodec,
  offsetForLeaderEpochCodec,
  addPartitionsToTxnCodec,
  addOffsetsToTxnCodec,
  endTxnCodec,
  writeTxnMarkersCodec,
  txnOffsetCommitCodec,
  describeConfigsCodec,
  alterConfigsCodec,
  describeLogDirsCodec,
  saslAuthenticateCodec,
  createPartitionsCodec,
  deleteGroupsCodec,
  electLeadersCodec,
  describeClusterCodec,
  describeProducersCodec,
  describeTransactionsCodec,
  listTransactionsCodec,
  describeAclsCodec,
  createAclsCodec,
  deleteAclsCodec,
  consumerGroupHeartbeatCodec,
  consumerGroupDescribeCodec,
  shareGroupHeartbeatCodec,
  shareGroupDescribeCodec,
  shareFetchCodec,
  shareAcknowledgeCodec,
  describeShareGroupOffsetsCodec,
};

export const codecs: readonly ApiCodec<never, never>[] = [
  produceCodec,
  fetchCodec,
  listOffsetsCodec,
  metadataCodec,
  offsetCommitCodec,
  offsetFetchCodec,
  findCoordinatorCodec,
  joinGroupCodec,
  heartbeatCodec,
  leaveGroupCodec,
  syncGroupCodec,
  describeGroupsCodec,
  listGroupsCodec,
  saslHandshakeCodec,
  apiVersionsCodec,
  createTopicsCodec,
  deleteTopicsCodec,
  deleteRecordsCodec,
  initProducerIdCodec,
  offsetForLeaderEpochCodec,
  addPartitionsToTxnCodec,
  addOffsetsToTxnCodec,
  endTxnCodec,
  writeTxnMarkersCodec,
  txnOffsetCommitCodec,
  describeConfigsCodec,
  alterConfigsCodec,
  describeLogDirsCodec,
  saslAuthenticateCodec,
  createPartitionsCodec,
  deleteGroupsCodec,
  electLeadersCodec,
  describeClusterCodec,
  describeProducersCodec,
  describeTransactionsCodec,
  listTransactionsCodec,
  describeAclsCodec,
  createAclsCodec,
  deleteAclsCodec,
  consumerGroupHeartbeatCodec,
  consumerGroupDescribeCodec,
  shareGroupHeartbeatCodec,
  shareGroupDescribeCodec,
  shareFetchCodec,
  shareAcknowledgeCodec,
  describeShareGroupOffsetsCodec,
] as unknown as readonly ApiCodec<never, never>[];

const byKey = new Map<number, ApiCodec<never, never>>(codecs.map((c) => [c.apiKey, c]));

/** The codec for an API key, if the project has one. */
export function codecFor(apiKey: number): ApiCodec<never, never> | undefined {
  return byKey.get(apiKey);
}

/** Whether `version` of `apiKey` is a flexible version (request header v2, response header v1). */
export function isFlexibleVersion(apiKey: number, version: number): boolean {
  const c = byKey.get(apiKey);
  return c !== undefined && version >= c.flexibleFrom;
}
