// The data check of the transactional load (load/transactions.ts): what each transaction's
// producer was told (committed, aborted, or unknown) against what read_committed readers saw.
//   committed-lost     a record of a committed transaction absent from the read_committed read-back
//   group-missed       ... or never read by the load's read_committed consumer group
//   aborted-visible    a record of an aborted transaction that a read_committed reader saw (the
//                      read-back or the group): read_committed must hide it
//   duplicate          a committed record present more than once (exactly-once broken)
//   not-resumed        a partition where a hung transaction (its producer killed or stopped while
//                      it was open) wrote, on which the group read nothing past it: its consumers
//                      never got past the stuck last stable offset, so the abort never freed them
//   indeterminate      a commit whose answer never came (the producer died during EndTxn): either way is fine
// A transaction whose commit was never asked for cannot commit: it counts as aborted even when its
// producer died and the coordinator (or the next instance's InitProducerId) aborted it.
// Pure, so each rule is unit-tested alone (txn-check.test.ts).
import type { LogEntry } from './data-check.js';

export interface TxnRecord {
  producer: number;
  txn: number;
  /** Record ids of the transaction in send order. */
  ids: string[];
  /** Where its records landed, per partition (the send's answer); empty when the send was not answered. */
  offsets: { partition: number; baseOffset: number }[];
  outcome: 'committed' | 'aborted' | 'indeterminate';
  /** Its producer was killed or stopped while it was open: the transaction hung until aborted. */
  hung: boolean;
}

/** One record the load's read_committed group read. */
export interface GroupRead {
  id: string;
  partition: number;
  offset: number;
}

export interface TxnCheckResult {
  transactions: { committed: number; aborted: number; indeterminate: number; hung: number };
  committedRecords: number;
  committedLost: number;
  committedLostSample: string[];
  groupMissed: number;
  groupMissedSample: string[];
  duplicate: number;
  duplicateSample: string[];
  abortedRecords: number;
  abortedVisible: number;
  abortedVisibleSample: string[];
  indeterminateRecords: number;
  /** ... of which the read_committed read-back holds. */
  indeterminateFound: number;
  /** Partitions a hung transaction wrote to. */
  hungPartitions: number;
  notResumed: number;
  notResumedSample: string[];
  /** Transactional ids of this run read back that no transaction carried. */
  unexpected: number;
}

const SAMPLE = 20;

function sample(list: string[], s: string): void {
  if (list.length < SAMPLE) list.push(s);
}

/** `readBack`: the read_committed read of the whole topic after the load stopped (this load's ids only). */
export function checkTransactions(
  txns: readonly TxnRecord[],
  readBack: readonly LogEntry[],
  group: readonly GroupRead[],
): TxnCheckResult {
  const r: TxnCheckResult = {
    transactions: { committed: 0, aborted: 0, indeterminate: 0, hung: 0 },
    committedRecords: 0,
    committedLost: 0,
    committedLostSample: [],
    groupMissed: 0,
    groupMissedSample: [],
    duplicate: 0,
    duplicateSample: [],
    abortedRecords: 0,
    abortedVisible: 0,
    abortedVisibleSample: [],
    indeterminateRecords: 0,
    indeterminateFound: 0,
    hungPartitions: 0,
    notResumed: 0,
    notResumedSample: [],
    unexpected: 0,
  };
  const copies = new Map<string, LogEntry[]>();
  for (const e of readBack) {
    const c = copies.get(e.id);
    if (c) c.push(e);
    else copies.set(e.id, [e]);
  }
  const groupIds = new Set(group.map((g) => g.id));
  // The highest offset the group read per partition (progress past a hung transaction).
  const groupTop = new Map<number, number>();
  for (const g of group) groupTop.set(g.partition, Math.max(groupTop.get(g.partition) ?? -1, g.offset));
  const known = new Set<string>();
  const hung = new Map<number, { offset: number; txn: string }>();
  for (const t of txns) {
    r.transactions[t.outcome]++;
    const name = `producer ${t.producer} txn ${t.txn}`;
    for (const id of t.ids) {
      known.add(id);
      const found = copies.get(id);
      if (t.outcome === 'committed') {
        r.committedRecords++;
        if (!found) {
          r.committedLost++;
          sample(r.committedLostSample, `${id} (${name})`);
        } else if (found.length > 1) {
          r.duplicate++;
          sample(r.duplicateSample, `${id} at ${found.map((e) => `p${e.partition}/${e.offset}`).join(', ')}`);
        }
        if (!groupIds.has(id)) {
          r.groupMissed++;
          sample(r.groupMissedSample, `${id} (${name})`);
        }
      } else if (t.outcome === 'aborted') {
        r.abortedRecords++;
        const where = [found ? 'read-back' : '', groupIds.has(id) ? 'group' : ''].filter(Boolean);
        if (where.length) {
          r.abortedVisible++;
          sample(r.abortedVisibleSample, `${id} (${name}, seen by ${where.join(' and ')})`);
        }
      } else {
        r.indeterminateRecords++;
        if (found) r.indeterminateFound++;
      }
    }
    if (t.hung) {
      r.transactions.hung++;
      for (const o of t.offsets) {
        if (o.baseOffset < 0) continue;
        const h = hung.get(o.partition);
        // The earliest hung record per partition is where read_committed readers stopped.
        if (!h || o.baseOffset < h.offset) hung.set(o.partition, { offset: o.baseOffset, txn: name });
      }
    }
  }
  r.hungPartitions = hung.size;
  for (const [partition, h] of hung) {
    const top = groupTop.get(partition) ?? -1;
    if (top <= h.offset) {
      r.notResumed++;
      sample(
        r.notResumedSample,
        `p${partition}: ${h.txn} hung at offset ${h.offset}, the group read up to ${top < 0 ? 'nothing' : top}`,
      );
    }
  }
  for (const id of copies.keys()) if (!known.has(id)) r.unexpected++;
  return r;
}

/** One line of counts, e.g. "12 committed / 3 aborted / 1 hung transactions: committed-lost 0, ...". */
export function describeTransactions(r: TxnCheckResult): string {
  const t = r.transactions;
  return (
    `${t.committed} committed / ${t.aborted} aborted / ${t.indeterminate} indeterminate transactions (${t.hung} hung): ` +
    `committed-lost ${r.committedLost} of ${r.committedRecords}, group-missed ${r.groupMissed}, duplicate ${r.duplicate}, ` +
    `aborted-visible ${r.abortedVisible} of ${r.abortedRecords}, not-resumed ${r.notResumed} of ${r.hungPartitions} hung partitions, ` +
    `indeterminate ${r.indeterminateRecords} (${r.indeterminateFound} read back)`
  );
}

/** What fails the transactional data check (empty: it passed). */
export function transactionProblems(r: TxnCheckResult): string[] {
  const out: string[] = [];
  if (r.transactions.committed === 0) out.push('no transaction committed: the check proves nothing');
  if (r.committedLost > 0) out.push(`committed-lost e.g. ${r.committedLostSample.slice(0, 5).join(', ')}`);
  if (r.groupMissed > 0) out.push(`group-missed e.g. ${r.groupMissedSample.slice(0, 5).join(', ')}`);
  if (r.duplicate > 0) out.push(`duplicate e.g. ${r.duplicateSample.slice(0, 3).join('; ')}`);
  if (r.abortedVisible > 0) out.push(`aborted-visible e.g. ${r.abortedVisibleSample.slice(0, 5).join(', ')}`);
  if (r.notResumed > 0) out.push(`not-resumed: ${r.notResumedSample.slice(0, 3).join('; ')}`);
  // A hung transaction whose send was never answered: where it holds the LSO is unknown, so
  // "resumed" would pass on nothing (the fault waits for the send's answer before it signals).
  if (r.transactions.hung > 0 && r.hungPartitions === 0)
    out.push('hung transactions with no known offsets: whether the group got past them is not shown');
  if (r.unexpected > 0) out.push('transactional records in the log that no transaction of this run carried');
  return out;
}
