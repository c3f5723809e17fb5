// One librdkafka 2.15 consume-transform-produce loop (RdkafkaEosLoop) in a process of its own, as
// RdkafkaEosLoopProcess starts it: argv[2] is the loop's options as JSON. It prints one JSON line per
// event on stdout ({"event":"assigned"} once its consumer has partitions, "committed", "recovering",
// and "done" after SIGTERM), then exits. A producer the loop abandoned in a call that never returns
// is not closed (its close would wait for that call): the process's exit ends it.
import { RdkafkaEosLoop, type EosLoopOptions } from './exactly-once.js';

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const loop = new RdkafkaEosLoop(JSON.parse(process.argv[2]) as EosLoopOptions, { closeAbandoned: false });
loop.onEvent(say);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    let error: string | undefined;
    try {
      await loop.stop();
    } catch (e) {
      error = (e as Error).message;
    }
    const { commits, recoveries } = loop.stats();
    say({ event: 'done', commits, recoveries, abandonedProducers: loop.abandonedProducers, ...(error && { error }) });
    process.exit(0);
  })();
});

try {
  await loop.start();
  say({ event: 'assigned' });
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
}
