/**
 * PromQL label matchers as a user writes them for a selector prop (`job="apiserver", cluster=~"prod-.*"`),
 * read as Prometheus reads them: a label name, an operator, a double-quoted string with Go's
 * escapes, comma-separated. A regular expression is checked as far as JavaScript can stand in
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
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** The matchers of `text`, or the reason it is not PromQL label matchers. */
export function parseMatchers(text: string): LabelMatcher[] | string {
  const matchers: LabelMatcher[] = [];
  let rest = text.trim();
  while (rest !== '') {
    const name = NAME.exec(rest)?.[0];
    if (!name) return `expected a label name at '${rest}'`;
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

/** A double-quoted string at the start of `text`: its value and length, or what is wrong. */
function readString(text: string): { value: string; length: number } | string {
  if (!text.startsWith('"')) return 'expected a double-quoted string';
  let value = '';
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value, length: i + 1 };
    if (c === '\n') return 'a line break inside the string';
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? '';
    if (e in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      value += String.fromCodePoint(parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (/^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
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
