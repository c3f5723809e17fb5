// The metric names a PromQL expression reads, found without a full parser: drop string
// literals, label matchers, range/subquery brackets and grouping clauses, then every remaining
// identifier that is not a function, keyword or number is a metric name.
const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'atan2',
]);

export function metricNames(expr: string): string[] {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  const re = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const word = m[0];
    const before = s[m.index - 1] ?? '';
    const after = s.slice(m.index + word.length).trimStart();
    if (/[0-9.]/.test(before)) continue; // exponent or unit part of a number (1e3, 5m)
    if (after.startsWith('(')) continue; // function call
    if (keywords.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}
