// Transaction markers. The partition side (`writeMarkersLocally`, the WriteTxnMarkers handler's
// work): append one control batch per partition as its leader, wait until it is replicated, and
// tell the group coordinator when the partition is one of `__consumer_offsets` (transactional
// offset commits become visible or are dropped there). The coordinator side (`sendMarkers`): group
// a transaction's partitions by leader, send WriteTxnMarkers v0 over the inter-broker listener (or
// write them here when this broker leads the partition) and retry what failed until every
// partition has its marker or this broker stops being the coordinator.
import {
  CONSUMER_OFFSETS_TOPIC,
  ErrorCode,
  writeTxnMarkersCodec,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersResponse,
} from '../../protocol/index.js';
import { buildControlBatch } from '../../protocol/record-batch/index.js';
import type { PeerClient } from '../replication/peer-client.js';
import type { BrokerServices } from '../services.js';
import type { MarkerQueues, MarkerRequest } from './coordinator.js';
import { verifierOf } from './verification.js';

/** How long a marker may wait for replication before the partition answers REQUEST_TIMED_OUT. */
const MARKER_REPLICATION_TIMEOUT_MS = 5000;

export async function writeMarkersLocally(
  services: BrokerServices,
  req: WriteTxnMarkersRequest,
): Promise<WriteTxnMarkersResponse> {
  const markers: WriteTxnMarkersResponse['markers'] = [];
  for (const m of req.markers) {
    const waits: { topic: string; partition: number; requiredOffset: number; res: { errorCode: number } }[] = [];
    const topics = m.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => {
        const batch = buildControlBatch({
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          commit: m.transactionResult,
          coordinatorEpoch: m.coordinatorEpoch,
        });
        const out = services.replicas.appendRecords(t.name, p, batch, -1);
        // The producer's transaction on the partition has ended: its next one is verified again.
        if (out.errorCode === ErrorCode.NONE)
          verifierOf(services)?.markerWritten(t.name, p, m.producerId, m.producerEpoch);
        const res = { partitionIndex: p, errorCode: out.errorCode };
        if (out.errorCode === ErrorCode.NONE)
          waits.push({ topic: t.name, partition: p, requiredOffset: out.requiredOffset, res });
        return res;
      }),
    }));
    const late =
      waits.length > 0 ? await services.replicas.awaitHighWatermark(waits, MARKER_REPLICATION_TIMEOUT_MS) : null;
    for (const w of waits) {
      if (late?.has(`${w.topic}\u0000${w.partition}`)) w.res.errorCode = ErrorCode.REQUEST_TIMED_OUT;
      else if (services.topics.partition(w.topic, w.partition)?.leader !== services.nodeId)
        w.res.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
      else if (w.topic === CONSUMER_OFFSETS_TOPIC)
        services.groups?.completeTransaction(w.partition, m.producerId, m.transactionResult);
    }
    markers.push({ producerId: m.producerId, topics });
  }
  return { markers };
}

/** Codes after which a partition is not retried: done, or retrying cannot help. */
const FINAL = new Set<number>([
  ErrorCode.NONE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.TRANSACTION_COORDINATOR_FENCED,
  ErrorCode.CORRUPT_MESSAGE,
]);

export async function sendMarkers(
  services: BrokerServices,
  peerOf: (nodeId: number) => PeerClient | null,
  req: MarkerRequest,
  stillOwner: () => boolean,
  queues?: MarkerQueues,
): Promise<void> {
  const round = Symbol('marker round');
  try {
    await sendRound(services, peerOf, req, stillOwner, (n) => queues?.unknownDestination.set(round, n));
  } finally {
    queues?.unknownDestination.delete(round);
  }
}

/**
 * One transaction's markers, retried until every partition has its own: a partition without a
 * leader waits for one (counted in `unknown`), failed leaders are asked again, with a backoff from
 * 50 ms doubling to 1 s, for as long as this broker coordinates the transactional id.
 */
async function sendRound(
  services: BrokerServices,
  peerOf: (nodeId: number) => PeerClient | null,
  req: MarkerRequest,
  stillOwner: () => boolean,
  unknown: (n: number) => void,
): Promise<void> {
  let remaining = new Map([...req.partitions].map(([t, ps]) => [t, [...ps]] as const));
  let delayMs = 50;
  for (;;) {
    if (!stillOwner()) throw new Error('no longer the transaction coordinator');
    const byLeader = new Map<number, Map<string, number[]>>();
    const retry = new Map<string, number[]>();
    let leaderless = 0;
    const add = (into: Map<string, number[]>, topic: string, p: number) => {
      const ps = into.get(topic) ?? [];
      ps.push(p);
      into.set(topic, ps);
    };
    for (const [topic, ps] of remaining)
      for (const p of ps) {
        const state = services.topics.partition(topic, p);
        if (!state) continue; // deleted with its topic: nothing left to mark
        if (state.leader < 0) {
          add(retry, topic, p);
          leaderless++;
        } else {
          let m = byLeader.get(state.leader);
          if (!m) byLeader.set(state.leader, (m = new Map()));
          add(m, topic, p);
        }
      }
    unknown(leaderless);
    await Promise.all(
      [...byLeader].map(async ([leader, parts]) => {
        const body: WriteTxnMarkersRequest = {
          markers: [
            {
              producerId: req.producerId,
              producerEpoch: req.producerEpoch,
              transactionResult: req.commit,
              topics: [...parts].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
              coordinatorEpoch: req.coordinatorEpoch,
            },
          ],
        };
        let res: WriteTxnMarkersResponse;
        try {
          if (leader === services.nodeId) res = await writeMarkersLocally(services, body);
          else {
            const peer = peerOf(leader);
            if (!peer) throw new Error(`no inter-broker endpoint for broker ${leader}`);
            res = await peer.request(writeTxnMarkersCodec, 0, body, MARKER_REPLICATION_TIMEOUT_MS * 2);
          }
        } catch (e) {
          services.logger.debug({ leader, err: (e as Error).message }, 'WriteTxnMarkers failed (retried)');
          for (const [t, ps] of parts) for (const p of ps) add(retry, t, p);
          return;
        }
        for (const m of res.markers)
          for (const t of m.topics)
            for (const p of t.partitions) {
              if (!FINAL.has(p.errorCode)) add(retry, t.name, p.partitionIndex);
              else if (p.errorCode !== ErrorCode.NONE)
                services.logger.warn(
                  { topic: t.name, partition: p.partitionIndex, producerId: req.producerId, errorCode: p.errorCode },
                  'transaction marker refused by the partition leader',
                );
            }
      }),
    );
    if (retry.size === 0) return;
    remaining = retry;
    await new Promise((r) => setTimeout(r, delayMs));
    delayMs = Math.min(delayMs * 2, 1000);
  }
}
