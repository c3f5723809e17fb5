// The data check, in the vocabulary of Jepsen's Kafka checker: what the producers were told
// (the ack log: every send, its records in order, when it started and ended, acknowledged or not)
// against what the topic holds afterwards (an independent read of the whole log, not the load's
// consumer group, which can skip or re-read records for reasons of its own).
//   lost-write         acknowledged, but absent from the log
//   duplicate          a record id present more than once in the log
//   nonmonotonic-send  for one producer and partition, a send acknowledged before another was sent
//                      sits after it in the log (or a send's own records are out of order)
//   indeterminate      sends that failed or timed out: present or absent, neither is an error;
//                      counted, with how many the log holds
// Pure, so each rule is unit-tested alone (data-check.test.ts). The transactional load has its
// own rules (txn-check.ts); judgeData adds them when the result carries them.
import { describeTransactions, transactionProblems, type TxnCheckResult } from './txn-check.js';

/** One producer.send() of the load (one partition): its records and how it ended. */
export interface SendRecord {
  producer: number;
  partition: number;
  /** Record ids in the order they were sent (per-producer sequence order). */
  ids: string[];
  startedAt: number;
  endedAt: number;
  /** acked: the client reported success; indeterminate: it failed, timed out or never answered. */
  outcome: 'acked' | 'indeterminate';
}

/** One record of this run found in the log. */
export interface LogEntry {
  id: string;
  partition: number;
  offset: number;
}

/** The independent read of the topic (load/read-back.ts). */
export interface LogReadBack {
  entries: LogEntry[];
  /** Every partition read up to the end offset captured after the load stopped. */
  complete: boolean;
  detail: string;
}

export interface DataCheckResult {
  /** Records the producers saw acknowledged. */
  acknowledged: number;
  /** Records whose send failed or timed out. */
  indeterminate: number;
  /** ... of which the log holds. */
  indeterminateFound: number;
  /** Copies of this run's records in the log. */
  inLog: number;
  lostWrite: number;
  lostWriteSample: string[];
  duplicate: number;
  duplicateSample: string[];
  nonmonotonicSend: number;
  nonmonotonicSample: string[];
  /** Ids of this run in the log that no send carried (a phantom write; 0 unless something is badly wrong). */
  unexpected: number;
  readBack: { complete: boolean; detail: string };
  /** What the load's own consumer group read (informational; the verdict reads the log). */
  group?: { consumed: number; missedAcknowledged: number };
  /** The transactional load's check (load.transactions), on the same read_committed read-back. */
  transactions?: TxnCheckResult;
}

const SAMPLE = 20;

function pushSample(sample: string[], s: string): void {
  if (sample.length < SAMPLE) sample.push(s);
}

export function checkData(
  sends: readonly SendRecord[],
  log: LogReadBack,
  group?: DataCheckResult['group'],
): DataCheckResult {
  // Where each id first appears (a duplicate's first copy is its place in the order), and copies.
  const first = new Map<string, LogEntry>();
  const copies = new Map<string, LogEntry[]>();
  for (const e of log.entries) {
    const f = first.get(e.id);
    if (!f || (e.partition === f.partition && e.offset < f.offset)) first.set(e.id, e);
    const c = copies.get(e.id);
    if (c) c.push(e);
    else copies.set(e.id, [e]);
  }
  const r: DataCheckResult = {
    acknowledged: 0,
    indeterminate: 0,
    indeterminateFound: 0,
    inLog: log.entries.length,
    lostWrite: 0,
    lostWriteSample: [],
    duplicate: 0,
    duplicateSample: [],
    nonmonotonicSend: 0,
    nonmonotonicSample: [],
    unexpected: 0,
    readBack: { complete: log.complete, detail: log.detail },
    ...(group ? { group } : {}),
  };
  const sent = new Set<string>();
  for (const s of sends) {
    for (const id of s.ids) {
      sent.add(id);
      const found = first.has(id);
      if (s.outcome === 'acked') {
        r.acknowledged++;
        if (!found) {
          r.lostWrite++;
          pushSample(r.lostWriteSample, `${id}@p${s.partition}`);
        }
      } else {
        r.indeterminate++;
        if (found) r.indeterminateFound++;
      }
    }
  }
  for (const [id, c] of copies) {
    if (!sent.has(id)) r.unexpected++;
    if (c.length > 1) {
      r.duplicate++;
      pushSample(r.duplicateSample, `${id} at ${c.map((e) => `p${e.partition}/${e.offset}`).join(', ')}`);
    }
  }
  const flagged = nonmonotonic(sends, (id, partition) => {
    const e = first.get(id);
    return e && e.partition === partition ? e.offset : undefined;
  });
  r.nonmonotonicSend = flagged.size;
  for (const why of flagged.values()) pushSample(r.nonmonotonicSample, why);
  return r;
}

/**
 * Records out of their producer's order in the log, with why. Order that must hold, per producer
 * and partition: the records of one send in their send order, and every record of a send
 * acknowledged before another send started ahead of that send's records. Sends in flight at the
 * same time may land either way (a retry after a leader change overtakes newer sends), so
 * overlapping sends are not ordered.
 */
function nonmonotonic(
  sends: readonly SendRecord[],
  offsetOf: (id: string, partition: number) => number | undefined,
): Map<string, string> {
  const flagged = new Map<string, string>();
  const streams = new Map<string, SendRecord[]>();
  for (const s of sends) {
    const key = `${s.producer}/${s.partition}`;
    const list = streams.get(key);
    if (list) list.push(s);
    else streams.set(key, [s]);
  }
  for (const list of streams.values()) {
    const placed = (s: SendRecord) =>
      s.ids.flatMap((id) => {
        const offset = offsetOf(id, s.partition);
        return offset === undefined ? [] : [{ id, offset }];
      });
    const where = (x: { id: string; offset: number }, p: number) => `${x.id}@p${p}/${x.offset}`;
    // Within a send.
    for (const s of list) {
      let top: { id: string; offset: number } | undefined;
      for (const x of placed(s)) {
        if (top && x.offset < top.offset)
          flagged.set(
            x.id,
            `${where(x, s.partition)} before ${where(top, s.partition)}, which was sent before it in the same send`,
          );
        else top = x;
      }
    }
    // Across sends: sweep sends by start time, taking in every send acknowledged before it started.
    const acked = list.filter((s) => s.outcome === 'acked').sort((a, b) => a.endedAt - b.endedAt);
    const byStart = [...list].sort((a, b) => a.startedAt - b.startedAt);
    let top: { id: string; offset: number } | undefined;
    let j = 0;
    for (const s of byStart) {
      for (; j < acked.length && acked[j].endedAt < s.startedAt; j++)
        for (const x of placed(acked[j])) if (!top || x.offset > top.offset) top = x;
      if (!top) continue;
      for (const x of placed(s))
        if (x.offset < top.offset && !flagged.has(x.id))
          flagged.set(
            x.id,
            `${where(x, s.partition)} before ${where(top, s.partition)}, which was acknowledged before it was sent`,
          );
    }
  }
  return flagged;
}

/** What the load's consumer group read of the acknowledged records (informational). */
export function groupConsumption(
  acknowledged: Iterable<string>,
  consumed: readonly string[],
): NonNullable<DataCheckResult['group']> {
  const seen = new Set(consumed);
  let missed = 0;
  for (const id of acknowledged) if (!seen.has(id)) missed++;
  return { consumed: consumed.length, missedAcknowledged: missed };
}

/** The counts in one line, e.g. "lost-write 3 (allowed 0), duplicate 0, nonmonotonic-send 0, indeterminate 12 (7 found in log)". */
export function describeCounts(r: DataCheckResult, exp: { maxLost: number; maxDuplicates?: number }): string {
  const parts = [
    `lost-write ${r.lostWrite} (allowed ${exp.maxLost})`,
    `duplicate ${r.duplicate}${exp.maxDuplicates !== undefined ? ` (allowed ${exp.maxDuplicates})` : ''}`,
    `nonmonotonic-send ${r.nonmonotonicSend}`,
    `indeterminate ${r.indeterminate} (${r.indeterminateFound} found in log)`,
  ];
  if (r.unexpected > 0) parts.push(`unexpected ${r.unexpected} (in the log, never sent)`);
  return parts.join(', ');
}

/**
 * Pass/fail of the spec's data expectation: maxLost bounds lost-write, maxDuplicates (when set)
 * duplicate; a nonmonotonic send or a phantom record always fails; a read-back that did not reach
 * the end of every partition is inconclusive (FAIL), never a pass.
 */
export function judgeData(
  r: DataCheckResult,
  exp: { maxLost: number; maxDuplicates?: number },
): { passed: boolean; reason: string } {
  // A transactional load alone (no plain send at all) reports only its own counts.
  const plain = `${r.acknowledged} acknowledged, ${r.inLog} read back from the log: ${describeCounts(r, exp)}`;
  const txn = r.transactions && `transactions: ${describeTransactions(r.transactions)}`;
  const head = !txn ? plain : r.acknowledged + r.indeterminate === 0 ? txn : `${plain}; ${txn}`;
  if (!r.readBack.complete) return { passed: false, reason: `inconclusive: ${r.readBack.detail}; so far ${head}` };
  const problems: string[] = [];
  // A transactional load alone is checked by its own rules (a drill may run no plain producer).
  if (r.acknowledged === 0 && !r.transactions) problems.push('no record was acknowledged: the check proves nothing');
  if (r.transactions) problems.push(...transactionProblems(r.transactions));
  if (r.lostWrite > exp.maxLost) problems.push(`lost-write e.g. ${r.lostWriteSample.slice(0, 5).join(', ')}`);
  if (exp.maxDuplicates !== undefined && r.duplicate > exp.maxDuplicates)
    problems.push(`duplicate e.g. ${r.duplicateSample.slice(0, 3).join('; ')}`);
  if (r.nonmonotonicSend > 0) problems.push(`nonmonotonic-send e.g. ${r.nonmonotonicSample.slice(0, 3).join('; ')}`);
  if (r.unexpected > 0) problems.push('records in the log that no send of this run carried');
  return { passed: problems.length === 0, reason: problems.length ? `${head}; ${problems.join('; ')}` : head };
}
