// Game-day spec: YAML text -> validated model, with every problem reported as
// `file:line:col: field: message`. Parsing keeps node positions (yaml's LineCounter) so a zod
// issue path can be pointed back at the exact key or value that is wrong.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../../common/index.js';
import { faultTypes, specSchema, type GameDaySpec } from './schema.js';

export interface SpecIssue {
  /** Dotted field path, e.g. "faults[0].duration". */
  field: string;
  message: string;
  line: number;
  col: number;
}

export class SpecError extends UsageError {
  constructor(
    readonly file: string,
    readonly issues: SpecIssue[],
  ) {
    super(
      `invalid game-day spec ${file}:\n` +
        issues.map((i) => `  ${file}:${i.line}:${i.col}: ${i.field || '(top level)'}: ${i.message}`).join('\n'),
    );
    this.name = 'SpecError';
  }
}

/** A validated spec plus the defaults the runner fills in (fault names). */
export interface LoadedSpec {
  file: string;
  spec: GameDaySpec;
}

export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

type Located = { line: number; col: number };

/** Position of the deepest node on `path` that exists (a missing field points at its parent). */
function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[], keyOf?: string): Located {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  const walk = keyOf === undefined ? path : [...path, keyOf];
  for (let i = 0; i < walk.length; i++) {
    const seg = walk[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      // For an unknown key, point at the key itself; otherwise at the value.
      const last = i === walk.length - 1;
      const target = last && keyOf !== undefined ? pair.key : (pair.value ?? pair.key);
      offset = (target as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (
    issue.code === 'invalid_union' &&
    'discriminator' in issue &&
    issue.discriminator === 'type' &&
    issue.path.includes('faults')
  ) {
    return `unknown fault type; known types: ${faultTypes.join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'missing (required)';
  if (issue.message === 'required') return 'missing (required)';
  return issue.message;
}

/** Checks zod cannot express: references between sections, unique names, the time budget. */
function crossChecks(spec: GameDaySpec): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  const names = new Map<string, number>();
  spec.faults.forEach((f, i) => {
    const n = f.name ?? '';
    if (names.has(n))
      out.push({ path: ['faults', i, 'name'], message: `duplicate fault name "${n}" (also faults[${names.get(n)}])` });
    names.set(n, i);
    if (f.start + f.duration > spec.safety.maxDuration)
      out.push({
        path: ['faults', i, 'duration'],
        message: `start + duration (${f.start + f.duration} ms) exceeds safety.maxDuration (${spec.safety.maxDuration} ms)`,
      });
  });
  spec.expectations.alerts.forEach((e, i) => {
    if (e.fault !== undefined && !names.has(e.fault))
      out.push({
        path: ['expectations', 'alerts', i, 'fault'],
        message: `no fault named "${e.fault}" (faults: ${[...names.keys()].join(', ')})`,
      });
  });
  spec.expectations.notifications.forEach((e, i) => {
    if (e.fault !== undefined && !names.has(e.fault))
      out.push({ path: ['expectations', 'notifications', i, 'fault'], message: `no fault named "${e.fault}"` });
    if (!spec.target.webhookListen)
      out.push({
        path: ['expectations', 'notifications', i],
        message: 'notification expectations need target.webhookListen (where Alertmanager sends its webhooks)',
      });
  });
  const probeNames = new Set<string>();
  spec.steadyState.probes.forEach((p, i) => {
    if (probeNames.has(p.name))
      out.push({ path: ['steadyState', 'probes', i, 'name'], message: `duplicate probe name "${p.name}"` });
    probeNames.add(p.name);
    if (p.type === 'produce-consume' && spec.target.kind === 'existing' && spec.target.bootstrapServers.length === 0)
      out.push({ path: ['steadyState', 'probes', i], message: 'needs bootstrap servers' });
  });
  if (spec.expectations.data && !spec.load)
    out.push({
      path: ['expectations', 'data'],
      message: 'a data check needs a load section (the records it checks come from the load driver)',
    });
  if (spec.load?.consumers === undefined && spec.load?.transactions === undefined && spec.expectations.data)
    out.push({ path: ['load', 'consumers'], message: 'a data check needs consumers to read the records back' });
  spec.faults.forEach((f, i) => {
    if (f.type !== 'transaction-producer-kill') return;
    const txn = spec.load?.transactions;
    if (!txn) out.push({ path: ['faults', i, 'type'], message: 'transaction-producer-kill needs load.transactions' });
    else if (f.target.producer >= txn.producers)
      out.push({
        path: ['faults', i, 'target', 'producer'],
        message: `load.transactions has producers 0..${txn.producers - 1}`,
      });
  });
  return out;
}

/** Parse and validate spec text; throws SpecError listing every problem found. */
export function parseSpec(text: string, file = '<spec>'): LoadedSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SpecError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { field: '', message: `YAML: ${e.message.split('\n')[0]}`, line, col };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new SpecError(file, [{ field: '', message: 'the spec must be a YAML mapping', line: 1, col: 1 }]);
  const result = specSchema.safeParse(raw);
  if (!result.success) {
    throw new SpecError(
      file,
      result.error.issues.map((iss) => {
        if (iss.code === 'unrecognized_keys') {
          const key = iss.keys[0];
          return {
            field: fieldName([...iss.path, key]),
            message: `unknown field${iss.keys.length > 1 ? `s ${iss.keys.join(', ')}` : ''}`,
            ...locate(doc, lines, iss.path, key),
          };
        }
        return { field: fieldName(iss.path), message: issueMessage(iss), ...locate(doc, lines, iss.path) };
      }),
    );
  }
  const spec = result.data;
  spec.faults.forEach((f, i) => (f.name ??= `${f.type}-${i}`));
  const problems = crossChecks(spec);
  if (problems.length)
    throw new SpecError(
      file,
      problems.map((p) => ({ field: fieldName(p.path), message: p.message, ...locate(doc, lines, p.path) })),
    );
  return { file, spec };
}

export async function loadSpecFile(file: string): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read game-day spec ${file}: ${(e as Error).message}`);
  }
  return parseSpec(text, file);
}

/** The expectation's fault: named, or the first one. */
export function faultOf(spec: GameDaySpec, faultName: string | undefined): GameDaySpec['faults'][number] {
  return spec.faults.find((f) => f.name === faultName) ?? spec.faults[0];
}
