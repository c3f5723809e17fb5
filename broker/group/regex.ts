// SubscribedTopicRegex of KIP-848 consumer groups. Kafka evaluates it with Google RE2/J and matches
// the whole topic name; librdkafka passes the user's pattern through unchanged. This translates
// the subset JavaScript's RegExp means the same way, and rejects the rest (the caller answers
// INVALID_REGULAR_EXPRESSION) rather than silently matching something else:
// - accepted: literals, escapes, classes, groups, alternation, quantifiers (greedy and lazy),
//   anchors ^ $, \d \w \s \b, a leading (?i) / (?s) flag group, (?P<name>...) named groups,
//   \A and \z anchors, \Q...\E quoting, [[:alpha:]]-style POSIX classes.
// - rejected: look-around and back-references (RE2 has neither), inline flags other than at the
//   start, and anything JavaScript itself cannot compile.

const POSIX: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};

export class InvalidRegexError extends Error {}

function escapeLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The JavaScript RegExp matching exactly what the RE2/J pattern fully matches. */
export function translateRe2(pattern: string): RegExp {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([is]+)\)/.exec(src);
  if (lead) {
    flags = [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new InvalidRegexError('trailing backslash');
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += escapeLiteral(lit);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (n === 'A') out += '^';
      else if (n === 'z') out += '$';
      else if (/[1-9]/.test(n)) throw new InvalidRegexError('back-references are not supported');
      else if (n === 'p' || n === 'P' || n === 'C' || n === 'Z') throw new InvalidRegexError(`\\${n} is not supported`);
      else out += c + n;
      i += 1;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 2;
        continue;
      }
      const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += 1 + named[0].length;
        continue;
      }
      throw new InvalidRegexError(`unsupported group construct at ${i}`);
    }
    if (c === '[' && src[i + 1] === '[' && src[i + 2] === ':') {
      // A class made only of one POSIX class: [[:alpha:]]
      const m = /^\[\[:(\^?)([a-z]+):\]\]/.exec(src.slice(i));
      if (!m || !POSIX[m[2]]) throw new InvalidRegexError(`unsupported character class at ${i}`);
      out += `[${m[1]}${POSIX[m[2]]}]`;
      i += m[0].length - 1;
      continue;
    }
    if (c === '[') {
      // Copy a character class verbatim (escapes included); POSIX classes inside are translated.
      let j = i + 1;
      let cls = '[';
      if (src[j] === '^') cls += src[j++];
      if (src[j] === ']') cls += '\\' + src[j++];
      for (; j < src.length && src[j] !== ']'; j++) {
        if (src[j] === '\\') {
          cls += src[j] + (src[j + 1] ?? '');
          j += 1;
        } else if (src.startsWith('[:', j)) {
          const m = /^\[:([a-z]+):\]/.exec(src.slice(j));
          if (!m || !POSIX[m[1]]) throw new InvalidRegexError(`unsupported character class at ${j}`);
          cls += POSIX[m[1]];
          j += m[0].length - 1;
        } else if (src[j] === '[') cls += '\\[';
        else cls += src[j];
      }
      if (j >= src.length) throw new InvalidRegexError('unterminated character class');
      out += cls + ']';
      i = j;
      continue;
    }
    out += c;
  }
  try {
    return new RegExp(`^(?:${out})$`, flags);
  } catch (e) {
    throw new InvalidRegexError((e as Error).message);
  }
}
