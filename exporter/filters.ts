// Topic and group allow/deny filters. Applied before any request is sent (a denied topic is
// never asked for offsets; a denied group is never described) and therefore to every series.
// Semantics: a name passes when it matches at least one allow pattern (an empty allow list
// allows everything) and no deny pattern. Patterns are anchored regular expressions. The filters
// are handed to the cluster client as parameters (kafka-client's CollectFilters).
import type { NameFilter } from '../kafka-client/index.js';

export interface FilterSpec {
  allow?: readonly string[];
  deny?: readonly string[];
}

function compile(patterns: readonly string[] | undefined, what: string): RegExp[] {
  return (patterns ?? []).map((p) => {
    try {
      return new RegExp(`^(?:${p})$`);
    } catch (e) {
      throw new Error(`${what}: ${JSON.stringify(p)} is not a valid regular expression: ${(e as Error).message}`);
    }
  });
}

export function nameFilter(spec: FilterSpec, what = 'filter'): NameFilter {
  const allow = compile(spec.allow, `${what}.allow`);
  const deny = compile(spec.deny, `${what}.deny`);
  return (name) => (allow.length === 0 || allow.some((r) => r.test(name))) && !deny.some((r) => r.test(name));
}

/**
 * A name passes when any pattern matches; no patterns match nothing. For lists that pick out a
 * few names (exporter.readCommittedGroups), where an empty allow list's "everything" would be wrong.
 */
export function anyOf(patterns: readonly string[], what = 'patterns'): NameFilter {
  const res = compile(patterns, what);
  return (name) => res.some((r) => r.test(name));
}
