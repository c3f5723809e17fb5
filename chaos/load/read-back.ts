// The data check's independent read of the topic after the drill: the end offset of every
// partition is captured first (the load has stopped), then a fresh kafkajs consumer reads every
// partition from its log start up to that offset. Nothing of the load's consumer group is used:
// the reader's group id is new, it commits nothing (so it starts at the log start, like a
// group-less fetch from offset 0), and the group is deleted afterwards. kafkajs has no group-less
// consumer; its group only hands this single member every partition.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { LogEntry, LogReadBack } from './data-check.js';

export interface ReadBackOptions {
  topic: string;
  /** The header carrying the record id. */
  idHeader: string;
  /** Only ids with this prefix are this run's (the topic may hold earlier runs). */
  idPrefix: string;
  /** Give up when no record arrived for this long (the read is then incomplete: inconclusive). */
  idleTimeoutMs: number;
  /**
   * Prefix of the reader's (new, unique) group id. With ACLs the load's principal may only use
   * groups it is granted, typically by the prefix of its own group: the driver passes that group.
   */
  groupPrefix?: string;
}

export async function readBack(kafka: Kafka, opts: ReadBackOptions): Promise<LogReadBack> {
  let ends: Map<number, { start: number; end: number }>;
  const admin = kafka.admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(opts.topic);
    ends = new Map(offsets.map((o) => [o.partition, { start: Number(o.low), end: Number(o.high) }]));
  } catch (e) {
    await admin.disconnect().catch(() => {});
    return {
      entries: [],
      complete: false,
      detail: `could not read the end offsets of ${opts.topic}: ${(e as Error).message}`,
    };
  }
  // Next offset to read per partition; a partition is done once it reaches its captured end.
  const next = new Map([...ends].map(([p, o]) => [p, o.start]));
  const pending = () => [...ends].filter(([p, o]) => (next.get(p) ?? 0) < o.end);
  const entries: LogEntry[] = [];
  const endsText = [...ends].map(([p, o]) => `p${p}:${o.start}-${o.end}`).join(' ');
  if (pending().length === 0) {
    await admin.disconnect().catch(() => {});
    return { entries, complete: true, detail: `nothing to read (${endsText})` };
  }

  const groupId = `${opts.groupPrefix ?? 'kafka-sre-gameday'}-readback-${randomUUID()}`;
  // read_committed (kafkajs' default, stated): records of aborted or still open transactions are
  // not what a committed reader sees, and the transactional data check counts them as visible.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false });
  let lastError: string | undefined;
  let wake: () => void = () => {};
  let lastProgress = Date.now();
  // A partition can end in control records (commit/abort markers) or aborted records, which never
  // reach eachBatch: kafkajs reports how far such a batch got through this event instead.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const p = e.payload.partition;
    const last = Number(e.payload.lastOffset);
    if (e.payload.topic !== opts.topic || !ends.has(p) || !Number.isFinite(last)) return;
    next.set(p, Math.max(next.get(p) ?? 0, last + 1));
    lastProgress = Date.now();
    if (pending().length === 0) wake();
  });
  consumer.on(consumer.events.CRASH, (e) => {
    lastError = e.payload.error.message;
    wake();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const p = batch.partition;
        const range = ends.get(p);
        if (!range) return;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= range.end) break;
          const id = m.headers?.[opts.idHeader]?.toString();
          if (id?.startsWith(opts.idPrefix)) entries.push({ id, partition: p, offset });
          next.set(p, Math.max(next.get(p) ?? 0, offset + 1));
        }
        lastProgress = Date.now();
        if (pending().length === 0) wake();
      },
    });
    while (pending().length > 0 && !lastError && Date.now() - lastProgress < opts.idleTimeoutMs) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 500);
      });
    }
  } catch (e) {
    lastError = (e as Error).message;
  } finally {
    await consumer.disconnect().catch(() => {});
    // Leave no group behind (it holds no offsets; this only tidies the coordinator's list).
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
  const left = pending();
  if (left.length === 0)
    return {
      entries,
      complete: true,
      detail: `read ${ends.size} partitions from log start to the end offsets captured after the load stopped (${endsText})`,
    };
  const where = left.map(([p, o]) => `p${p} at ${next.get(p)} of ${o.end}`).join(', ');
  return {
    entries,
    complete: false,
    detail: `read-back of ${opts.topic} stopped short of the end offsets captured after the load stopped (${where})${lastError ? `: ${lastError}` : `: no record for ${opts.idleTimeoutMs} ms`}`,
  };
}
