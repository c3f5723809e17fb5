// Front door of protocol/ (Kafka wire codecs, both directions): primitives, framing, the codec
// contract, API keys, error codes, every API codec with its request/response types, and the
// __consumer_offsets formats. Pure code, no native modules.
// protocol/ has one more front door: protocol/record-batch/index.ts (RecordBatch v2), kept apart
// because its compression codecs load native modules (snappy, lz4, zstd) that clients do not need.
// Re-exports only (no code, no side effects): docs/architecture.md.
export * from './primitives/index.js';
export * from './frame.js';
export * from './api.js';
export * from './api-keys.js';
export * from './error-codes.js';
export { codecs, codecFor, isFlexibleVersion } from './apis/index.js';
export * from './apis/00-produce.js';
export * from './apis/01-fetch.js';
export * from './apis/02-list-offsets.js';
export * from './apis/03-metadata.js';
export * from './apis/08-offset-commit.js';
export * from './apis/09-offset-fetch.js';
export * from './apis/10-find-coordinator.js';
export * from './apis/11-join-group.js';
export * from './apis/12-heartbeat.js';
export * from './apis/13-leave-group.js';
export * from './apis/14-sync-group.js';
export * from './apis/15-describe-groups.js';
export * from './apis/16-list-groups.js';
export * from './apis/17-sasl-handshake.js';
export * from './apis/18-api-versions.js';
export * from './apis/19-create-topics.js';
export * from './apis/20-delete-topics.js';
export * from './apis/21-delete-records.js';
export * from './apis/22-init-producer-id.js';
export * from './apis/23-offset-for-leader-epoch.js';
export * from './apis/24-add-partitions-to-txn.js';
export * from './apis/25-add-offsets-to-txn.js';
export * from './apis/26-end-txn.js';
export * from './apis/27-write-txn-markers.js';
export * from './apis/28-txn-offset-commit.js';
export * from './apis/29-describe-acls.js';
export * from './apis/30-create-acls.js';
export * from './apis/31-delete-acls.js';
export * from './apis/32-describe-configs.js';
export * from './apis/33-alter-configs.js';
export * from './apis/35-describe-log-dirs.js';
export * from './apis/36-sasl-authenticate.js';
export * from './apis/37-create-partitions.js';
export * from './apis/42-delete-groups.js';
export * from './apis/43-elect-leaders.js';
export * from './apis/60-describe-cluster.js';
export * from './apis/61-describe-producers.js';
export * from './apis/65-describe-transactions.js';
export * from './apis/66-list-transactions.js';
export * from './apis/68-consumer-group-heartbeat.js';
export * from './apis/69-consumer-group-describe.js';
export * from './apis/76-share-group-heartbeat.js';
export * from './apis/77-share-group-describe.js';
export * from './apis/78-share-fetch.js';
export * from './apis/79-share-acknowledge.js';
export * from './apis/90-describe-share-group-offsets.js';
export * from './apis/share-common.js';
export * from './apis/acl-common.js';
export * from './consumer-offsets/index.js';
export * from './consumer-protocol.js';
