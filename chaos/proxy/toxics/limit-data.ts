// limit_data: lets `bytes` bytes through per connection and direction, then closes the
// connection. The count survives updates of the toxic (per-connection state).
import { INTERRUPTED, unbuffered, type ToxicKind } from './types.js';

export const limitData: ToxicKind = {
  type: 'limit_data',
  fields: [{ name: 'bytes', goType: 'int64' }],
  buffer: unbuffered,
  async pipe(stub, attrs) {
    const state = stub.state;
    state.transmitted ??= 0;
    for (;;) {
      const c = await stub.recv();
      if (c === INTERRUPTED) return;
      if (c === null) return stub.close();
      const remaining = Math.max(0, attrs.bytes - state.transmitted);
      const data = remaining < c.data.length ? c.data.subarray(0, remaining) : c.data;
      if (data.length > 0) {
        await stub.send({ data, at: c.at });
        state.transmitted += data.length;
      }
      if (attrs.bytes - state.transmitted <= 0) return stub.close();
    }
  },
};
