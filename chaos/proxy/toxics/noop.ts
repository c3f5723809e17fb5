// noop: passes everything through. Also what a toxic runs as when its toxicity roll says "no".
import { INTERRUPTED, unbuffered, type ToxicKind, type ToxicStub } from './types.js';

export async function passThrough(stub: ToxicStub): Promise<void> {
  for (;;) {
    const c = await stub.recv();
    if (c === INTERRUPTED) return;
    if (c === null) return stub.close();
    await stub.send(c);
  }
}

export const noop: ToxicKind = {
  type: 'noop',
  fields: [],
  buffer: unbuffered,
  pipe: (stub) => passThrough(stub),
};
