// The metric names a PromQL expression reads, found without a full parser (PromQL has no JS
// parser here): drop string literals, label matchers, grouping clauses, range/subquery brackets
// and offset durations, then every remaining identifier that is not a function call, keyword or
// part of a number is a metric name. Alerts validate rule expressions with it against the metric
// catalog; dashboards check panel queries the same way. Pure module: no imports, no I/O.
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
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""'); // string literals ("", '' and ``)
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
    // Parts of numbers like 1e3 or 5m are not identifiers; a preceding digit means a number literal.
    if (m.index > 0 && /[0-9.]/.test(s[m.index - 1])) continue;
    names.add(id);
  }
  return [...names];
}
