// How operator commands print: aligned tables for people (colour only on a TTY, never with
// NO_COLOR), or one JSON document for scripts. Commands build plain data; this module renders it.

export type OutputFormat = 'table' | 'json';

export function parseOutputFormat(value: string): OutputFormat {
  if (value === 'table' || value === 'json') return value;
  throw new Error(`${JSON.stringify(value)} is not an output format (table, json)`);
}

export type Cell = string | number | boolean | null | undefined | readonly number[];

export interface Table {
  title?: string;
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
  /** Rows (by index) to highlight as problems. */
  problemRows?: ReadonlySet<number>;
}

export interface Writer {
  write(s: string): void;
  color: boolean;
}

export function stdoutWriter(): Writer {
  return { write: (s) => process.stdout.write(s), color: process.stdout.isTTY === true && !process.env.NO_COLOR };
}

export function formatCell(c: Cell): string {
  if (c === null || c === undefined) return '-';
  if (Array.isArray(c)) return c.length === 0 ? '-' : c.join(',');
  return String(c);
}

const bold = (s: string) => `\u001b[1m${s}\u001b[0m`;
const red = (s: string) => `\u001b[31m${s}\u001b[0m`;

/** Columns padded to the widest cell; the last column is not padded (no trailing spaces). */
export function renderTable(t: Table, color = false): string {
  const cells = t.rows.map((r) => r.map(formatCell));
  const widths = t.columns.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (t.title) out.push(color ? bold(t.title) : t.title);
  const header = line(t.columns);
  out.push(color ? bold(header) : header);
  cells.forEach((r, i) => {
    const l = line(r);
    out.push(color && t.problemRows?.has(i) ? red(l) : l);
  });
  return out.join('\n') + '\n';
}

/** Key/value block ("Cluster id: ..."), aligned on the colon. */
export function renderFields(fields: readonly [string, Cell][]): string {
  const w = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${(k + ':').padEnd(w + 1)} ${formatCell(v)}`).join('\n') + '\n';
}

/** Print `data` as JSON, or the tables/blocks that `human` renders. */
export function emit(
  format: OutputFormat,
  data: unknown,
  human: (color: boolean) => string,
  w: Writer = stdoutWriter(),
): void {
  if (format === 'json') w.write(JSON.stringify(data, null, 2) + '\n');
  else w.write(human(w.color));
}
