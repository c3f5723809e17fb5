// How the launcher passes on what its broker nodes print. Nodes log JSON lines (their stderr is a
// pipe); on a terminal the launcher turns each into the same readable line its own logger prints,
// prefixed with the node, and passes JSON through unchanged everywhere else (files, CI, log shippers).
import { prettyFactory } from 'pino-pretty';

export type NodeLineFormatter = (nodeId: number, line: string) => string;

/** `[broker N] <line>` as printed; JSON lines made readable when `pretty`. */
export function nodeLineFormatter(pretty: boolean): NodeLineFormatter {
  if (!pretty) return (id, line) => `[broker ${id}] ${line}`;
  const format = prettyFactory({
    colorize: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,component,node',
    singleLine: true,
  });
  return (id, line) => {
    if (!line.startsWith('{')) return `[broker ${id}] ${line}`;
    try {
      return `[broker ${id}] ${format(JSON.parse(line) as object).trimEnd()}`;
    } catch {
      return `[broker ${id}] ${line}`;
    }
  };
}
