// Extract the metric names a PromQL expression reads. PromQL has no JS parser here, so this
// strips what cannot be a metric name (strings, label matchers, grouping clauses, durations,
// function calls, keywords) and keeps the remaining identifiers.
const keywords = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
  'atan2',
]);

export function metricNamesIn(expr: string): string[] {
  let s = expr;
  s = s.replace(/"(?:[^"\\]|\\.)*"/g, '""'); // string literals
  s = s.replace(/\{[^}]*\}/g, ' '); // label matchers
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  s = s.replace(/\[[^\]]*\]/g, ' '); // range and subquery durations
  s = s.replace(/\boffset\s+\w+/g, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const id = m[0];
    const rest = s.slice(m.index + id.length);
    if (/^\s*\(/.test(rest)) continue; // function call
    if (keywords.has(id.toLowerCase())) continue;
    if (/^\d/.test(id)) continue;
    // Parts of numbers like 1e3 are not identifiers; a preceding digit means a number literal.
    if (m.index > 0 && /[0-9.]/.test(s[m.index - 1])) continue;
    names.add(id);
  }
  return [...names];
}
