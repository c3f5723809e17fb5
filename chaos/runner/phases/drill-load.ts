// The drill's load: started after the steady state holds and before the first fault, stopped
// (drained) after every fault is rolled back, so the data check covers the whole drill.
import type { LoadSpec } from '../../schema/schema.js';
import { LoadDriver } from '../../load/driver.js';
import type { ResolvedTarget } from '../../faults/types.js';
import type { LoadRunner } from '../run-types.js';
import { saslOrUsage } from '../target.js';
import type { Drill } from './drill.js';

/** Start the load; it is in d.load before it starts, so a start that throws is still stopped. */
export async function startLoad(d: Drill, spec: LoadSpec): Promise<void> {
  d.load = (d.opts.createLoad ?? builtInLoad)(spec, d.target, d.runId);
  await d.load.start();
  d.journal.add('load-started', { producers: spec.producers, rate: spec.rate, topic: spec.topic });
}

/** Stop the load if it was started; a failure to stop is journaled, never thrown (rollback is done). */
export async function stopLoad(d: Drill): Promise<void> {
  if (!d.load) return;
  try {
    await d.load.stop();
    d.journal.add('load-stopped');
  } catch (e) {
    d.journal.add('load-stop-failed', { error: (e as Error).message });
  }
}

/** The built-in kafkajs driver (RunOptions.createLoad lets tests plug another). */
function builtInLoad(l: LoadSpec, t: ResolvedTarget, id: string): LoadRunner {
  return new LoadDriver({
    bootstrapServers: t.bootstrapServers,
    runId: id,
    spec: l,
    sasl: l.sasl ? saslOrUsage(l.sasl, 'load') : undefined,
  });
}
