// Kafka's checkpoint text files: "<version>\n<count>\n<entry>\n..." written atomically (tmp + rename).
// Used for `leader-epoch-checkpoint` (per partition: "epoch startOffset") and the data dir's
// `log-start-offset-checkpoint` ("topic partition offset").
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export function writeCheckpoint(path: string, lines: readonly string[]): void {
  writeFileSync(path + '.tmp', `0\n${lines.length}\n${lines.map((l) => l + '\n').join('')}`);
  renameSync(path + '.tmp', path);
}

/** Entry lines of a checkpoint file; [] when missing or malformed. */
export function readCheckpoint(path: string): string[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[0] !== '0') return [];
  const n = Number(lines[1]);
  if (!Number.isInteger(n) || n < 0 || lines.length < n + 2) return [];
  return lines.slice(2, 2 + n);
}
