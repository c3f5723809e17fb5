// timeout: no data gets through (it is dropped); after `timeout` ms without incoming data the
// connection is closed. timeout 0 never closes: the connection hangs until the toxic is removed,
// and removing it closes the connections it was stalling (Toxiproxy's Cleanup).
import { INTERRUPTED, TIMED_OUT, unbuffered, type ToxicKind } from './types.js';

export const timeout: ToxicKind = {
  type: 'timeout',
  fields: [{ name: 'timeout', goType: 'int64' }],
  buffer: unbuffered,
  async pipe(stub, attrs) {
    for (;;) {
      const c = attrs.timeout > 0 ? await stub.recv(attrs.timeout) : await stub.recv();
      if (c === INTERRUPTED) return;
      if (c === null || c === TIMED_OUT) return stub.close();
      // anything else is dropped on the floor
    }
  },
  cleanup(stub) {
    stub.close();
  },
};
