// bandwidth: at most `rate` KB/s (1 KB = 1000 bytes, as in Toxiproxy). Large chunks go out in
// rate*100-byte pieces every 100 ms; the sleep budget carries over so the average holds.
import { INTERRUPTED, unbuffered, type ToxicKind } from './types.js';

export const bandwidth: ToxicKind = {
  type: 'bandwidth',
  fields: [{ name: 'rate', goType: 'int64' }],
  buffer: unbuffered,
  async pipe(stub, attrs) {
    let sleep = 0;
    for (;;) {
      const c = await stub.recv();
      if (c === INTERRUPTED) return;
      if (c === null) return stub.close();
      const rate = attrs.rate;
      // rate <= 0 means unlimited (the Go server would spin on empty writes).
      if (rate <= 0) {
        sleep = 0;
        await stub.send(c);
        continue;
      }
      sleep += c.data.length / rate; // bytes / (bytes per ms)
      let data = c.data;
      const piece = rate * 100;
      while (data.length > piece) {
        if (!(await stub.sleep(100))) {
          await stub.send({ data, at: c.at });
          return;
        }
        await stub.send({ data: data.subarray(0, piece), at: c.at });
        data = data.subarray(piece);
        sleep -= 100;
      }
      const start = stub.now();
      if (!(await stub.sleep(sleep))) {
        await stub.send({ data, at: c.at });
        return;
      }
      sleep -= stub.now() - start; // timers are coarse: carry the error into the next sleep
      await stub.send({ data, at: c.at });
    }
  },
};
