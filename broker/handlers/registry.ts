// The one list of APIs this broker serves. ApiVersions is built from it and the server checks
// every request's version against it, so what is advertised and what is accepted cannot drift.
//
// To add an API: write broker/handlers/<NN>-<name>.ts exporting `handler` (see types.ts), then add
// one import line and one `register(...)` entry below. Plugins (services started with the broker,
// such as the group coordinator) go in `brokerPlugins`. ApiVersions is the one handler built here
// from a factory: it gets `advertisedVersions` as a parameter, so it does not import this module.
// The server gets `servedApis` from broker.ts and never imports this module either.
import type { ApiVersionRange } from '../../protocol/index.js';
import type { BrokerPlugin } from '../services.js';
import type { RegisteredApi, ServedApis } from '../server/served-apis.js';
import type { HandlerModule } from './types.js';
import { handler as produce } from './00-produce.js';
import { handler as fetch } from './01-fetch.js';
import { handler as listOffsets } from './02-list-offsets.js';
import { handler as metadata } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { handler as createTopics } from './19-create-topics.js';
import { handler as deleteTopics } from './20-delete-topics.js';
import { handler as deleteRecords } from './21-delete-records.js';
import { handler as initProducerId } from './22-init-producer-id.js';
import { handler as offsetForLeaderEpoch } from './23-offset-for-leader-epoch.js';
import { handler as addPartitionsToTxn } from './24-add-partitions-to-txn.js';
import { handler as addOffsetsToTxn } from './25-add-offsets-to-txn.js';
import { handler as endTxn } from './26-end-txn.js';
import { handler as writeTxnMarkers } from './27-write-txn-markers.js';
import { handler as txnOffsetCommit } from './28-txn-offset-commit.js';
import { handler as describeProducers } from './61-describe-producers.js';
import { handler as describeTransactions } from './65-describe-transactions.js';
import { handler as listTransactions } from './66-list-transactions.js';
import { handler as describeConfigs } from './32-describe-configs.js';
import { handler as alterConfigs } from './33-alter-configs.js';
import { handler as saslHandshake } from './17-sasl-handshake.js';
import { handler as saslAuthenticate } from './36-sasl-authenticate.js';
import { handler as describeAcls } from './29-describe-acls.js';
import { handler as createAcls } from './30-create-acls.js';
import { handler as deleteAcls } from './31-delete-acls.js';
import { handler as createPartitions } from './37-create-partitions.js';
import { handler as describeLogDirs } from './35-describe-log-dirs.js';
import { handler as electLeaders } from './43-elect-leaders.js';
import { handler as describeCluster } from './60-describe-cluster.js';
import { handler as offsetCommit } from './08-offset-commit.js';
import { handler as offsetFetch } from './09-offset-fetch.js';
import { handler as findCoordinator } from './10-find-coordinator.js';
import { handler as joinGroup } from './11-join-group.js';
import { handler as heartbeat } from './12-heartbeat.js';
import { handler as leaveGroup } from './13-leave-group.js';
import { handler as syncGroup } from './14-sync-group.js';
import { handler as describeGroups } from './15-describe-groups.js';
import { handler as listGroups } from './16-list-groups.js';
import { handler as deleteGroups } from './42-delete-groups.js';
import { handler as consumerGroupHeartbeat } from './68-consumer-group-heartbeat.js';
import { handler as consumerGroupDescribe } from './69-consumer-group-describe.js';
import { handler as shareGroupHeartbeat } from './76-share-group-heartbeat.js';
import { handler as shareGroupDescribe } from './77-share-group-describe.js';
import { handler as shareFetch } from './78-share-fetch.js';
import { handler as shareAcknowledge } from './79-share-acknowledge.js';
import { handler as describeShareGroupOffsets } from './90-describe-share-group-offsets.js';
import { groupPlugin } from '../group/plugin.js';
import { sharePlugin } from '../group/share-plugin.js';
import { txnPlugin } from '../txn/plugin.js';

export function register<Req, Res>(m: HandlerModule<Req, Res>): RegisteredApi {
  const { codec } = m;
  const minVersion = m.minVersion ?? codec.minVersion;
  const maxVersion = m.maxVersion ?? codec.maxVersion;
  if (minVersion < codec.minVersion || maxVersion > codec.maxVersion || minVersion > maxVersion) {
    throw new Error(
      `${codec.name}: advertised range ${minVersion}-${maxVersion} is outside the codec's ${codec.minVersion}-${codec.maxVersion}`,
    );
  }
  return {
    apiKey: codec.apiKey,
    name: codec.name,
    minVersion,
    maxVersion,
    flexibleFrom: codec.flexibleFrom,
    decode: (r, v) => codec.decodeRequest(r, v),
    handle: (req, ctx) => m.handle(req as Req, ctx),
    encode: (w, v, res) => codec.encodeResponse(w, v, res as Res),
    errorCodes: (res) => (m.errorCodes ? m.errorCodes(res as Res) : collectErrorCodes(res)),
    sizeHint: (res) => (m.responseSizeHint ? m.responseSizeHint(res as Res) : 1024),
  };
}

/** Every numeric `errorCode` field in a response value (Buffers are skipped). */
export function collectErrorCodes(value: unknown, out: number[] = []): number[] {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return out;
  if (Array.isArray(value)) {
    for (const v of value) collectErrorCodes(v, out);
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'errorCode' && typeof v === 'number') out.push(v);
    else if (v !== null && typeof v === 'object') collectErrorCodes(v, out);
  }
  return out;
}

export const apis: readonly RegisteredApi[] = [
  register(produce),
  register(fetch),
  register(listOffsets),
  register(metadata),
  register(apiVersionsHandler(advertisedVersions)),
  register(createTopics),
  register(deleteTopics),
  register(deleteRecords),
  register(offsetForLeaderEpoch),
  register(initProducerId),
  register(describeConfigs),
  register(alterConfigs),
  register(saslHandshake),
  register(saslAuthenticate),
  register(describeAcls),
  register(createAcls),
  register(deleteAcls),
  register(createPartitions),
  register(describeLogDirs),
  register(electLeaders),
  register(describeCluster),
  // Group APIs (broker/group).
  register(offsetCommit),
  register(offsetFetch),
  register(findCoordinator),
  register(joinGroup),
  register(heartbeat),
  register(leaveGroup),
  register(syncGroup),
  register(describeGroups),
  register(listGroups),
  register(deleteGroups),
  // KIP-848 consumer groups (broker/group/consumer-coordinator.ts).
  register(consumerGroupHeartbeat),
  register(consumerGroupDescribe),
  // KIP-932 share groups (broker/group/share-*.ts).
  register(shareGroupHeartbeat),
  register(shareGroupDescribe),
  register(shareFetch),
  register(shareAcknowledge),
  register(describeShareGroupOffsets),
  // Transactions (broker/txn).
  register(addPartitionsToTxn),
  register(addOffsetsToTxn),
  register(endTxn),
  register(writeTxnMarkers),
  register(txnOffsetCommit),
  // Transaction admin APIs (KIP-664): producer state at partition leaders, coordinator state.
  register(describeProducers),
  register(describeTransactions),
  register(listTransactions),
];

/** Services started with the broker (e.g. the group coordinator), in start order. */
export const brokerPlugins: readonly BrokerPlugin[] = [groupPlugin, sharePlugin, txnPlugin];

const byKey = new Map<number, RegisteredApi>();
for (const api of apis) {
  if (byKey.has(api.apiKey)) throw new Error(`API key ${api.apiKey} (${api.name}) registered twice`);
  byKey.set(api.apiKey, api);
}

export function apiFor(key: number): RegisteredApi | undefined {
  return byKey.get(key);
}

/** The advertised ranges, sorted by key (the ApiVersions response body). */
export function advertisedVersions(): ApiVersionRange[] {
  return [...byKey.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
}

/** The table the server dispatches with (broker.ts hands it to the SocketServer). */
export const servedApis: ServedApis = { apiFor, advertisedVersions };
