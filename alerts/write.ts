// Writer: put generated files under a directory (creating folders), report what was written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFiles(outDir: string, files: ReadonlyMap<string, string>): string[] {
  const written: string[] = [];
  for (const [rel, text] of files) {
    const path = join(outDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}
