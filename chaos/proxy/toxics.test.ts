// Toxic logic on a stage without sockets: slicing offsets, limit_data accounting, noop pass-through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from './random.js';
import { Stage, type ChunkTarget } from './stage.js';
import { toxicKinds, zeroAttributes } from './toxics/registry.js';
import { sliceOffsets } from './toxics/slicer.js';
import type { Chunk } from './toxics/types.js';
import type { ToxicDefinition } from './toxic.js';
import { splitConfigFlags } from '../cli.js';

class Collector implements ChunkTarget {
  items: (Chunk | null)[] = [];
  push(item: Chunk | null): boolean {
    this.items.push(item);
    return true;
  }
  room(): Promise<void> {
    return Promise.resolve();
  }
}

function stageFor(type: string, attributes: Record<string, number>): { stage: Stage; out: Collector } {
  const kind = toxicKinds.get(type)!;
  const toxic: ToxicDefinition = {
    name: type,
    type,
    stream: 'downstream',
    direction: 'downstream',
    toxicity: 1,
    kind,
    attributes: { ...zeroAttributes(kind), ...attributes },
  };
  const out = new Collector();
  const stage = new Stage(toxic, out, {
    random: seededRandom(1),
    resetOnClose: () => {},
    now: () => performance.now(),
  });
  stage.start();
  return { stage, out };
}

const chunk = (n: number): Chunk => ({ data: Buffer.alloc(n, 1), at: performance.now() });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('slicer offsets', () => {
  it('covers the whole chunk with contiguous pieces no larger than average + variation', () => {
    const random = seededRandom(3);
    for (const [avg, variation, size] of [
      [10, 0, 100],
      [50, 10, 1000],
      [1, 0, 17],
      [0, 0, 5],
      [5, 9, 40],
    ]) {
      const offsets = sliceOffsets(0, size, { average_size: avg, size_variation: variation, delay: 0 }, random);
      assert.equal(offsets[0], 0);
      assert.equal(offsets[offsets.length - 1], size);
      for (let i = 1; i < offsets.length; i += 2) {
        const len = offsets[i] - offsets[i - 1];
        assert.ok(len >= 1, `pieces are never empty (${avg}/${variation}/${size})`);
        if (i + 1 < offsets.length) assert.equal(offsets[i + 1], offsets[i], 'contiguous');
        if (avg > 1 && variation < avg)
          assert.ok(len <= avg + variation, `piece ${len} for average ${avg} +/- ${variation}`);
      }
    }
  });
});

describe('toxics on a stage', () => {
  it('limit_data passes exactly `bytes` and ends the stream', async () => {
    const { stage, out } = stageFor('limit_data', { bytes: 25 });
    stage.push(chunk(10));
    stage.push(chunk(10));
    stage.push(chunk(10));
    await tick();
    assert.deepEqual(
      out.items.map((c) => (c ? c.data.length : null)),
      [10, 10, 5, null],
    );
    assert.equal(stage.closed, true);
  });

  it('noop passes chunks and the end of stream through in order', async () => {
    const { stage, out } = stageFor('noop', {});
    stage.push(chunk(1));
    stage.push(chunk(2));
    stage.push(null);
    await tick();
    assert.deepEqual(
      out.items.map((c) => (c ? c.data.length : null)),
      [1, 2, null],
    );
  });

  it('an interrupted latency toxic forwards the chunk it holds instead of dropping it', async () => {
    const { stage, out } = stageFor('latency', { latency: 10_000 });
    stage.push(chunk(3));
    await tick();
    assert.equal(out.items.length, 0);
    assert.equal(await stage.interrupt(), true);
    assert.equal(out.items.length, 1);
  });
});

describe('chaos proxy --config', () => {
  it('is the populate file after the subcommand and the toolkit YAML before it', () => {
    assert.deepEqual(splitConfigFlags(['node', 'kafka-sre', '-c', 'k.yaml', 'chaos', 'proxy', '--config', 'p.json']), {
      toolkit: 'k.yaml',
      populate: 'p.json',
    });
    assert.deepEqual(splitConfigFlags(['node', 'kafka-sre', 'chaos', 'proxy', '--config=p.json']), {
      populate: 'p.json',
    });
    assert.deepEqual(splitConfigFlags(['node', 'kafka-sre', '--config', 'k.yaml', 'chaos', 'proxy']), {
      toolkit: 'k.yaml',
    });
  });
});
