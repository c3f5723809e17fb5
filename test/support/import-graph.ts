// The import-graph checker behind test/architecture.test.ts (the rules: docs/architecture.md).
// Reads every source file's static imports, `export … from` and `import('literal')` with the
// TypeScript package's own pre-parser (ts.preProcessFile), maps files to parts (top-level folders)
// and reports every import that breaks the architecture:
//   cli-is-top    a part imports cli/ (cli/ is the top of the program; nothing imports it)
//   outside       a part imports test/, scripts/ or bin/ (bench/ may use test/support/)
//   direction     a part imports a part in its own or a higher layer
//   front-door    a part imports another part's internals instead of its front door
//   door-code     a front door holds something other than `export … from` re-exports
//   missing-door  a part below the top has no front door file
//   no-part       a source file sits in a top-level folder that is no part
// Test files (*.test.ts), test/, scripts/ and bin/ are exempt as importers.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/**
 * Layers, lowest first. A part imports only parts in LOWER layers (never a part of its own layer,
 * never a higher one), and only through their front doors.
 */
export const layers: readonly (readonly string[])[] = [
  ['common'], // config, logging, ports, exit codes, metric catalog, command contract: imports no part
  ['protocol'], // Kafka wire codecs
  ['kafka-client'], // the shared Kafka client (over protocol)
  ['broker', 'exporter', 'alerts', 'dashboards', 'chaos'], // services and generators: siblings
  ['ops'], // operator commands (use the exporter's lag and partition model)
  ['cli', 'bench'], // the program and the benchmarks: the top, nothing imports them
];

export const parts: readonly string[] = layers.flat();

/**
 * Front doors: the only files of a part that other parts import. One `index.ts` per part, except
 * the two foundation layers, which have a few documented sub-area front doors so that a light
 * import does not load heavy modules (native compression, zod/yaml, commander).
 */
export const frontDoorsOf: Readonly<Record<string, readonly string[]>> = {
  common: ['common/index.ts', 'common/config/index.ts', 'common/metrics/index.ts', 'common/command/index.ts'],
  protocol: ['protocol/index.ts', 'protocol/record-batch/index.ts'],
};

/** Parts nothing imports: they need no front door. */
export const topParts: readonly string[] = layers[layers.length - 1];

/** Top-level folders that are no part: exempt as importers, not importable by parts. */
export const exemptFolders: readonly string[] = ['test', 'scripts', 'bin'];

/** Non-part code a part may import: bench/ (dev-only, not shipped) may use the test helpers. */
export const allowedOutside: Readonly<Record<string, readonly string[]>> = { bench: ['test/support/'] };

const outsideNote = [
  `${exemptFolders.map((f) => `${f}/`).join(', ')} are not importable`,
  ...Object.entries(allowedOutside).map(([p, prefixes]) => `${p}/ may use ${prefixes.join(', ')}`),
].join('; ');

const skipDirs = new Set(['node_modules', 'dist', 'generated']);
const sourceFile = /\.(ts|mts|cts|js|mjs|cjs)$/;

export type Rule = 'cli-is-top' | 'outside' | 'direction' | 'front-door' | 'door-code' | 'missing-door' | 'no-part';

export interface Violation {
  rule: Rule;
  /** Repo-relative path of the importing file (or the front door, for door rules). */
  file: string;
  line: number;
  /** The import specifier as written, if the violation is an import. */
  specifier?: string;
  /** Repo-relative path the specifier resolves to. */
  target?: string;
  message: string;
}

export function partOf(file: string): string | undefined {
  const top = file.split('/')[0];
  return parts.includes(top) ? top : undefined;
}

export function frontDoors(part: string): readonly string[] {
  return frontDoorsOf[part] ?? [`${part}/index.ts`];
}

function layerOf(part: string): number {
  return layers.findIndex((l) => l.includes(part));
}

function isExemptImporter(file: string): boolean {
  return !file.includes('/') || exemptFolders.includes(file.split('/')[0]) || /\.test\.(ts|mts|cts|js|mjs)$/.test(file);
}

/** Every source file under root (repo-relative, `/`-separated), skipping dependencies and output. */
export function listSourceFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    if (name.startsWith('.') || skipDirs.has(name)) continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, rel)).isDirectory()) out.push(...listSourceFiles(root, rel));
    else if (sourceFile.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** `./x.js` from `a/b.ts` is `a/x.ts` when that exists (ESM imports name the emitted file). */
function resolveImport(root: string, from: string, specifier: string): string {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const m = /^(.*)\.(js|mjs|cjs)$/.exec(target);
  if (m) {
    const tsExt = { js: 'ts', mjs: 'mts', cjs: 'cts' }[m[2] as 'js' | 'mjs' | 'cjs'];
    if (existsSync(join(root, `${m[1]}.${tsExt}`))) return `${m[1]}.${tsExt}`;
  }
  return target;
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const reexportCache = new Map<string, Map<string, string>>();

/** For the hint in a message: which front door of `part` re-exports a file (`export … from`, transitively). */
function reexportedBy(root: string, part: string): Map<string, string> {
  const key = `${root}\0${part}`;
  let map = reexportCache.get(key);
  if (map) return map;
  map = new Map();
  for (const door of frontDoors(part)) {
    const queue = [door];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (map.has(file) || !existsSync(join(root, file))) continue;
      map.set(file, door);
      const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, false);
      for (const st of sf.statements)
        if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier))
          queue.push(resolveImport(root, file, st.moduleSpecifier.text));
    }
  }
  reexportCache.set(key, map);
  return map;
}

/** Check one import; undefined when it is allowed. */
function checkImport(root: string, file: string, specifier: string): Omit<Violation, 'file' | 'line'> | undefined {
  const from = partOf(file)!;
  const target = resolveImport(root, file, specifier);
  const to = partOf(target);
  const base = { specifier, target };
  if (to === from) return undefined;
  if (to === 'cli')
    return {
      ...base,
      rule: 'cli-is-top',
      message: `cli/ is the top of the program and no part imports it (what parts need from it is in common/command/)`,
    };
  if (to === undefined) {
    if ((allowedOutside[from] ?? []).some((prefix) => target.startsWith(prefix))) return undefined;
    return {
      ...base,
      rule: 'outside',
      message: `${target} is in no part; parts import only parts (${outsideNote})`,
    };
  }
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to);
  if (toLayer >= fromLayer)
    return {
      ...base,
      rule: 'direction',
      message: `${from}/ (layer ${fromLayer}) may not import ${to}/ (layer ${toLayer}): parts import lower layers only`,
    };
  const doors = frontDoors(to);
  if (!doors.includes(target)) {
    const door = reexportedBy(root, to).get(target);
    return {
      ...base,
      rule: 'front-door',
      message: door
        ? `${target} is inside ${to}/: import ${door} instead (it re-exports ${target})`
        : `${target} is inside ${to}/: import ${doors.join(' or ')} instead (export the name there)`,
    };
  }
  return undefined;
}

/** Front doors hold re-exports only: no code, so importing one runs nothing but the modules it names. */
function checkFrontDoor(door: string, text: string): Violation[] {
  const sf = ts.createSourceFile(door, text, ts.ScriptTarget.Latest, false);
  return sf.statements
    .filter((st) => !(ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined))
    .map((st) => ({
      rule: 'door-code' as const,
      file: door,
      line: sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1,
      message: `a front door holds only re-exports (\`export … from\`); move this statement into a module of ${door.split('/')[0]}/ and re-export it`,
    }));
}

/** Every architecture violation under root (a repository checkout or a fixture tree). */
export function checkImportGraph(root: string): Violation[] {
  const violations: Violation[] = [];
  const files = listSourceFiles(root);
  const present = new Set(files.map((f) => f.split('/')[0]));
  for (const part of parts) {
    if (!present.has(part) || topParts.includes(part)) continue;
    for (const door of frontDoors(part))
      if (!existsSync(join(root, door)))
        violations.push({ rule: 'missing-door', file: door, line: 0, message: `${part}/ has no front door ${door}` });
  }
  for (const file of files) {
    if (isExemptImporter(file)) continue;
    const text = readFileSync(join(root, file), 'utf8');
    if (partOf(file) === undefined) {
      violations.push({
        rule: 'no-part',
        file,
        line: 0,
        message: `${file.split('/')[0]}/ is no part: add it to the layers in test/support/import-graph.ts and docs/architecture.md, or move the file into a part`,
      });
      continue;
    }
    if (frontDoors(partOf(file)!).includes(file)) violations.push(...checkFrontDoor(file, text));
    const info = ts.preProcessFile(text, true, true);
    for (const imp of info.importedFiles) {
      if (!imp.fileName.startsWith('./') && !imp.fileName.startsWith('../')) continue; // packages, node:
      const v = checkImport(root, file, imp.fileName);
      if (v) violations.push({ ...v, file, line: lineAt(text, imp.pos) });
    }
  }
  return violations;
}

/** One line per violation: `file:line [rule] imports 'spec': why and what to do`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map(
      (v) =>
        `${v.file}${v.line ? `:${v.line}` : ''} [${v.rule}] ${v.specifier ? `imports '${v.specifier}': ` : ''}${v.message}`,
    )
    .join('\n');
}
