// Validation of generated dashboards against JSON Schemas of Grafana's own types: the dashboard
// object, then each panel's options / field config and each Prometheus target.
//
// The schemas are not stored in this repository. They are generated from the TypeScript types
// that @grafana/grafana-foundation-sdk ships (`dist/<package>/types.gen.d.ts`; the SDK generates
// them from Grafana's CUE schemas, the same source as Grafana's published JSON schemas) with
// ts-json-schema-generator (a devDependency), and cached under
// node_modules/.cache/kafka-sre/grafana-schema/foundation-sdk-<version>-<hash>/ so only the first run
// after an install or an SDK upgrade pays for the generation.
//
// Two things are added when the schemas are loaded, because TypeScript cannot express them:
// - the SDK's `cog.Dataquery` marker interface (any data source's query: a panel's `targets`
//   items, an annotation's `target`) becomes an open object; Prometheus targets are checked
//   separately against the Prometheus `Dataquery` schema;
// - `constraints` below: integer types and numeric bounds of Grafana's schema (TypeScript only
//   knows `number`). The SDK's builders enforce the same bounds when they build an object.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { GeneratedDashboard } from './render.js';

type JsonSchema = Record<string, unknown>;
interface SchemaDoc {
  $schema?: string;
  $ref?: string;
  definitions: Record<string, JsonSchema>;
}

/** Which SDK packages are turned into schemas, and which of their exported types are the roots. */
const recipe: Record<string, string[]> = {
  dashboard: ['Dashboard'],
  prometheus: ['Dataquery'],
  timeseries: ['Options', 'FieldConfig'],
  stat: ['Options'],
  gauge: ['Options'],
  bargauge: ['Options'],
  table: ['Options', 'FieldConfig'],
  heatmap: ['Options', 'FieldConfig'],
  'state-timeline': ['Options', 'FieldConfig'],
  text: ['Options'],
};

/** Panel types with a schema (the recipe's other entries are the dashboard and the query). */
const panelTypes = new Set(Object.keys(recipe).filter((name) => name !== 'dashboard' && name !== 'prometheus'));

/** Schema name -> SDK package (directory under dist/). */
const sdkPackageOf: Record<string, string> = {
  dashboard: 'dashboard',
  prometheus: 'prometheus',
  timeseries: 'timeseries',
  stat: 'stat',
  gauge: 'gauge',
  bargauge: 'bargauge',
  table: 'table',
  heatmap: 'heatmap',
  'state-timeline': 'statetimeline',
  text: 'text',
};

/** ts-json-schema-generator settings: closed objects (no unknown fields), methods dropped. */
const generatorConfig = {
  expose: 'export',
  topRef: true,
  jsDoc: 'basic',
  skipTypeCheck: true,
  functions: 'hide',
  additionalProperties: false,
  sortProps: true,
  strictTuples: false,
} as const;

/** schema name -> definition -> property -> keywords that replace or add to the generated ones. */
const constraints: Record<string, Record<string, Record<string, JsonSchema>>> = {
  dashboard: {
    Dashboard: {
      id: { type: ['integer', 'null'] },
      schemaVersion: { type: 'integer' },
      version: { type: 'integer' },
      revision: { type: 'integer' },
      fiscalYearStartMonth: { type: 'integer', minimum: 0, exclusiveMaximum: 12 },
    },
    Panel: { id: { type: 'integer' }, type: { minLength: 1 } },
    RowPanel: { id: { type: 'integer' } },
    GridPos: {
      h: { type: 'integer', exclusiveMinimum: 0 },
      w: { type: 'integer', exclusiveMinimum: 0, maximum: 24 },
      x: { type: 'integer', minimum: 0, exclusiveMaximum: 24 },
      y: { type: 'integer', minimum: 0 },
    },
  },
  prometheus: { Dataquery: { intervalFactor: { type: 'integer' }, maxDataPoints: { type: 'integer' } } },
  gauge: { Options: { minVizHeight: { type: 'integer' }, minVizWidth: { type: 'integer' } } },
  bargauge: {
    Options: { minVizHeight: { type: 'integer' }, minVizWidth: { type: 'integer' }, maxVizHeight: { type: 'integer' } },
  },
  heatmap: {
    Options: { cellGap: { type: 'integer', minimum: 0, maximum: 25 } },
    HeatmapColorOptions: { steps: { type: 'integer', minimum: 2, maximum: 128 } },
  },
  'state-timeline': {
    Options: { rowHeight: { maximum: 1 }, perPage: { minimum: 1 } },
    FieldConfig: { fillOpacity: { type: 'integer', maximum: 100 }, lineWidth: { type: 'integer', maximum: 10 } },
  },
};

export interface SchemaProblem {
  dashboard: string;
  where: string;
  message: string;
}

export interface DashboardValidator {
  validate(dash: GeneratedDashboard): SchemaProblem[];
}

export interface GrafanaSchemas {
  /** schema name (`dashboard`, `prometheus` or a panel type) -> JSON Schema (draft-07). */
  schemas: Record<string, SchemaDoc>;
  /** Cache directory the schemas were read from or written to. */
  dir: string;
  /** True when read from the cache, false when generated by this call. */
  cached: boolean;
  /** Wall time of this call. */
  ms: number;
}

const require = createRequire(import.meta.url);

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version.replace(/^v/, '');
}

/** The SDK's root directory (its package.json is not exported, so go up from an entry point). */
function sdkRoot(): string {
  return join(dirname(require.resolve('@grafana/grafana-foundation-sdk/dashboard')), '..', '..');
}

function optionalPackageVersion(name: string): string {
  try {
    return packageVersion(dirname(require.resolve(`${name}/package.json`)));
  } catch {
    return 'missing';
  }
}

/** The cache directory for the installed SDK, generator and TypeScript versions and this recipe. */
export function schemaCacheDir(): string {
  const sdk = sdkRoot();
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        recipe,
        sdkPackageOf,
        generatorConfig,
        generator: optionalPackageVersion('ts-json-schema-generator'),
        typescript: optionalPackageVersion('typescript'),
      }),
    )
    .digest('hex')
    .slice(0, 12);
  return join(sdk, '..', '..', '.cache', 'kafka-sre', 'grafana-schema', `foundation-sdk-${packageVersion(sdk)}-${key}`);
}

/** Generates the JSON Schemas from the SDK's .d.ts files: one TypeScript program for all of them. */
async function generate(sdk: string): Promise<Record<string, SchemaDoc>> {
  let tsj: typeof import('ts-json-schema-generator');
  let ts: typeof import('typescript');
  try {
    tsj = await import('ts-json-schema-generator');
    ts = (await import('typescript')).default;
  } catch (e) {
    throw new Error(
      `Generating Grafana's JSON schemas needs the devDependencies ts-json-schema-generator and typescript (npm ci): ${(e as Error).message}`,
    );
  }
  const fileOf = (name: string) => join(sdk, 'dist', sdkPackageOf[name], 'types.gen.d.ts');
  const files = Object.keys(recipe).map(fileOf);
  for (const f of files)
    if (!existsSync(f))
      throw new Error(
        `${f} is missing: the installed @grafana/grafana-foundation-sdk does not ship the types this check needs`,
      );
  const config = {
    ...tsj.DEFAULT_CONFIG,
    ...generatorConfig,
    path: `${join(sdk, 'dist')}/{${[...new Set(Object.values(sdkPackageOf))].join(',')}}/types.gen.d.ts`,
  };
  const program = tsj.createProgram(config);
  const generator = new tsj.SchemaGenerator(
    program,
    tsj.createParser(program, config),
    tsj.createFormatter(config),
    config,
  );
  const out: Record<string, SchemaDoc> = {};
  for (const [name, types] of Object.entries(recipe)) {
    const source = program.getSourceFile(fileOf(name));
    if (!source) throw new Error(`TypeScript did not load ${fileOf(name)}`);
    const nodes = types.map((t) => {
      const node = source.statements.find(
        (s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === t,
      );
      if (!node) throw new Error(`${fileOf(name)} has no exported type ${t}`);
      return node;
    });
    out[name] = generator.createSchemaFromNodes(nodes) as SchemaDoc;
  }
  return out;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Grafana's JSON Schemas for the dashboard, the Prometheus query and each panel type used here,
 * from the cache when present, else generated (and cached; an unwritable cache only costs time).
 */
export async function grafanaSchemas(opts: { cacheDir?: string } = {}): Promise<GrafanaSchemas> {
  const started = Date.now();
  const sdk = sdkRoot();
  const dir = opts.cacheDir ?? schemaCacheDir();
  const fileOf = (name: string) => join(dir, `${name}.schema.json`);
  const complete = join(dir, 'complete.json');
  if (existsSync(complete)) {
    const schemas = Object.fromEntries(
      Object.keys(recipe).map((name) => [name, JSON.parse(readFileSync(fileOf(name), 'utf8')) as SchemaDoc]),
    );
    return { schemas, dir, cached: true, ms: Date.now() - started };
  }
  const schemas = await generate(sdk);
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, schema] of Object.entries(schemas))
      writeAtomically(fileOf(name), JSON.stringify(schema, null, 1) + '\n');
    writeAtomically(
      complete,
      JSON.stringify(
        { sdkVersion: packageVersion(sdk), generatedMs: Date.now() - started, schemas: Object.keys(schemas) },
        null,
        1,
      ) + '\n',
    );
  } catch (e) {
    process.emitWarning(`Grafana JSON schemas not cached in ${dir}: ${(e as Error).message}`);
  }
  return { schemas, dir, cached: false, ms: Date.now() - started };
}

/** The generated schemas plus what TypeScript cannot express (see the file comment). */
function tightened(name: string, doc: SchemaDoc): SchemaDoc {
  const copy = structuredClone(doc);
  const defs = copy.definitions;
  if (name === 'dashboard') {
    const marker = defs.Dataquery;
    if (!marker || Object.keys((marker.properties as object | undefined) ?? {}).length > 0)
      throw new Error("dashboard schema: expected the SDK's cog.Dataquery marker interface as definition Dataquery");
    defs.Dataquery = {
      type: 'object',
      description: 'A query of any data source (Prometheus targets are checked against the prometheus schema).',
    };
  }
  for (const [def, props] of Object.entries(constraints[name] ?? {})) {
    for (const [prop, keywords] of Object.entries(props)) {
      const target = (defs[def]?.properties as Record<string, JsonSchema> | undefined)?.[prop];
      // Fails loudly when an SDK upgrade renames a field, rather than dropping the constraint.
      if (!target) throw new Error(`${name} schema: no property ${def}.${prop} to constrain`);
      Object.assign(target, keywords);
    }
  }
  return copy;
}

export function loadValidator(schemas: Record<string, SchemaDoc>): DashboardValidator {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  for (const name of Object.keys(recipe)) {
    if (!schemas[name]) throw new Error(`no ${name} schema`);
    ajv.addSchema(tightened(name, schemas[name]), name);
  }
  const compiled = new Map<string, ValidateFunction>();
  const compile = (ref: string): ValidateFunction | undefined => {
    if (!compiled.has(ref)) {
      const [file, pointer] = ref.split('#');
      const schema = ajv.getSchema(file)?.schema as { definitions?: Record<string, unknown> } | undefined;
      const def = pointer.split('/').pop() ?? '';
      if (!schema?.definitions?.[def]) return undefined;
      compiled.set(ref, ajv.compile({ $ref: ref }));
    }
    return compiled.get(ref);
  };
  const dashboardFn = ajv.getSchema('dashboard');
  if (!dashboardFn) throw new Error('dashboard schema did not compile');

  return {
    validate(dash) {
      const problems: SchemaProblem[] = [];
      const check = (fn: ValidateFunction | undefined, data: unknown, where: string) => {
        if (fn && !fn(data))
          for (const e of fn.errors ?? [])
            problems.push({
              dashboard: dash.uid,
              where: `${where}${e.instancePath}`,
              message: `${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`,
            });
      };
      check(dashboardFn, dash, 'dashboard');
      for (const p of dash.panels ?? []) {
        if (p.type === 'row') continue;
        const panel = p as {
          id?: number;
          type: string;
          options?: unknown;
          fieldConfig?: { defaults?: { custom?: unknown } };
          targets?: unknown[];
        };
        const where = `panel ${panel.id} (${panel.type})`;
        if (!panelTypes.has(panel.type)) {
          problems.push({ dashboard: dash.uid, where, message: 'no schema for this panel type' });
          continue;
        }
        check(compile(`${panel.type}#/definitions/Options`), panel.options ?? {}, `${where} options`);
        if (panel.fieldConfig?.defaults?.custom !== undefined)
          check(
            compile(`${panel.type}#/definitions/FieldConfig`),
            panel.fieldConfig.defaults.custom,
            `${where} fieldConfig.defaults.custom`,
          );
        (panel.targets ?? []).forEach((t, i) =>
          check(compile('prometheus#/definitions/Dataquery'), t, `${where} targets[${i}]`),
        );
      }
      return problems;
    },
  };
}
