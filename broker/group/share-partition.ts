// One share-partition (KIP-932): the state a share group keeps for one topic partition on that
// partition's leader. Pure data and transitions on an injected clock; the broker wiring (reading
// the log, sessions, persistence) is share-partitions.ts.
//
// - Share-partition start offset (SPSO): every record below it is done (acknowledged or archived).
//   `endOffset` is the first offset never handed out; records in [SPSO, endOffset) are in flight.
// - In-flight record states (Kafka's codes): Available 0, Acquired 1, Acknowledged 2, Archived 4.
//   Acquired records carry the member holding them and a lock deadline
//   (group.share.record.lock.duration.ms); the lock expires back to Available.
// - Every acquisition counts a delivery; a record released (or whose lock expired) after
//   group.share.delivery.count.limit deliveries is Archived instead of Available.
// - Acknowledgements (from ShareAcknowledge or piggybacked on ShareFetch) apply to records the
//   member holds: Accept -> Acknowledged, Release -> Available, Reject -> Archived, Gap (offsets
//   without a record: compacted or control) -> Archived; anything else is INVALID_RECORD_STATE and
//   the partition's batches are not applied at all.
// - The SPSO moves past every leading Acknowledged/Archived record.
import { ErrorCode, AcknowledgeType, type AcknowledgementBatch, type AcquiredRecords } from '../../protocol/index.js';

export const RecordState = { AVAILABLE: 0, ACQUIRED: 1, ACKNOWLEDGED: 2, ARCHIVED: 4 } as const;
export type RecordStateCode = (typeof RecordState)[keyof typeof RecordState];

const KNOWN_STATES = new Set<number>(Object.values(RecordState));
/** In-flight offsets restored from one snapshot at most (a forged or corrupt range must not loop for ever). */
export const MAX_RESTORED_SPAN = 1 << 20;

export interface SharePartitionConfig {
  lockDurationMs: number;
  deliveryCountLimit: number;
  /** group.share.partition.max.record.locks: acquired records per partition at most. */
  maxRecordLocks: number;
}

interface InFlight {
  state: RecordStateCode;
  deliveryCount: number;
  memberId: string | null;
  lockUntil: number;
}

/** The durable form: SPSO and runs of in-flight records (acquired ones as Available: locks die with the leader). */
export interface SharePartitionSnapshot {
  startOffset: number;
  /** Runs of consecutive offsets with one state and delivery count. */
  batches: { firstOffset: number; lastOffset: number; state: number; deliveryCount: number }[];
}

export class SharePartition {
  startOffset: number;
  endOffset: number;
  private readonly inflight = new Map<number, InFlight>();

  constructor(
    private readonly config: SharePartitionConfig,
    startOffset: number,
  ) {
    this.startOffset = startOffset;
    this.endOffset = startOffset;
  }

  /**
   * Restores a snapshot read from the state topic. Its ranges are only as trustworthy as that
   * record, so the walk is bounded: reversed batches and unknown states are dropped, offsets below
   * the SPSO or already restored are skipped, and at most MAX_RESTORED_SPAN in-flight offsets are restored (past
   * that the records are simply not in flight: they are delivered again as new ones).
   */
  static fromSnapshot(config: SharePartitionConfig, s: SharePartitionSnapshot): SharePartition {
    const sp = new SharePartition(config, Number.isSafeInteger(s.startOffset) ? Math.max(0, s.startOffset) : 0);
    const limit = sp.startOffset + MAX_RESTORED_SPAN;
    for (const b of s.batches) {
      if (!Number.isSafeInteger(b.firstOffset) || !Number.isSafeInteger(b.lastOffset)) continue;
      // Parts below the SPSO or overlapping an earlier batch are already decided: skipped.
      const first = Math.max(b.firstOffset, sp.endOffset);
      if (b.lastOffset < first || !KNOWN_STATES.has(b.state) || first >= limit) continue;
      for (let o = first; o <= Math.min(b.lastOffset, limit - 1); o++) {
        // Locks die with the old leader: an acquired record is released, and like any release it
        // is archived once it has used up its deliveries (else failover would grant one more).
        let state = b.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : (b.state as RecordStateCode);
        if (state === RecordState.AVAILABLE && b.deliveryCount >= config.deliveryCountLimit)
          state = RecordState.ARCHIVED;
        sp.inflight.set(o, { state, deliveryCount: b.deliveryCount, memberId: null, lockUntil: 0 });
        sp.endOffset = Math.max(sp.endOffset, o + 1);
      }
    }
    sp.advance();
    return sp;
  }

  snapshot(): SharePartitionSnapshot {
    const batches: SharePartitionSnapshot['batches'] = [];
    for (const o of [...this.inflight.keys()].sort((a, b) => a - b)) {
      const r = this.inflight.get(o)!;
      const state = r.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : r.state;
      const last = batches.at(-1);
      if (last && last.lastOffset === o - 1 && last.state === state && last.deliveryCount === r.deliveryCount)
        last.lastOffset = o;
      else batches.push({ firstOffset: o, lastOffset: o, state, deliveryCount: r.deliveryCount });
    }
    return { startOffset: this.startOffset, batches };
  }

  /** Records handed out and not yet finished, for the lag: in flight and not Acknowledged/Archived. */
  doneInFlight(): number {
    let n = 0;
    for (const r of this.inflight.values())
      if (r.state === RecordState.ACKNOWLEDGED || r.state === RecordState.ARCHIVED) n++;
    return n;
  }

  acquiredCount(): number {
    let n = 0;
    for (const r of this.inflight.values()) if (r.state === RecordState.ACQUIRED) n++;
    return n;
  }

  /** First Available in-flight offset (a redelivery), or null. */
  firstAvailable(): number | null {
    let best: number | null = null;
    for (const [o, r] of this.inflight) if (r.state === RecordState.AVAILABLE && (best === null || o < best)) best = o;
    return best;
  }

  /**
   * Acquires up to `maxRecords` for `memberId` among `offsets` (existing data records the caller
   * read from the log, ascending, all below the high watermark): in-flight Available ones first
   * (redeliveries), then new ones at or past `endOffset`. Offsets between `endOffset` and a newly
   * acquired record that are not in `offsets` (control records, compacted away) are archived.
   */
  acquire(memberId: string, offsets: number[], maxRecords: number, now: number): AcquiredRecords[] {
    const budget = Math.min(maxRecords, this.config.maxRecordLocks - this.acquiredCount());
    const got: { offset: number; deliveryCount: number }[] = [];
    for (const o of offsets) {
      if (got.length >= budget) break;
      if (o < this.startOffset) continue;
      if (o < this.endOffset) {
        const r = this.inflight.get(o);
        if (!r || r.state !== RecordState.AVAILABLE) continue;
        r.state = RecordState.ACQUIRED;
        r.deliveryCount++;
        r.memberId = memberId;
        r.lockUntil = now + this.config.lockDurationMs;
        got.push({ offset: o, deliveryCount: r.deliveryCount });
        continue;
      }
      for (let gap = this.endOffset; gap < o; gap++)
        this.inflight.set(gap, { state: RecordState.ARCHIVED, deliveryCount: 0, memberId: null, lockUntil: 0 });
      this.inflight.set(o, {
        state: RecordState.ACQUIRED,
        deliveryCount: 1,
        memberId,
        lockUntil: now + this.config.lockDurationMs,
      });
      this.endOffset = o + 1;
      got.push({ offset: o, deliveryCount: 1 });
    }
    this.advance();
    got.sort((a, b) => a.offset - b.offset);
    const out: AcquiredRecords[] = [];
    for (const g of got) {
      const last = out.at(-1);
      if (last && last.lastOffset === g.offset - 1 && last.deliveryCount === g.deliveryCount)
        last.lastOffset = g.offset;
      else out.push({ firstOffset: g.offset, lastOffset: g.offset, deliveryCount: g.deliveryCount });
    }
    return out;
  }

  /**
   * Applies one member's acknowledgement batches, all or nothing. The ranges come from the client,
   * so they are validated before any walk (a batch of 0..2^62 must not loop per offset): ascending,
   * non-overlapping, within [0, endOffset); only offsets at or past the SPSO are visited, so the
   * work is bounded by the in-flight span, not by what the client claims.
   */
  acknowledge(memberId: string, batches: AcknowledgementBatch[]): number {
    const changes: [number, number][] = [];
    let prevLast = -1;
    for (const b of batches) {
      const { firstOffset: first, lastOffset: last, acknowledgeTypes: types } = b;
      if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return ErrorCode.INVALID_REQUEST;
      if (first < 0 || last < first || first <= prevLast) return ErrorCode.INVALID_REQUEST;
      prevLast = last;
      if (last >= this.endOffset) return ErrorCode.INVALID_REQUEST;
      const n = last - first + 1;
      if (types.length === 0 || (types.length !== 1 && types.length !== n)) return ErrorCode.INVALID_REQUEST;
      for (const type of types)
        if (type < AcknowledgeType.GAP || type > AcknowledgeType.REJECT) return ErrorCode.INVALID_REQUEST;
      const typeAt = (o: number) => (types.length === 1 ? types[0] : types[o - first]);
      // Offsets below the SPSO are done: only a gap acknowledgement is harmless there.
      if (first < this.startOffset) {
        if (types.length === 1) {
          if (types[0] !== AcknowledgeType.GAP) return ErrorCode.INVALID_RECORD_STATE;
        } else {
          for (let o = first; o < Math.min(this.startOffset, last + 1); o++)
            if (typeAt(o) !== AcknowledgeType.GAP) return ErrorCode.INVALID_RECORD_STATE;
        }
      }
      for (let o = Math.max(first, this.startOffset); o <= last; o++) {
        const type = typeAt(o);
        const r = this.inflight.get(o);
        // A gap the broker already archived (or never held) needs nothing.
        if (type === AcknowledgeType.GAP && (!r || r.state === RecordState.ARCHIVED)) continue;
        if (!r || r.state !== RecordState.ACQUIRED || r.memberId !== memberId) return ErrorCode.INVALID_RECORD_STATE;
        changes.push([o, type]);
      }
    }
    for (const [o, type] of changes) {
      const r = this.inflight.get(o)!;
      r.memberId = null;
      r.lockUntil = 0;
      if (type === AcknowledgeType.ACCEPT) r.state = RecordState.ACKNOWLEDGED;
      else if (type === AcknowledgeType.RELEASE) r.state = this.afterRelease(r);
      else r.state = RecordState.ARCHIVED;
    }
    this.advance();
    return ErrorCode.NONE;
  }

  /** Acquired records whose lock passed go back (or are archived at the delivery limit). True if any did. */
  expireLocks(now: number): boolean {
    let changed = false;
    for (const r of this.inflight.values()) {
      if (r.state === RecordState.ACQUIRED && r.lockUntil <= now) {
        r.state = this.afterRelease(r);
        r.memberId = null;
        changed = true;
      }
    }
    if (changed) this.advance();
    return changed;
  }

  /** A member's share session closed: what it holds is released (not counted against it further). */
  releaseMember(memberId: string): boolean {
    let changed = false;
    for (const r of this.inflight.values()) {
      if (r.state === RecordState.ACQUIRED && r.memberId === memberId) {
        r.state = this.afterRelease(r);
        r.memberId = null;
        changed = true;
      }
    }
    if (changed) this.advance();
    return changed;
  }

  /** The log start moved past the SPSO (retention, DeleteRecords): those records are gone. */
  truncateTo(logStartOffset: number): boolean {
    if (logStartOffset <= this.startOffset) return false;
    for (const o of [...this.inflight.keys()]) if (o < logStartOffset) this.inflight.delete(o);
    this.startOffset = logStartOffset;
    this.endOffset = Math.max(this.endOffset, logStartOffset);
    return true;
  }

  stateOf(offset: number): { state: number; deliveryCount: number } | null {
    const r = this.inflight.get(offset);
    return r ? { state: r.state, deliveryCount: r.deliveryCount } : null;
  }

  private afterRelease(r: InFlight): RecordStateCode {
    return r.deliveryCount >= this.config.deliveryCountLimit ? RecordState.ARCHIVED : RecordState.AVAILABLE;
  }

  private advance(): void {
    while (this.startOffset < this.endOffset) {
      const r = this.inflight.get(this.startOffset);
      if (r && r.state !== RecordState.ACKNOWLEDGED && r.state !== RecordState.ARCHIVED) break;
      this.inflight.delete(this.startOffset);
      this.startOffset++;
    }
  }
}
