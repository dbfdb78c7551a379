/**
 * PromQL label matchers as a user writes them for a selector prop (`job="apiserver", cluster=~"prod-.*"`),
 * read as Prometheus reads them: a label name, an operator, a string (double- or single-quoted
 * with Go's escapes, or raw in backticks), comma-separated; written back double-quoted. A regular
 * expression is checked by Go's regexp/syntax rules (see regexProblem).
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

/** The longest regular expression a selector may hold. */
const MAX_REGEX_LENGTH = 512;
/** The most a counted repetition may repeat, nested ones multiplied (Go's regexp/syntax, which Prometheus uses). */
const MAX_REPEAT = 1000;
/** Unicode general categories Go knows (`\pL`, `\p{Lu}`); scripts are not accepted here (JavaScript's names differ). */
const UNICODE_CATEGORIES = new Set(
  'Any C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);
const POSIX_CLASSES = new Set('alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit'.split(' '));

/**
 * Why `pattern` is not a regular expression Prometheus takes, or undefined. Go's regexp/syntax
 * (RE2's syntax) is checked by its own rules where JavaScript would accept more: the escapes it
 * knows (no `\Z`, `\cA`, `\u0041`, `\1`...), counted repetitions of at most 1000 (nested ones
 * multiplied), groups (no lookarounds), POSIX classes and Unicode categories by name. What Go
 * alone knows is rewritten into a JavaScript stand-in that JavaScript then compiles, which finds
 * unbalanced groups, repetitions of nothing, ranges out of order and the like. Stricter than Go in
 * a few corners (Unicode scripts), never looser: test/monitoring/promtool.test.ts compares it with
 * Prometheus' own parser on hand-written and random expressions.
 */
function regexProblem(pattern: string): string | undefined {
  // Go limits nesting (1000) and program size: a selector needs neither, so its length is capped well below both.
  if (pattern.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters`;
  const scanned = scanRe2(pattern);
  if (typeof scanned === 'string') return scanned;
  try {
    new RegExp(scanned.javaScript);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: (\/.*\/: )?/, '');
  }
}

/** An escape read by Go's rules: its length, a JavaScript stand-in, and its code point when it is one character. */
interface Re2Escape {
  readonly length: number;
  readonly javaScript: string;
  readonly code?: number;
}

/** A code point as JavaScript's RegExp (without the u flag) reads it: one UTF-16 unit, characters beyond the BMP as U+FFFF. */
const javaScriptChar = (code: number) => `\\u${Math.min(code, 0xffff).toString(16).padStart(4, '0')}`;

const SIMPLE_REGEX_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };

/** One escape after a backslash at `pattern[i]` (the backslash), by Go's rules, or what is wrong. */
function re2Escape(pattern: string, i: number, inClass: boolean): Re2Escape | string {
  const e = pattern[i + 1] ?? '';
  const bad = `the escape '\\${e}' is not one Prometheus' regular expressions (RE2) know`;
  if (e === '') return 'a trailing backslash';
  const literal = (length: number, code: number) => ({ length, javaScript: javaScriptChar(code), code });
  if (/[^0-9A-Za-z]/.test(e) && e.charCodeAt(0) < 0x80) return { length: 2, javaScript: `\\${e}`, code: e.charCodeAt(0) }; // escaped punctuation
  if (e in SIMPLE_REGEX_ESCAPES) return literal(2, SIMPLE_REGEX_ESCAPES[e]);
  if ('dDsSwW'.includes(e)) return { length: 2, javaScript: `\\${e}` };
  if (!inClass && 'bB'.includes(e)) return { length: 2, javaScript: `(?:\\${e})` };
  if (!inClass && e === 'A') return { length: 2, javaScript: '(?:^)' };
  if (!inClass && e === 'z') return { length: 2, javaScript: '(?:$)' };
  if (e === '0' || (/[1-7]/.test(e) && /[0-7]/.test(pattern[i + 2] ?? ''))) {
    const digits = e + /^[0-7]{0,2}/.exec(pattern.slice(i + 2))![0];
    return literal(1 + digits.length, parseInt(digits, 8));
  }
  if (e === 'x') {
    const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(pattern.slice(i + 2));
    if (braced) return parseInt(braced[1], 16) <= 0x10ffff ? literal(2 + braced[0].length, parseInt(braced[1], 16)) : bad;
    const two = /^[0-9A-Fa-f]{2}/.exec(pattern.slice(i + 2));
    return two ? literal(4, parseInt(two[0], 16)) : bad;
  }
  if (e === 'p' || e === 'P') {
    const named = /^(?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(pattern.slice(i + 2));
    const name = named?.[2] ?? named?.[3];
    if (!named || !UNICODE_CATEGORIES.has(name!)) {
      return `'\\${e}${named?.[0] ?? ''}' is not a Unicode category Go knows (L, Lu, N, P, Z, ...; scripts are not accepted here)`;
    }
    return { length: 2 + named[0].length, javaScript: '\\w' };
  }
  return bad;
}

/**
 * One item of a character class at `pattern[i]`, by Go's rules (regexp/syntax parseClass): a
 * POSIX class, a class escape (\d, \pL), or one character, possibly escaped. `code` is undefined
 * for a class. `rangeEnd`: the item after a '-', where Go reads one character only ('[' included).
 */
function re2ClassItem(pattern: string, i: number, rangeEnd: boolean): Re2Escape | string {
  const posixEnd = pattern.indexOf(':]', i + 2);
  if (!rangeEnd && pattern.startsWith('[:', i) && posixEnd > 0) {
    const name = pattern.slice(i + 2, posixEnd).replace(/^\^/, '');
    if (!POSIX_CLASSES.has(name)) return `'[:${name}:]' is not a POSIX class RE2 knows`;
    return { length: posixEnd + 2 - i, javaScript: '\\w' };
  }
  if (pattern[i] === '\\') {
    if (pattern[i + 1] === 'Q') return "'\\Q' inside a character class is not RE2";
    const escape = re2Escape(pattern, i, true);
    if (typeof escape !== 'string' && rangeEnd && escape.code === undefined) {
      return `a range in a character class cannot end in '${pattern.slice(i, i + escape.length)}'`;
    }
    return escape;
  }
  const code = pattern.codePointAt(i)!;
  const char = String.fromCodePoint(code);
  return { length: char.length, javaScript: char === '[' ? '\\[' : char, code };
}

/**
 * Go's own refusals, which JavaScript's RegExp would not find (escapes, repetition counts, groups,
 * class names), and the expression rewritten for JavaScript: what only Go knows (\Q...\E, \A, \z,
 * \pL, \x{41}, octal, named groups, inline flags, [:alpha:]) stood in for by what JavaScript reads alike
 * for the check, assertions wrapped in groups (Go repeats them, JavaScript refuses to).
 */
function scanRe2(pattern: string): { javaScript: string } | string {
  // Per open group, the largest repetition product inside it; `last` is the weight of the latest atom.
  const groups: number[] = [1];
  // Where, in the JavaScript stand-in, the latest atom starts (a group's opening for a group), and each open group's.
  let atomStart: number | undefined;
  const groupStarts: number[] = [];
  let last: number | undefined;
  // Whether the latest token was a repetition ('lazy': its '?' too): Go refuses a repetition of one ('a**', 'a{2}{3}').
  let repeated: 'no' | 'yes' | 'lazy' = 'no';
  let javaScript = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const before: 'no' | 'yes' | 'lazy' = repeated;
    repeated = 'no';
    if (pattern.startsWith('\\Q', i)) {
      const end = pattern.indexOf('\\E', i + 2);
      const text = pattern.slice(i + 2, end < 0 ? pattern.length : end);
      i = end < 0 ? pattern.length : end + 2;
      // An empty \Q\E is no atom: what follows repeats the atom before it, as in Go.
      if (text) {
        javaScript += text.replace(/[^A-Za-z0-9]/g, 'a');
        atomStart = javaScript.length - 1;
        last = 1;
      } else if (before !== 'no' && atomStart !== undefined) {
        // Go repeats the repetition again ('a{2}\Q\E{3}' is a{2} three times); JavaScript needs a group for it.
        javaScript = `${javaScript.slice(0, atomStart)}(?:${javaScript.slice(atomStart)})`;
      }
    } else if (c === '\\') {
      const escape = re2Escape(pattern, i, false);
      if (typeof escape === 'string') return escape;
      atomStart = javaScript.length;
      javaScript += escape.javaScript;
      i += escape.length;
      last = 1;
    } else if (c === '[') {
      // A class: a leading '^' and ']' are literal; each item checked, each range's ends in order.
      atomStart = javaScript.length;
      javaScript += '[';
      i++;
      if (pattern[i] === '^') {
        javaScript += '^';
        i++;
      }
      let first = true;
      while (i < pattern.length && (pattern[i] !== ']' || first)) {
        first = false;
        const lo = pattern[i] === ']' ? { length: 1, javaScript: '\\]', code: 0x5d } : re2ClassItem(pattern, i, false);
        if (typeof lo === 'string') return lo;
        i += lo.length;
        if (lo.code !== undefined && pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
          const hi = re2ClassItem(pattern, i + 1, true);
          if (typeof hi === 'string') return hi;
          if (hi.code! < lo.code)
            return `the range '${pattern.slice(i - lo.length, i + 1 + hi.length)}' in a character class is out of order`;
          i += 1 + hi.length;
          javaScript += `${javaScriptChar(lo.code)}-${javaScriptChar(hi.code!)}`;
        } else {
          javaScript += lo.javaScript;
        }
      }
      if (i >= pattern.length) return 'a character class is not closed';
      javaScript += ']';
      i++;
      last = 1;
    } else if (c === '(') {
      // Groups RE2 knows: plain, (?:...), named, and inline flags; no lookarounds, comments or (?x).
      const opening = /^\((?:\?(?::|P?<[A-Za-z_][A-Za-z0-9_]*>|[imsU]*(?:-[imsU]+)?[:)]))?/.exec(pattern.slice(i))![0];
      if (opening === '(' && pattern[i + 1] === '?') {
        return /^\(\?<?[=!]/.test(pattern.slice(i)) ? 'lookarounds are not RE2' : `the group '${pattern.slice(i, i + 4)}' is not RE2`;
      }
      i += opening.length;
      if (opening.endsWith(')')) continue; // flags alone: no group, nothing to repeat
      groups.push(1);
      groupStarts.push(javaScript.length);
      javaScript += '(?:';
      last = undefined;
    } else if (c === ')') {
      const inner = groups.length > 1 ? groups.pop()! : 1;
      groups[groups.length - 1] = Math.max(groups[groups.length - 1], inner);
      atomStart = groupStarts.pop();
      javaScript += ')';
      last = inner;
      i++;
    } else if (c === '{' && /^\{(\d+)(?:(,)(\d*))?\}/.test(pattern.slice(i))) {
      const repeat = /^\{(\d+)(?:(,)(\d*))?\}/.exec(pattern.slice(i))!;
      if (before !== 'no') return `the repetition '${repeat[0]}' repeats a repetition, which RE2 refuses`;
      repeated = 'yes';
      const min = Number(repeat[1]);
      const max = repeat[3] ? Number(repeat[3]) : repeat[2] ? -1 : min;
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
        return `the repetition '${repeat[0]}' is not RE2 (at most ${MAX_REPEAT})`;
      }
      const weight = (last ?? 1) * (max >= 0 ? max : min);
      if (weight > MAX_REPEAT) {
        return `the repetition '${repeat[0]}' repeats more than ${MAX_REPEAT} times with the repetitions inside it, which RE2 refuses`;
      }
      groups[groups.length - 1] = Math.max(groups[groups.length - 1], weight);
      javaScript += repeat[0];
      last = weight;
      i += repeat[0].length;
    } else {
      if (!'*+?|'.includes(c)) atomStart = javaScript.length;
      if (c === '^' || c === '$') javaScript += `(?:${c})`;
      else if (c === '{' || c === '}') javaScript += `\\${c}`;
      else javaScript += c;
      if (c === '|') last = undefined;
      else if (!'*+?'.includes(c)) last = 1;
      else if (c === '?' && before === 'yes') repeated = 'lazy';
      else if (before !== 'no') return `the repetition '${c}' repeats a repetition, which RE2 refuses`;
      else repeated = 'yes';
      i++;
    }
  }
  return { javaScript };
}

/** Label values a target's series may carry, to tell a negative matcher that leaves out every value. */
const SAMPLE_VALUES = ['a', 'Z', '0', 'apiserver', 'kubelet', 'kube-system', '10.0.0.1:6443', 'https', 'prod-eu-1'];

/**
 * Whether a matcher keeps only series without the label: a positive one (`=`, `=~`) that matches
 * the empty value (`code=""` keeps only series that lack `code`), or a negative one (`!~`) that
 * leaves out every value a series may carry (`job!~".+"`). Either silences whatever reads series
 * with the label. (`=~".*"`, which keeps every series, is not such a matcher.)
 */
export function selectsMissingLabel(matcher: LabelMatcher): boolean {
  if (matcher.op === '=') return matcher.value === '';
  if (matcher.op === '!=') return false;
  const scanned = scanRe2(matcher.value);
  if (typeof scanned === 'string') return false;
  const matches = (value: string) => new RegExp(`^(?:${scanned.javaScript})$`).test(value);
  if (matcher.op === '=~') return matcher.value !== '.*' && matches('');
  return SAMPLE_VALUES.every(matches);
}

/** The matchers written back as PromQL, each value quoted with the escapes Prometheus reads. */
export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  const quote = (value: string) =>
    '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
  return matchers.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(',');
}
