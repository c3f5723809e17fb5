// Where a follower's log stops agreeing with its leader's (KIP-101 / KIP-279), from the leader's
// OffsetForLeaderEpoch answer. The follower asks for its own latest epoch E; the leader answers
// with the largest epoch E' <= E it knows and where E' ends in its log. Everything of ours at or
// above that end is a tail the leader never had (an uncommitted write of a deposed leader), so it
// goes; what the leader does have is kept, so no acknowledged record is lost.

/** The part of a partition log the decision reads. */
export interface EpochLog {
  logEndOffset(): number;
  latestEpoch(): number;
  endOffsetForEpoch(epoch: number): { leaderEpoch: number; endOffset: number };
}

/** The leader's answer for one partition (leaderEpoch -1: it knows no epoch at or below ours). */
export interface LeaderEpochEnd {
  leaderEpoch: number;
  endOffset: number;
}

/**
 * The offset to truncate to (== logEndOffset() when nothing diverges).
 * - Our log has no epochs (empty, or written without them): nothing to compare, keep it.
 * - The leader knows no epoch at or below ours: fall back to our high watermark (what was
 *   committed is safe; Kafka's pre-KIP-101 rule), the only case where the HW decides.
 * - Same epoch: keep up to where it ends on the leader.
 * - An older epoch: keep up to the end of that epoch on both sides, whichever is lower.
 */
export function divergenceOffset(log: EpochLog, answer: LeaderEpochEnd, highWatermark: number): number {
  const leo = log.logEndOffset();
  const ours = log.latestEpoch();
  if (ours < 0) return leo;
  if (answer.leaderEpoch < 0 || answer.endOffset < 0) return Math.min(leo, highWatermark);
  if (answer.leaderEpoch === ours) return Math.min(leo, answer.endOffset);
  return Math.min(leo, answer.endOffset, log.endOffsetForEpoch(answer.leaderEpoch).endOffset);
}
