// slow_close: data flows normally; when the stream ends, the close is held back `delay` ms.
import { INTERRUPTED, unbuffered, type ToxicKind } from './types.js';

export const slowClose: ToxicKind = {
  type: 'slow_close',
  fields: [{ name: 'delay', goType: 'int64' }],
  buffer: unbuffered,
  async pipe(stub, attrs) {
    for (;;) {
      const c = await stub.recv();
      if (c === INTERRUPTED) return;
      if (c === null) {
        if (await stub.sleep(attrs.delay)) return stub.close();
        stub.unrecv(null); // interrupted: whoever runs next still sees the end of stream
        return;
      }
      await stub.send(c);
    }
  },
};
