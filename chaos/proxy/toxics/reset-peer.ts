// reset_peer: on the first data (or end of stream), wait `timeout` ms, then reset the connection
// with a TCP RST (both sides see ECONNRESET). The data is dropped.
import { INTERRUPTED, unbuffered, type ToxicKind } from './types.js';

export const resetPeer: ToxicKind = {
  type: 'reset_peer',
  fields: [{ name: 'timeout', goType: 'int64' }],
  buffer: unbuffered,
  async pipe(stub, attrs) {
    const c = await stub.recv();
    if (c === INTERRUPTED) return;
    // Like Toxiproxy, the wait is not interruptible: once triggered, the reset happens.
    if (attrs.timeout > 0) await new Promise((r) => setTimeout(r, attrs.timeout));
    stub.resetConnection();
    stub.close();
  },
};
