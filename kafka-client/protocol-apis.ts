// APIs kafkajs lacks, through the project's protocol/ codecs over kafkajs's broker connections:
// DescribeLogDirs (log-directory size and capacity per broker), DescribeCluster (cluster id,
// controller) and ElectLeaders (preferred/unclean leader election, for ops/). The version is the
// highest both the codec and the broker (its ApiVersions answer) support; a broker without the
// API gets an UnsupportedApiError, which callers treat as "the cluster does not offer this".
import {
  type ApiCodec,
  describeClusterCodec,
  type DescribeClusterResponse,
  describeLogDirsCodec,
  electLeadersCodec,
  type ElectLeadersResponse,
  errorName,
  ProtocolReader,
  ProtocolWriter,
} from '../protocol/index.js';
import type { LogDirState } from './model.js';
import type { KjsBroker } from './kafkajs-internals.js';
import { sendRaw } from './raw-transport.js';

export class UnsupportedApiError extends Error {
  constructor(api: string, brokerId: number) {
    super(`broker ${brokerId} does not support ${api}`);
    this.name = 'UnsupportedApiError';
  }
}

/** Highest version both sides support, or undefined. */
export function negotiateVersion(
  codec: { minVersion: number; maxVersion: number },
  broker: { minVersion: number; maxVersion: number } | undefined,
): number | undefined {
  if (!broker) return undefined;
  const v = Math.min(codec.maxVersion, broker.maxVersion);
  return v >= Math.max(codec.minVersion, broker.minVersion) ? v : undefined;
}

export async function callApi<Req, Res>(
  broker: KjsBroker,
  codec: ApiCodec<Req, Res>,
  req: Req,
): Promise<{ version: number; response: Res }> {
  const version = negotiateVersion(codec, broker.versions?.[String(codec.apiKey)]);
  if (version === undefined || !codec.encodeRequest || !codec.decodeResponse)
    throw new UnsupportedApiError(codec.name, broker.nodeId);
  const w = new ProtocolWriter();
  codec.encodeRequest(w, version, req);
  const body = await sendRaw(
    broker.connectionPool,
    { apiKey: codec.apiKey, name: codec.name },
    version,
    version >= codec.flexibleFrom,
    w.toBuffer(),
  );
  return { version, response: codec.decodeResponse(new ProtocolReader(body), version) };
}

/** DescribeLogDirs of one broker, mapped to the cluster model. */
export async function describeLogDirs(broker: KjsBroker): Promise<LogDirState[]> {
  const { response } = await callApi(broker, describeLogDirsCodec, { topics: null });
  if (response.errorCode !== 0)
    throw new Error(`DescribeLogDirs on broker ${broker.nodeId}: ${errorName(response.errorCode)}`);
  return response.results.map((d) => ({
    broker: broker.nodeId,
    path: d.logDir,
    error: d.errorCode !== 0 ? errorName(d.errorCode) : undefined,
    totalBytes: d.totalBytes >= 0 ? d.totalBytes : undefined,
    usableBytes: d.usableBytes >= 0 ? d.usableBytes : undefined,
    partitions: d.topics.flatMap((t) =>
      t.partitions
        .filter((p) => !p.isFutureKey)
        .map((p) => ({ topic: t.name, partition: p.partitionIndex, sizeBytes: p.partitionSize })),
    ),
  }));
}

export async function describeCluster(broker: KjsBroker): Promise<DescribeClusterResponse> {
  return (await callApi(broker, describeClusterCodec, { includeClusterAuthorizedOperations: false })).response;
}

/** electionType 0 = preferred, 1 = unclean; null partitions = all. */
export async function electLeaders(
  broker: KjsBroker,
  electionType: 0 | 1,
  topicPartitions: { topic: string; partitions: number[] }[] | null,
  timeoutMs = 30_000,
): Promise<ElectLeadersResponse> {
  return (await callApi(broker, electLeadersCodec, { electionType, topicPartitions, timeoutMs })).response;
}
