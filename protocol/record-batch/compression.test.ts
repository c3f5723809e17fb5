// Decompression bounds: every codec stops at the bound, whether the input really expands or only
// claims a size in its header, and still round-trips data under the bound (the bounded LZ4 decoder
// included, which takes over from the native one for large input).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { compressFrameSync } from 'lz4-napi';
import { CompressionCodec, compress, CorruptRecordError, decodeBatch, decompress } from './index.js';
import { batchOf, claimBombs, realBombs, zstdRle } from '../../test/support/bombs.js';

const MiB = 1024 * 1024;

describe('decompression bounds', () => {
  it('real bombs (<= 64 KiB) are refused at the bound for every codec', () => {
    for (const b of realBombs()) {
      assert.ok(b.data.length <= 64 * 1024, `${b.name} bomb is ${b.data.length} bytes`);
      const before = process.memoryUsage().rss;
      assert.throws(() => decompress(b.codec, b.data, MiB), CorruptRecordError, b.name);
      assert.ok(process.memoryUsage().rss - before < 64 * MiB, `${b.name}: memory stayed bounded`);
      // Under a bound that fits, the same bytes decompress to what they claim (the bomb is real).
      if (b.expands <= 64 * MiB) assert.equal(decompress(b.codec, b.data, 64 * MiB).length, b.expands, b.name);
    }
  });

  it('the 1 GiB zstd bomb is refused by the default bound too, and via decodeBatch', () => {
    const zstd = realBombs().find((b) => b.name === 'zstd')!;
    assert.throws(() => decodeBatch(batchOf(zstd.codec, zstd.data)), CorruptRecordError);
  });

  it('bombs whose header claims 1 GiB are refused before allocating', () => {
    for (const b of claimBombs()) {
      assert.ok(b.data.length <= 1100, `${b.name} is ${b.data.length} bytes`);
      const before = process.memoryUsage().rss;
      assert.throws(() => decompress(b.codec, b.data), CorruptRecordError, b.name);
      assert.ok(process.memoryUsage().rss - before < 64 * MiB, `${b.name}: memory stayed bounded`);
    }
  });

  it('data under the bound round-trips for every codec, large LZ4 through the bounded decoder', () => {
    const mixed = Buffer.concat([randomBytes(300 * 1024), Buffer.alloc(500 * 1024, 7), randomBytes(100 * 1024)]);
    for (const codec of [CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd])
      assert.deepEqual(decompress(codec, compress(codec, mixed), 2 * MiB), mixed, `codec ${codec}`);
    // 2 MiB of bound / 256 < 900 KiB of input: the JS decoder runs; a bound just below fails.
    const frame = compressFrameSync(mixed);
    assert.deepEqual(decompress(CompressionCodec.Lz4, frame, mixed.length), mixed);
    assert.throws(() => decompress(CompressionCodec.Lz4, frame, mixed.length - 1), CorruptRecordError);
    // zstd without a declared size streams into bounded chunks.
    assert.equal(decompress(CompressionCodec.Zstd, zstdRle(3 * 128 * 1024), MiB).length, 3 * 128 * 1024);
    assert.throws(() => decompress(CompressionCodec.Zstd, zstdRle(9 * 128 * 1024), MiB), CorruptRecordError);
  });
});
