// Loads the toolkit configuration: defaults < YAML file (--config) < KAFKA_SRE_* environment
// variables < command-line flags. Every error is one line naming the field, the value, what is
// allowed and where the value came from.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { UsageError } from '../exit-codes.js';
import { configSchema, type ConfigInput, type ToolkitConfig } from './schema.js';

export const ENV_PREFIX = 'KAFKA_SRE_';

type Plain = Record<string, unknown>;
type Leaf = { path: string[]; kind: 'number' | 'boolean' | 'string' | 'array' | 'other'; envName: string };

export interface LoadOptions {
  /** YAML file path (from --config or KAFKA_SRE_CONFIG). */
  file?: string;
  /** Environment to read KAFKA_SRE_* from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, already shaped like the config (e.g. { broker: { port: 9092 } }). */
  flags?: ConfigInput;
}

/** `fooBar` -> `FOO_BAR`. */
function upperSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  /** A pipe's input schema (a section with a .transform()). */
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const d = defOf(s);
    if (
      (d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'prefault') &&
      d.innerType
    )
      s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/** Every leaf of the schema with its environment variable name. */
export function configLeaves(schema: z.ZodType = configSchema, path: string[] = []): Leaf[] {
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'object') {
    const shape = (s as unknown as { shape: Record<string, z.ZodType> }).shape;
    return Object.entries(shape).flatMap(([k, v]) => configLeaves(v, [...path, k]));
  }
  const kind =
    d.type === 'number' || d.type === 'int'
      ? 'number'
      : d.type === 'boolean'
        ? 'boolean'
        : d.type === 'string' || d.type === 'enum'
          ? 'string'
          : d.type === 'array'
            ? 'array'
            : 'other';
  return [{ path, kind, envName: ENV_PREFIX + path.map(upperSnake).join('_') }];
}

function setPath(obj: Plain, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k] as Plain;
  }
  cur[path[path.length - 1]] = value;
}

function getPath(obj: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function deepMerge(
  base: Plain,
  over: Plain,
  origin: Map<string, string>,
  source: string,
  prefix: string[] = [],
): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const p = [...prefix, k];
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      out[k] &&
      typeof out[k] === 'object' &&
      !Array.isArray(out[k])
    ) {
      out[k] = deepMerge(out[k] as Plain, v as Plain, origin, source, p);
    } else {
      out[k] = v;
      markOrigin(v, p, origin, source);
    }
  }
  return out;
}

function markOrigin(v: unknown, path: string[], origin: Map<string, string>, source: string): void {
  origin.set(path.join('.'), source);
  if (v && typeof v === 'object' && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) markOrigin(x, [...path, k], origin, source);
}

function readYamlFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`config error: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // The YAML parser is loaded only when there is a file to parse (a flags-only exporter never does).
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError(`config error: ${where}: invalid YAML: ${reason}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(
      `config error: ${file}: the top level must be a mapping of sections (log, broker, exporter, ...)`,
    );
  return value as Plain;
}

function readEnv(env: NodeJS.ProcessEnv): Plain {
  const out: Plain = {};
  for (const leaf of configLeaves()) {
    const raw = env[leaf.envName];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (leaf.kind === 'number') {
      value = Number(raw);
      if (raw.trim() === '' || Number.isNaN(value))
        throw new UsageError(
          `config error: ${leaf.path.join('.')}: ${JSON.stringify(raw)} is not a number (from environment ${leaf.envName})`,
        );
    } else if (leaf.kind === 'boolean') {
      const t = raw.toLowerCase();
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(t))
        throw new UsageError(
          `config error: ${leaf.path.join('.')}: ${JSON.stringify(raw)} is not a boolean; use true or false (from environment ${leaf.envName})`,
        );
      value = ['true', '1', 'yes'].includes(t);
    } else if (leaf.kind === 'array') {
      value = raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    } else if (leaf.kind === 'other') {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UsageError(`config error: ${leaf.path.join('.')}: ${leaf.envName} must be JSON`);
      }
    }
    setPath(out, leaf.path, value);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const value = getPath(input, issue.path);
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  switch (issue.code) {
    case 'invalid_type':
      return `${shown} is not allowed: expected ${issue.expected}`;
    case 'too_big':
      return `${shown} is out of range: must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return `${shown} is out of range: must be at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return `${shown} is not allowed: use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return `${shown} is not allowed: ${issue.message}`;
  }
}

/** Validate a merged config object; throws a UsageError naming the field. */
export function validateConfig(input: unknown, origin: Map<string, string> = new Map()): ToolkitConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...issue.path.map(String), ...(keys.length === 1 ? [keys[0]] : [])];
    const field =
      issue.code === 'unrecognized_keys' ? (issue.path.length ? issue.path.join('.') : '(top level)') : path.join('.');
    const from = origin.get(path.join('.'));
    return `config error: ${field}: ${describeIssue(issue, input)}${from ? ` (from ${from})` : ''}`;
  });
  throw new UsageError(lines.join('\n'));
}

/** Load and validate the whole configuration. */
export function loadConfig(opts: LoadOptions = {}): ToolkitConfig {
  const env = opts.env ?? process.env;
  const origin = new Map<string, string>();
  const file = opts.file ?? env[`${ENV_PREFIX}CONFIG`];
  let merged: Plain = {};
  if (file) merged = deepMerge(merged, readYamlFile(file), origin, `file ${file}`);
  merged = deepMerge(merged, readEnv(env), origin, 'environment');
  if (opts.flags) merged = deepMerge(merged, opts.flags as Plain, origin, 'flag');
  return validateConfig(merged, origin);
}
