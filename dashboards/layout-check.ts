// Structural checks Grafana does not enforce on import but users notice: duplicate panel ids
// (edits go to the wrong panel) and overlapping grid positions (panels drawn on top of each other).
import type { GeneratedDashboard } from './render.js';

interface Box {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function layoutProblems(dash: GeneratedDashboard): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  const boxes: Box[] = [];
  for (const p of dash.panels) {
    if (p.id === undefined || p.id === null) {
      problems.push(`panel "${p.title ?? ''}" has no id`);
      continue;
    }
    if (seen.has(p.id)) problems.push(`panel id ${p.id} is used twice`);
    seen.add(p.id);
    const g = p.gridPos;
    if (!g) {
      problems.push(`panel ${p.id} has no gridPos`);
      continue;
    }
    if (g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.y < 0 || g.h < 1)
      problems.push(`panel ${p.id} lies outside the 24-column grid: ${JSON.stringify(g)}`);
    boxes.push({ id: p.id, ...g });
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
        problems.push(`panels ${a.id} and ${b.id} overlap`);
    }
  }
  return problems;
}
