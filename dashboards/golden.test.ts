// Golden files (sloth-style in/out): the dashboards' shape and every query they send. A change
// to a panel or a query shows up as a reviewable diff. Refresh with UPDATE_GOLDEN=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardQueries } from './queries.js';
import { generateDashboards } from './registry.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

function shape(): string {
  const lines: string[] = [];
  for (const d of generateDashboards()) {
    lines.push(`# ${d.uid}: ${d.title}`);
    lines.push(`variables: ${(d.templating.list ?? []).map((v) => v.name).join(', ')}`);
    lines.push(`annotations: ${(d.annotations.list ?? []).map((a) => a.name).join(', ')}`);
    for (const p of d.panels) {
      const panel = p as typeof p & {
        fieldConfig?: { defaults?: { unit?: string } };
        targets?: unknown[];
        links?: { title: string }[];
      };
      if (p.type === 'row') {
        lines.push(`## ${p.title}`);
        continue;
      }
      const g = p.gridPos!;
      const links = (panel.links ?? [])
        .map((l) => l.title.replace('Runbook: ', 'rb:').replace(/^Open /, '->'))
        .join(' ');
      lines.push(
        `${String(p.id).padStart(2)} ${p.type.padEnd(14)} ${`${g.x},${g.y} ${g.w}x${g.h}`.padEnd(10)} ${p.title} [${panel.fieldConfig?.defaults?.unit ?? '-'}] q=${(panel.targets ?? []).length}${links ? ` ${links}` : ''}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

function queries(): string {
  return (
    dashboardQueries()
      .map((q) => `${q.dashboard} | ${q.source}${q.faultOnly ? ' | fault-only' : ''}\n  ${q.expr}`)
      .join('\n') + '\n'
  );
}

for (const [file, render] of [
  ['shape.golden.txt', shape],
  ['queries.golden.txt', queries],
] as const) {
  test(`The generated dashboards match testdata/${file}.`, () => {
    const got = render();
    const path = join(dir, file);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, got);
    assert.equal(
      got,
      readFileSync(path, 'utf8'),
      `run UPDATE_GOLDEN=1 node scripts/run-tests.mjs dashboards/golden to accept the change`,
    );
  });
}
