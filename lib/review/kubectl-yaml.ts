import { defineMappingTag, defineScalarTag, defineSequenceTag, NOT_RESOLVED, Schema } from 'js-yaml';

/**
 * How kubectl reads a manifest, as a js-yaml schema. kubectl turns each YAML document into
 * JSON with sigs.k8s.io/yaml, which decodes it with go-yaml v2 (cli-runtime's StreamVisitor →
 * apimachinery's YAMLOrJSONDecoder → sigs.k8s.io/yaml → go.yaml.in/yaml/v2). The review must
 * see what the cluster receives: read as YAML 1.2, `privileged: yes` is the string "yes" and
 * passes every rule, while the cluster gets `privileged: true`.
 *
 * What follows is go-yaml v2's `resolve` (resolve.go) and its decoder's merge, checked case by
 * case against the real decoder (test/review/kubectl-yaml.test.ts runs
 * test/peers/kubectl-yaml, built from apimachinery by scripts/install-peers.sh).
 * Deliberate differences, each failing closed: a key given twice is an error (go-yaml keeps
 * the last one silently); a stream that starts with `{` is one YAML stream (kubectl splits it
 * after each closing brace and reads what follows as more documents); a file holding one of
 * `KUBECTL_LINE_BREAKS`, or a document after `...` without its own `---` (kubectl drops it), is
 * refused (see load.ts); explicit `!!timestamp` values are checked by pattern rather than by
 * Go's time parser. The other way round, a few YAML 1.2 forms that kubectl refuses are read (the
 * `\/` escape, anchor names with a dot, a tab indenting block scalar content): nothing of such a
 * file reaches the cluster anyway.
 */

/**
 * NEXT LINE, LINE SEPARATOR and PARAGRAPH SEPARATOR: line breaks to kubectl (libyaml's YAML
 * 1.1), ordinary characters to a YAML 1.2 reader such as js-yaml.
 */
export const KUBECTL_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

/** Each of `KUBECTL_LINE_BREAKS`: its name, and its escape inside double quotes (YAML 1.1 and 1.2 alike). */
export const KUBECTL_LINE_BREAK_CHARACTERS: Readonly<Record<string, { readonly name: string; readonly escape: string }>> = {
  '\u0085': { name: 'NEXT LINE (U+0085)', escape: '\\N' },
  '\u2028': { name: 'LINE SEPARATOR (U+2028)', escape: '\\L' },
  '\u2029': { name: 'PARAGRAPH SEPARATOR (U+2029)', escape: '\\P' },
};

/** What a plain scalar's first character allows it to be (go-yaml's `resolveTable`). */
const enum Hint {
  String,
  Lookup,
  Number,
  Point,
}
const HINTS: Hint[] = (() => {
  const hints = new Array<Hint>(128).fill(Hint.String);
  for (const c of '+-0123456789') hints[c.charCodeAt(0)] = Hint.Number;
  for (const c of 'yYnNtTfFoO~') hints[c.charCodeAt(0)] = Hint.Lookup;
  hints['.'.charCodeAt(0)] = Hint.Point;
  return hints;
})();

/** Stands for a plain `<<` key: the mapping merges the value instead of storing it. */
const MERGE_KEY: unique symbol = Symbol('<<');

/**
 * A private tag for the `<<` keys go-yaml merges on although they carry a tag (`! <<`,
 * `!!merge <<`): the reader points their events at this text (load.ts, `checkKubectlMerges`).
 */
export const KUBECTL_MERGE_TAG_TEXT = '!<tag:cdk8s-hardened,2026:merge-key>';

/** Plain scalars go-yaml looks up before anything else (`resolveMap`). */
const WORDS = new Map<string, unknown>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((w) => [w, null] as const),
  ...['.nan', '.NaN', '.NAN'].map((w) => [w, NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((w) => [w, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((w) => [w, -Infinity] as const),
]);

/** go-yaml's `yamlStyleFloat`, tried on the text with its underscores removed. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's `strconv.ParseFloat` accepts of a text that starts with a point (underscores only between digits). */
const POINT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;
/** Go's `strconv.ParseInt(text, 0, 64)` syntax: sign, then 0x / 0o / 0b / 0 (octal) or decimal. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|([1-9][0-9]*|0))$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A number whose text as a JSON key is not what JavaScript's `String` makes of it:
 * sigs.k8s.io/yaml writes an integer key exactly (beyond 2^53 JavaScript cannot) and a float
 * key in Go's float32 `%g` (`1e6` as "1e+06"). Only mapping keys keep the box; as a value it
 * is the plain number.
 */
class GoNumber {
  /** @param unsigned go-yaml made a uint64 of it (beyond int64), which sigs.k8s.io/yaml refuses as a key. */
  constructor(
    public readonly value: number,
    private readonly integerText?: string,
    public readonly unsigned = false,
  ) {}

  public get keyText(): string {
    return this.integerText ?? goFloat32Key(this.value);
  }
}

/**
 * Whether kubectl reads `text`, written as a plain scalar, as that very string: as a value,
 * or (`asKey`) as a mapping key. `0o17`, `1e1_0` and `0B101` are not: a writer that knows only
 * YAML 1.1 (cdk8s's) leaves them plain, and kubectl reads numbers.
 */
export function plainReadsAsItself(text: string, asKey = false): boolean {
  const value = resolveScalar(text);
  if (value === text) return true;
  // A plain `<<` merges as a key and is the text `<<` anywhere else.
  if (value === MERGE_KEY) return !asKey;
  return asKey && jsonKey(value) === text;
}

/**
 * A resolved scalar outside key position (a mapping's value, a list item, a document): a
 * boxed number is the number, and `<<` is the text `<<`.
 */
export function asValue(value: unknown): unknown {
  if (value === MERGE_KEY) return '<<';
  // A float -0 becomes the JSON -0, which kubectl's decoder reads as the integer 0.
  return value instanceof GoNumber ? value.value || 0 : value;
}

/**
 * A plain (unquoted, untagged) scalar as go-yaml v2 resolves it: a boolean, null, a number
 * (floats and large integers boxed as `GoNumber` for their key text), `MERGE_KEY`, or the
 * text itself.
 */
function resolveScalar(text: string): unknown {
  // go-yaml merges on a plain `<<` key (its decoder's isMerge); anywhere else `<<` is text,
  // which the mapping and sequence below put back.
  if (text === '<<') return MERGE_KEY;
  const hint = text === '' ? Hint.Lookup : (HINTS[text.charCodeAt(0)] ?? Hint.String);
  if (hint === Hint.String) return text;
  const word = WORDS.get(text);
  if (word !== undefined || WORDS.has(text)) return word;
  if (hint === Hint.Point) return POINT_FLOAT.test(text) ? goFloat(text.replace(/_/g, ''), text) : text;
  if (hint === Hint.Lookup) return text;
  // Timestamps (four digits and a dash first) come next in go-yaml; decoded into JSON they stay
  // text, and no timestamp reads as a number, so the checks below leave them text too.
  const plain = withoutUnderscores(text);
  const integer = goInt(plain);
  if (integer !== undefined) return integer;
  if (YAML_STYLE_FLOAT.test(plain)) return goFloat(plain, text);
  return text;
}

function withoutUnderscores(text: string): string {
  return text.includes('_') ? text.replace(/_/g, '') : text;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Go's `ParseInt(text, 0, 64)`, then `ParseUint(text, 0, 64)`: the number (boxed beyond
 * 2^53), or undefined when neither accepts the text.
 */
function goInt(text: string): number | GoNumber | undefined {
  const m = GO_INT.exec(text);
  if (!m) return undefined;
  const [, sign, hex, octal, binary, leadingZeroOctal, decimal] = m;
  const magnitude =
    hex !== undefined
      ? BigInt(`0x${hex}`)
      : octal !== undefined
        ? BigInt(`0o${octal}`)
        : binary !== undefined
          ? BigInt(`0b${binary}`)
          : leadingZeroOctal !== undefined
            ? BigInt(`0o${leadingZeroOctal}`)
            : BigInt(decimal);
  // ParseUint takes no sign: beyond int64, only an unsigned text still reads as an integer.
  const fits = sign === '-' ? magnitude <= INT64_MAX + 1n : magnitude <= INT64_MAX || (sign === '' && magnitude <= UINT64_MAX);
  if (!fits) return undefined;
  const value = sign === '-' ? -Number(magnitude) || 0 : Number(magnitude);
  return magnitude <= MAX_SAFE
    ? value
    : new GoNumber(value, `${sign === '-' ? '-' : ''}${magnitude}`, sign !== '-' && magnitude > INT64_MAX);
}

/** Go's `ParseFloat`: overflow is an error, so the text stays text. */
function goFloat(decimal: string, text: string): GoNumber | string {
  const value = Number(decimal);
  return Number.isFinite(value) ? new GoNumber(value) : text;
}

/**
 * A float key as sigs.k8s.io/yaml writes it: `strconv.FormatFloat(key, 'g', -1, 32)`, the
 * shortest digits that read back as the same float32, in `%e` form when the exponent is
 * below -4 or at least 6 (`1e+06`, `1.5e-05`); infinities (also float32 overflow) and NaN as
 * `.inf`, `-.inf`, `.nan`.
 */
function goFloat32Key(key: number): string {
  const f = Math.fround(key);
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let exponential = f.toExponential(8);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = f.toExponential(digits - 1);
    if (Math.fround(Number(candidate)) === f) {
      exponential = candidate;
      break;
    }
  }
  const [mantissa, exponentText] = exponential.split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/^-/, '').replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The kind of value a YAML 1.1 tag asks for, and whether a resolved plain value is of it. */
function explicitScalar(name: string, accepts: (value: unknown) => boolean) {
  return defineScalarTag(`tag:yaml.org,2002:${name}`, {
    // go-yaml resolves the text as if plain, then checks the result against the tag.
    resolve: (source) => {
      const value = resolveScalar(source);
      return accepts(asValue(value)) ? value : NOT_RESOLVED;
    },
    identify: () => false,
  });
}

const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2}))|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?))?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A mapping under construction: its object, and which of its keys came from a merge (those a later key may replace). */
interface MappingCarrier {
  readonly object: Record<string, unknown>;
  merged?: Set<string>;
}

/** The JSON key sigs.k8s.io/yaml makes of a YAML key, or an error message. */
function jsonKey(key: unknown): string | { error: string } {
  if (typeof key === 'string') return key;
  if (key === MERGE_KEY) return '<<';
  if (typeof key === 'boolean') return String(key);
  if (typeof key === 'number') return numberKey(key);
  if (key instanceof GoNumber)
    return key.unsigned ? { error: 'a mapping key is an integer beyond 2^63, which kubectl cannot turn into JSON' } : key.keyText;
  if (key === null) return { error: 'a mapping key is null, which kubectl cannot turn into JSON' };
  return { error: 'a mapping key is a list or a mapping, which kubectl cannot turn into JSON' };
}

/** An integer key (floats and large integers come boxed), or NaN or an infinity. */
function numberKey(key: number): string {
  return Number.isFinite(key) ? String(key) : goFloat32Key(key);
}

/** JSON has no NaN or infinity: kubectl refuses the document ("json: unsupported value"). */
function notJson(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value)
    ? `${value} (.nan or .inf) is not a JSON number, so kubectl refuses this document`
    : '';
}

function setKey(carrier: MappingCarrier, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(carrier.object, key, { value, enumerable: true, configurable: true, writable: true });
  else carrier.object[key] = value;
}

/**
 * go-yaml v2's merge: the merged mapping's keys are written over what the mapping holds so
 * far (so a `<<` after `privileged: false` can make it true), and a list of mappings is merged
 * last to first, so its first mapping wins.
 */
function merge(carrier: MappingCarrier, source: unknown): string {
  const sources = Array.isArray(source) ? [...source].reverse() : [source];
  for (const one of sources) {
    if (one === null || typeof one !== 'object' || Array.isArray(one))
      return 'a merge (<<) needs a mapping or a list of mappings as its value';
    for (const key of Object.keys(one)) {
      setKey(carrier, key, (one as Record<string, unknown>)[key]);
      (carrier.merged ??= new Set()).add(key);
    }
  }
  return '';
}

/** Any mapping, whatever its tag (go-yaml ignores tags on mappings when decoding into JSON). */
const mapping = (tagName: string, matchByTagPrefix = false) =>
  defineMappingTag<MappingCarrier, Record<string, unknown>>(tagName, {
    matchByTagPrefix,
    create: () => ({ object: {} }),
    addPair: (carrier, key, value) => {
      if (key === MERGE_KEY) return merge(carrier, value);
      const name = jsonKey(key);
      if (typeof name !== 'string') return name.error;
      const plain = asValue(value);
      const problem = notJson(plain);
      if (problem) return problem;
      setKey(carrier, name, plain);
      carrier.merged?.delete(name);
      return '';
    },
    // A key merged in may be given again; a key given twice is an error (go-yaml would keep the last silently).
    has: (carrier, key) => {
      if (key === MERGE_KEY) return false;
      const name = jsonKey(key);
      return typeof name === 'string' && Object.prototype.hasOwnProperty.call(carrier.object, name) && !carrier.merged?.has(name);
    },
    keys: (object) => Object.keys(object),
    get: (object, key) => object[String(key)],
    finalize: (carrier) => carrier.object,
    identify: () => false,
  });

/** Any sequence, whatever its tag (`!!omap` and `!!pairs` read as the plain list, as in go-yaml). */
const sequence = (tagName: string, matchByTagPrefix = false) =>
  defineSequenceTag<unknown[]>(tagName, {
    matchByTagPrefix,
    create: () => [],
    addItem: (list, item) => {
      const plain = asValue(item);
      return notJson(plain) || (list.push(plain), '');
    },
    identify: () => false,
  });

/** The schema that reads as kubectl reads. */
export const KUBECTL_SCHEMA = new Schema([
  defineScalarTag('tag:yaml.org,2002:str', { resolve: (source) => source, identify: () => false }),
  // Every plain scalar goes through go-yaml's resolution.
  defineScalarTag('tag:cdk8s-hardened,2026:kubectl-plain', { implicit: true, resolve: resolveScalar, identify: () => false }),
  explicitScalar('null', (value) => value === null),
  explicitScalar('bool', (value) => typeof value === 'boolean'),
  // Only what resolves to an integer: `!!int 1.0` is an error, as in go-yaml.
  defineScalarTag('tag:yaml.org,2002:int', {
    resolve: (source) => {
      if (WORDS.has(source) || HINTS[source.charCodeAt(0)] !== Hint.Number) return NOT_RESOLVED;
      return goInt(withoutUnderscores(source)) ?? NOT_RESOLVED;
    },
    identify: () => false,
  }),
  // go-yaml accepts an integer under !!float.
  explicitScalar('float', (value) => typeof value === 'number'),
  defineScalarTag('tag:yaml.org,2002:timestamp', {
    resolve: (source) => (TIMESTAMP.test(source) ? source : NOT_RESOLVED),
    identify: () => false,
  }),
  // go-yaml decodes !!binary (standard base64, line breaks ignored) into the text of its bytes.
  defineScalarTag('tag:yaml.org,2002:binary', {
    resolve: (source) => {
      const base64 = source.replace(/[\r\n]/g, '');
      return BASE64.test(base64) ? Buffer.from(base64, 'base64').toString('utf8') : NOT_RESOLVED;
    },
    identify: () => false,
  }),
  defineScalarTag('tag:cdk8s-hardened,2026:merge-key', { resolve: () => MERGE_KEY, identify: () => false }),
  // Any other tag on a scalar (`!foo bar`, `!!merge`...) leaves its text, as go-yaml does.
  defineScalarTag('', { matchByTagPrefix: true, resolve: (source) => source, identify: () => false }),
  mapping('tag:yaml.org,2002:map'),
  mapping('', true),
  sequence('tag:yaml.org,2002:seq'),
  sequence('', true),
]);
