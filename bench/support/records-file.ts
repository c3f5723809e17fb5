// The input file kcat produces from in the broker benchmarks: `n` newline-separated records of
// `size` bytes, each starting with its zero-padded sequence number (written in 10k-line chunks
// with backpressure, so a million records do not sit in memory).
import { createWriteStream } from 'node:fs';

export async function writeLines(file: string, n: number, size: number): Promise<void> {
  const out = createWriteStream(file);
  const pad = 'x'.repeat(size);
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(10, '0');
    chunk.push(id + pad.slice(id.length));
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk.length = 0;
    }
  }
  if (chunk.length) out.write(chunk.join('\n') + '\n');
  await new Promise<void>((r) => out.end(r));
}
