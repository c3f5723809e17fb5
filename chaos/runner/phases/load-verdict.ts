// What the load says about the drill, once it has stopped: its k6-style thresholds (a failed
// latency threshold names the fault behind the slowest write) and, when the spec expects it, the
// data check: the ack log against an independent read of the topic (load/read-back.ts).
import { judgeData } from '../../load/data-check.js';
import { failedThresholds } from '../../load/k6-metrics.js';
import type { DataOutcome, LoadRunner, RunOutcome } from '../run-types.js';
import { describeSlowestWrite, slowestWriteIn } from '../slowest-write.js';
import type { Drill } from './drill.js';

export interface LoadVerdict {
  load: RunOutcome['load'];
  data?: DataOutcome;
}

export async function checkLoad(d: Drill, load: LoadRunner): Promise<LoadVerdict> {
  const summary = load.summary();
  const slowest = load.slowestWrite?.() ?? null;
  const slowestWrite = slowest ? slowestWriteIn(slowest, d.windows, d.journal.startedAtMs) : undefined;
  if (slowestWrite) d.journal.add('load-slowest-write', { ...slowestWrite });
  const failed = failedThresholds(summary).map((t) =>
    slowestWrite && t.startsWith('kafka_writer_write_seconds:') ? `${t} (${describeSlowestWrite(slowestWrite)})` : t,
  );
  const verdict: LoadVerdict = {
    load: { summary, failedThresholds: failed, ...(slowestWrite ? { slowestWrite } : {}) },
  };
  if (d.spec.expectations.data) {
    const result = await load.dataCheck();
    const data: DataOutcome = { result, ...judgeData(result, d.spec.expectations.data) };
    d.journal.add('data-check', { ...result, passed: data.passed, reason: data.reason });
    verdict.data = data;
  }
  return verdict;
}
