// slicer: cuts each chunk into pieces of about `average_size` bytes (+/- `size_variation`) and
// waits `delay` microseconds after each piece, like small TCP segments on a real network.
import { randomInt, type Random } from '../random.js';
import { INTERRUPTED, unbuffered, type Attributes, type ToxicKind } from './types.js';

/** Offsets [s0, e0, s1, e1, ...] cutting [start, end) in about-even halves until pieces fit. */
export function sliceOffsets(start: number, end: number, attrs: Readonly<Attributes>, random: Random): number[] {
  const avg = attrs.average_size;
  const variation = attrs.size_variation;
  // A piece is never smaller than one byte (the Go server recurses forever on average_size 0).
  if (end - start - avg <= variation || end - start <= 1) return [start, end];
  let mid = start + Math.floor((end - start) / 2);
  if (variation > 0) mid += randomInt(random, variation * 2) - variation;
  mid = Math.min(end - 1, Math.max(start + 1, mid));
  return [...sliceOffsets(start, mid, attrs, random), ...sliceOffsets(mid, end, attrs, random)];
}

export const slicer: ToxicKind = {
  type: 'slicer',
  fields: [
    { name: 'average_size', goType: 'int' },
    { name: 'size_variation', goType: 'int' },
    { name: 'delay', goType: 'int' },
  ],
  buffer: unbuffered,
  async pipe(stub, attrs) {
    for (;;) {
      const c = await stub.recv();
      if (c === INTERRUPTED) return;
      if (c === null) return stub.close();
      const offsets = sliceOffsets(0, c.data.length, attrs, stub.random);
      for (let i = 1; i < offsets.length; i += 2) {
        await stub.send({ data: c.data.subarray(offsets[i - 1], offsets[i]), at: c.at });
        if (!(await stub.sleep(attrs.delay / 1000))) {
          if (offsets[i] < c.data.length) await stub.send({ data: c.data.subarray(offsets[i]), at: c.at });
          return;
        }
      }
    }
  },
};
