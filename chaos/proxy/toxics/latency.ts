// latency: every chunk leaves `latency` ms (+/- `jitter`) after the proxy received it. The delay
// counts from the receive time, so pipelined chunks are not delayed cumulatively.
import { randomInt } from '../random.js';
import { INTERRUPTED, type ToxicKind } from './types.js';

export const latency: ToxicKind = {
  type: 'latency',
  fields: [
    { name: 'latency', goType: 'int64' },
    { name: 'jitter', goType: 'int64' },
  ],
  // Toxiproxy buffers 1024 chunks in front of latency so throughput survives the delay;
  // bounded here by bytes as well (Node chunks can be 64 KiB).
  buffer: { chunks: 1024, bytes: 16 * 1024 * 1024 },
  async pipe(stub, attrs) {
    for (;;) {
      const c = await stub.recv();
      if (c === INTERRUPTED) return;
      if (c === null) return stub.close();
      let delay = attrs.latency;
      if (attrs.jitter > 0) delay += randomInt(stub.random, attrs.jitter * 2) - attrs.jitter;
      const wait = delay - (stub.now() - c.at);
      if (wait > 0 && !(await stub.sleep(wait))) {
        await stub.send(c); // interrupted: never drop data
        return;
      }
      await stub.send({ data: c.data, at: c.at + wait });
    }
  },
};
