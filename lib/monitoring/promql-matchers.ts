/**
 * PromQL label matchers as a user writes them for a selector prop (`job="apiserver", cluster=~"prod-.*"`),
 * read as Prometheus reads them: a label name, an operator, a string (double- or single-quoted
 * with Go's escapes, or raw in backticks), comma-separated; written back double-quoted. A regular expression is checked as far as JavaScript can stand in
 * for RE2: what neither accepts is refused, and the RE2-only inline flags are understood.
 */

/** One matcher: `name op "value"`, its value unescaped. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OPERATOR = /^(=~|!~|!=|=)/;
/** The escapes PromQL's lexer reads in a quoted string besides the quote itself (promql/parser/lex.go, lexEscape). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};
/**
 * The numeric escapes: how many digits, their base, the largest value. A byte escape (`\x`, octal)
 * above 0x7f is half of a UTF-8 character, which label values cannot hold alone: refused.
 */
const NUMERIC_ESCAPES: Readonly<Record<string, { digits: number; base: number; max: number; skip: number }>> = {
  x: { digits: 2, base: 16, max: 0x7f, skip: 1 },
  u: { digits: 4, base: 16, max: 0x10ffff, skip: 1 },
  U: { digits: 8, base: 16, max: 0x10ffff, skip: 1 },
};

/** The matchers of `text`, or the reason it is not PromQL label matchers. */
export function parseMatchers(text: string): LabelMatcher[] | string {
  const matchers: LabelMatcher[] = [];
  let rest = text.trim();
  while (rest !== '') {
    const name = NAME.exec(rest)?.[0];
    if (!name) {
      return rest.startsWith('{')
        ? 'give the matchers without the braces around them, e.g. \'job="apiserver"\''
        : `expected a label name at '${rest}'`;
    }
    rest = rest.slice(name.length).trimStart();
    const op = OPERATOR.exec(rest)?.[0] as LabelMatcher['op'] | undefined;
    if (!op) return `expected =, !=, =~ or !~ after '${name}'`;
    rest = rest.slice(op.length).trimStart();
    const string = readString(rest);
    if (typeof string === 'string') return `the value of '${name}': ${string}`;
    matchers.push({ name, op, value: string.value });
    rest = rest.slice(string.length).trimStart();
    if (rest === '') break;
    if (!rest.startsWith(',')) return `expected ',' before '${rest}'`;
    rest = rest.slice(1).trimStart();
    if (rest === '') return 'a trailing comma';
  }
  for (const m of matchers) {
    if (m.op === '=~' || m.op === '!~') {
      const problem = regexProblem(m.value);
      if (problem) return `the regular expression of '${m.name}': ${problem}`;
    }
  }
  return matchers;
}

/**
 * A string at the start of `text`, as PromQL's lexer reads it: in double or single quotes with
 * Go's escapes (the other quote is a plain character), or raw in backticks. Its value and length,
 * or what is wrong.
 */
function readString(text: string): { value: string; length: number } | string {
  const quote = text[0];
  if (quote === '`') {
    const end = text.indexOf('`', 1);
    return end < 0 ? 'the string is not closed' : { value: text.slice(1, end), length: end + 1 };
  }
  if (quote !== '"' && quote !== "'") return 'expected a string in double quotes, single quotes or backticks';
  let value = '';
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) return { value, length: i + 1 };
    if (c === '\n') return 'a line break inside the string';
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? '';
    const numeric = NUMERIC_ESCAPES[e] ?? (/[0-7]/.test(e) ? { digits: 3, base: 8, max: 0x7f, skip: 0 } : undefined);
    if (e === quote || e in SIMPLE_ESCAPES) {
      value += e === quote ? quote : SIMPLE_ESCAPES[e];
      i += 2;
    } else if (numeric) {
      const digits = text.slice(i + 1 + numeric.skip, i + 1 + numeric.skip + numeric.digits);
      const valid = numeric.base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
      const code = parseInt(digits, numeric.base);
      if (digits.length !== numeric.digits || !valid.test(digits) || code > numeric.max || (code >= 0xd800 && code < 0xe000)) {
        return `the escape '\\${e}${digits}' is not one PromQL reads`;
      }
      value += String.fromCodePoint(code);
      i += 1 + numeric.skip + numeric.digits;
    } else {
      return `the escape '\\${e}' is not one PromQL knows (write '\\\\' for a backslash)`;
    }
  }
  return 'the string is not closed';
}

/** Why `pattern` is not a regular expression RE2 (Prometheus) would take, as far as JavaScript can tell. */
function regexProblem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookarounds are not RE2';
  if (/\\[1-9]/.test(pattern)) return 'back-references are not RE2';
  // RE2's inline flags, which JavaScript lacks: (?i), (?s), (?i:...).
  const flags = pattern.replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]+:/g, '(?:');
  try {
    new RegExp(flags);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/** The matchers written back as PromQL, each value quoted with the escapes Prometheus reads. */
export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  const quote = (value: string) =>
    '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
  return matchers.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(',');
}
