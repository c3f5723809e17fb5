// Validation of generated dashboards against Grafana's published JSON schemas (draft-07 data
// files from the foundation SDK, kept outside this repository in ../shared/grafana-schema):
// the dashboard object, then each panel's options / field config and each Prometheus target.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { GeneratedDashboard } from './render.js';

/** Panel type -> schema file name (without .jsonschema.json). */
const panelSchemaFiles: Record<string, string> = {
  timeseries: 'timeseries',
  stat: 'stat',
  gauge: 'gauge',
  bargauge: 'bargauge',
  table: 'table',
  heatmap: 'heatmap',
  'state-timeline': 'statetimeline',
  text: 'text',
};

export interface SchemaProblem {
  dashboard: string;
  where: string;
  message: string;
}

export interface DashboardValidator {
  validate(dash: GeneratedDashboard): SchemaProblem[];
}

/** Find the schema directory: `../shared/grafana-schema` beside the repository root. */
export function findSchemaDir(repoRoot: string): string {
  const dir = join(repoRoot, '..', 'shared', 'grafana-schema');
  if (!existsSync(join(dir, 'dashboard.jsonschema.json'))) throw new Error(`Grafana JSON schemas not found in ${dir} (expected shared/grafana-schema beside the repository)`);
  return dir;
}

export function loadValidator(schemaDir: string): DashboardValidator {
  // strict: false because the published files carry annotations like x-deprecation-message.
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { 'date-time': true } });
  const load = (name: string) => {
    const schema = JSON.parse(readFileSync(join(schemaDir, `${name}.jsonschema.json`), 'utf8')) as object;
    ajv.addSchema(schema, name);
  };
  load('dashboard');
  load('prometheus');
  for (const f of new Set(Object.values(panelSchemaFiles))) load(f);
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
        if (fn && !fn(data)) for (const e of fn.errors ?? []) problems.push({ dashboard: dash.uid, where: `${where}${e.instancePath}`, message: `${e.message ?? 'invalid'} ${JSON.stringify(e.params)}` });
      };
      check(dashboardFn, dash, 'dashboard');
      for (const p of dash.panels ?? []) {
        if (p.type === 'row') continue;
        const panel = p as { id?: number; type: string; options?: unknown; fieldConfig?: { defaults?: { custom?: unknown } }; targets?: unknown[] };
        const file = panelSchemaFiles[panel.type];
        const where = `panel ${panel.id} (${panel.type})`;
        if (!file) {
          problems.push({ dashboard: dash.uid, where, message: 'no schema for this panel type' });
          continue;
        }
        check(compile(`${file}#/definitions/Options`), panel.options ?? {}, `${where} options`);
        if (panel.fieldConfig?.defaults?.custom !== undefined) check(compile(`${file}#/definitions/FieldConfig`), panel.fieldConfig.defaults.custom, `${where} fieldConfig.defaults.custom`);
        (panel.targets ?? []).forEach((t, i) => check(compile('prometheus#/definitions/Dataquery'), t, `${where} targets[${i}]`));
      }
      return problems;
    },
  };
}
