import { Document, Tags, visit } from 'yaml';
import { KUBECTL_LINE_BREAK_CHARACTERS, KUBECTL_LINE_BREAKS, plainReadsAsItself } from '../review/kubectl-yaml';

/**
 * How cdk8s writes a manifest document, and whether the review gate may judge the document
 * in memory instead of parsing the written YAML back.
 *
 * Writing: `stringifyForKubectl(doc)`, which is cdk8s's `Yaml.stringify(doc)` byte for byte
 * except that it quotes the strings kubectl would read as something else (cdk8s writes YAML
 * 1.1, which leaves `0o17` or `1e1_0` plain; kubectl reads them as numbers). `ManifestYaml`
 * writes the same, several times faster for the documents cdk8s produces (plain objects of
 * plain objects, arrays and one-line scalars). cdk8s serializes with a general YAML library that builds a node tree per document and
 * decides the style of every scalar anew; on a large app that was most of synth. Manifests
 * use a small part of YAML: block maps and sequences (two spaces, sequences indented under
 * their key), `{}` and `[]` for empty ones, and scalars on one line. `ManifestYaml` writes
 * that part directly:
 *
 * - The layout is fixed; it is checked against `stringifyForKubectl` on a sample with every
 *   shape the first time it is used, and on any difference everything goes to `stringifyForKubectl`.
 * - A scalar is written as the library writes it: names such as `app.kubernetes.io/name`
 *   or `team-000`, which any YAML writer leaves plain, as they are; every other scalar as
 *   `stringifyForKubectl` writes it (asked once per distinct value and remembered).
 * - Anything else goes to `stringifyForKubectl` whole: `undefined`, a non-finite number or -0, a
 *   string with a line break or a document marker, an object that is not plain, an array
 *   with holes, an object reached twice (the library writes an alias), an empty or
 *   non-object document, a key longer than 1024 characters.
 *
 * Reading back: the gate reads as kubectl does (`parseManifests`, go-yaml v2's resolution).
 * Every string left plain is one kubectl reads as that string (`plainReadsAsItself`; the
 * others are quoted), and numbers, booleans and null are written in forms it reads back. A
 * document "reads back as itself" when parsing what was written gives an equal value: same
 * keys in the same order, same scalars. That holds for plain data except `undefined`
 * (written as null), non-finite numbers and -0, objects reached twice, the key `__proto__`,
 * and (to keep the reasoning short) strings with control characters,
 * surrogates, a byte order mark or line separators. `readsBack` says so conservatively.
 */
export class ManifestYaml {
  /** How each scalar is written as a value, by value. */
  private readonly values = new Map<unknown, Scalar | typeof UNSUPPORTED>();
  /** How each key is written. */
  private readonly keys = new Map<string, Scalar | typeof UNSUPPORTED>();

  /** `stringifyForKubectl(doc)`, and whether parsing that text gives back a value equal to `doc`. */
  public write(doc: unknown): WrittenDocument {
    if (fastWriterWorks()) {
      const written = writeDocument(doc, this);
      if (written !== undefined) return written;
    }
    const text = stringifyForKubectl(doc);
    return { text, readsBack: readsBackAsItself(doc), newlines: countNewlines(text) };
  }

  /** How `stringifyForKubectl` writes `value` as a map value or sequence item, when that is one line. */
  public value(value: unknown): Scalar | typeof UNSUPPORTED {
    // The map would take -0 for 0 (SameValueZero); the library writes it differently.
    if (Object.is(value, -0)) return UNSUPPORTED;
    // Manifests repeat the same few hundred scalars; each is judged once.
    let scalar = this.values.get(value);
    if (scalar === undefined) {
      scalar = writeValueOnce(value);
      this.values.set(value, scalar);
    }
    return scalar;
  }

  /** How `stringifyForKubectl` writes `key` as an implicit map key, when that is one line. */
  public key(key: string): Scalar | typeof UNSUPPORTED {
    let scalar = this.keys.get(key);
    if (scalar === undefined) {
      scalar = writeKeyOnce(key);
      this.keys.set(key, scalar);
    }
    return scalar;
  }
}

function writeValueOnce(value: unknown): Scalar | typeof UNSUPPORTED {
  if (typeof value === 'string') {
    if (isPlainName(value)) return { text: value, readsBack: true };
    if (value.includes('\n') || value.includes('\r') || DOCUMENT_MARKER.test(value)) return UNSUPPORTED;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return UNSUPPORTED; // -0 is refused by `value` before the cache
  } else if (typeof value !== 'boolean' && value !== null) {
    return UNSUPPORTED;
  }
  const written = stringifyForKubectl({ k: value });
  return written.startsWith('k: ') && written.indexOf('\n') === written.length - 1
    ? { text: written.slice(3, -1), readsBack: scalarReadsBack(value) }
    : UNSUPPORTED;
}

function writeKeyOnce(key: string): Scalar | typeof UNSUPPORTED {
  if (isPlainName(key) && key.length <= MAX_IMPLICIT_KEY) return { text: key, readsBack: true };
  const written = key.includes('\n') || key.includes('\r') || DOCUMENT_MARKER.test(key) ? '' : stringifyForKubectl({ [key]: null });
  return written.endsWith(': null\n') && written.indexOf('\n') === written.length - 1
    ? { text: written.slice(0, -': null\n'.length), readsBack: keyReadsBack(key) }
    : UNSUPPORTED;
}

/** cdk8s's `Yaml.stringify` options (cdk8s 2.x: YAML 1.1, no line folding, undefined kept as null). */
const CDK8S_YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/**
 * One document as cdk8s's `Yaml.stringify` writes it, except that a string kubectl would read
 * as something else if written plain is double-quoted (cdk8s's YAML 1.1 writer leaves `0o17`,
 * `0B101` and `1e1_0` plain; kubectl, through go-yaml, reads them as numbers).
 */
export function stringifyForKubectl(doc: unknown): string {
  // Yaml.stringify writes an undefined document as an empty line.
  if (doc === undefined) return '\n';
  // Without merge keys in the writer's schema a `<<` key is an ordinary string, which the
  // visitor below can quote (the 1.1 schema's merge tag writes it bare, whatever its style).
  const document = new Document(doc, { ...CDK8S_YAML_OPTIONS, merge: false, customTags: withoutMergeTag });
  let breaks = false;
  visit(document, {
    Scalar(position, node) {
      if (typeof node.value !== 'string') return;
      const hasBreak = node.value.search(KUBECTL_LINE_BREAKS) >= 0;
      breaks ||= hasBreak;
      if (hasBreak || !plainReadsAsItself(node.value, position === 'key')) node.type = 'QUOTE_DOUBLE';
    },
  });
  const text = document.toString(CDK8S_YAML_OPTIONS);
  // The library writes NEL, LS and PS as they are, and kubectl would read each as a line break;
  // every string holding one is double-quoted above, where the escapes \N, \L, \P mean them.
  return breaks ? text.replace(KUBECTL_LINE_BREAKS, (c) => KUBECTL_LINE_BREAK_CHARACTERS[c].escape) : text;
}

function withoutMergeTag(tags: Tags): Tags {
  return tags.filter((tag) => (typeof tag === 'string' ? tag !== 'merge' : tag.tag !== 'tag:yaml.org,2002:merge'));
}

/** A document as written. */
export interface WrittenDocument {
  /** Exactly `stringifyForKubectl(doc)`. */
  readonly text: string;
  /** Whether parsing `text` (as `parseManifests` does) certainly gives a value equal to the document. */
  readonly readsBack: boolean;
  /** How many line breaks `text` holds (the writer counts them as it writes). */
  readonly newlines: number;
}

/** A scalar as written, and whether it reads back as itself. */
export interface Scalar {
  readonly text: string;
  readonly readsBack: boolean;
}

/** Names any YAML writer leaves plain: a letter or `/`, then letters, digits, `.`, `_`, `/`, `-`. */
const SIMPLE = /^[A-Za-z/][A-Za-z0-9._/-]*$/;
/** Names of that form that YAML 1.1 (which cdk8s writes) reads as numbers, so they are quoted: `e5`, `E-3`. */
const EXPONENT = /^[eE]-?[0-9]+$/;
/** Words of that form that YAML 1.1 reads as booleans or null, so they are quoted. */
const YAML_WORDS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  'null',
  'Null',
  'NULL',
]);
/** A name every YAML writer leaves plain and every reader reads back as that string. */
function isPlainName(text: string): boolean {
  return SIMPLE.test(text) && !YAML_WORDS.has(text) && !EXPONENT.test(text);
}
/** A line starting a directive or a document marker: the library may write such a string as a block. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;
/** The longest implicit key; a longer one is written as an explicit `? key`. */
const MAX_IMPLICIT_KEY = 1024;
/** A scalar the fast writer leaves to `stringifyForKubectl` (the whole document then is). */
const UNSUPPORTED = Symbol('unsupported');

/** Characters whose writing and reading back is not worth reasoning about (controls, surrogates, BOM, line separators). */
const UNUSUAL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff]/;

function scalarReadsBack(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return !UNUSUAL_CHARACTER.test(value);
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'boolean':
      return true;
    default:
      return value === null; // undefined is written as null; bigint, symbol, function
  }
}

/** `__proto__` is read back specially (a `<<` key is written quoted, so it stays a key). */
function keyReadsBack(key: string): boolean {
  return key !== '__proto__' && scalarReadsBack(key);
}

/**
 * Whether writing `value` with `stringifyForKubectl` and parsing it with `parseManifests` gives
 * back an equal value: plain objects and arrays, each reached once (a shared or cyclic one
 * is written as an alias), without symbol keys, of scalars that read back as themselves.
 * Conservative: `false` only means "parse the file to be sure".
 */
export function readsBackAsItself(value: unknown): boolean {
  const seen = new Set<object>();
  const check = (v: unknown): boolean => {
    if (typeof v !== 'object' || v === null) return scalarReadsBack(v);
    if (seen.has(v)) return false;
    seen.add(v);
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return false;
      for (let i = 0; i < v.length; i++) {
        if (!(i in v) || !check(v[i])) return false;
      }
      return true;
    }
    const proto = Object.getPrototypeOf(v);
    if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(v).length > 0) return false;
    for (const key of Object.keys(v)) {
      if (!keyReadsBack(key) || !check((v as Record<string, unknown>)[key])) return false;
    }
    return true;
  };
  return check(value);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  return Object.getPrototypeOf(value) === Object.prototype;
}

/** The document as `stringifyForKubectl` writes it, or `undefined` when it is not of the supported form. */
function writeDocument(doc: unknown, scalars: ManifestYaml): WrittenDocument | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !isPlainObject(doc)) return undefined;
  const docKeys = Object.keys(doc);
  if (docKeys.length === 0) return undefined;
  const writer = new BlockWriter(scalars, doc);
  if (!writer.map(doc, docKeys, '', '')) return undefined;
  // Symbol keys are not written; a document with some does not read back as itself.
  const readsBack = writer.readsBack && readsBackWithoutSymbols(writer.seen);
  return { text: writer.text, readsBack, newlines: writer.newlines };
}

/**
 * Writes one document in block style. Each method returns `false` on a shape it does not
 * write, which sends the whole document to `stringifyForKubectl`. The text grows by
 * concatenation (three times faster here than collecting pieces and joining them).
 */
class BlockWriter {
  public text = '';
  /** Line breaks written so far: every `\n` is counted where it is written. */
  public newlines = 0;
  public readsBack = true;
  /** Objects written so far (one reached twice would be written as an alias). */
  public readonly seen: Set<object>;

  constructor(
    private readonly scalars: ManifestYaml,
    doc: object,
  ) {
    this.seen = new Set([doc]);
  }

  /** Writes a non-empty map; its first key goes after `first` (the indent, or nothing after `- `). */
  public map(map: Record<string, unknown>, keys: readonly string[], indent: string, first: string): boolean {
    for (let i = 0; i < keys.length; i++) {
      const key = this.scalars.key(keys[i]);
      if (key === UNSUPPORTED) return false;
      if (!key.readsBack) this.readsBack = false;
      this.text += (i === 0 ? first : indent) + key.text + ':';
      if (!this.value(map[keys[i]], indent, true)) return false;
    }
    return true;
  }

  /** Writes a non-empty sequence, its first `- ` after `first`. */
  private sequence(seq: readonly unknown[], indent: string, first: string): boolean {
    for (let i = 0; i < seq.length; i++) {
      if (!(i in seq)) return false;
      this.text += (i === 0 ? first : indent) + '-';
      if (!this.value(seq[i], indent, false)) return false;
    }
    return true;
  }

  /** Writes what follows `key:` or `-`: a scalar or empty collection on the same line, else a block below. */
  private value(value: unknown, indent: string, inMap: boolean): boolean {
    if (typeof value !== 'object' || value === null) {
      const scalar = this.scalars.value(value);
      if (scalar === UNSUPPORTED) return false;
      if (!scalar.readsBack) this.readsBack = false;
      this.endLine(' ' + scalar.text);
      return true;
    }
    if (this.seen.has(value)) return false;
    this.seen.add(value);
    const inner = indent + '  ';
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      if (value.length === 0) {
        this.endLine(' []');
        return true;
      }
      // Under a key the sequence starts on the next line, indented; in a sequence, on the same line.
      if (inMap) {
        this.endLine('');
        return this.sequence(value, inner, inner);
      }
      this.text += ' ';
      return this.sequence(value, inner, '');
    }
    if (!isPlainObject(value)) return false;
    const keys = Object.keys(value);
    if (keys.length === 0) {
      this.endLine(' {}');
      return true;
    }
    if (inMap) {
      this.endLine('');
      return this.map(value, keys, inner, inner);
    }
    this.text += ' ';
    return this.map(value, keys, inner, '');
  }

  /** Ends the current line after `rest`: every line break goes through here. */
  private endLine(rest: string): void {
    this.text += rest + '\n';
    this.newlines++;
  }
}

function readsBackWithoutSymbols(objects: ReadonlySet<object>): boolean {
  for (const object of objects) {
    if (Object.getOwnPropertySymbols(object).length > 0) return false;
  }
  return true;
}

/** A document with every shape the fast writer produces, to compare it with `stringifyForKubectl` once. */
const SAMPLE = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    labels: { 'app.kubernetes.io/name': 'web', yes: 'on', '8080': 'null', '': 'x', E0: 'e-5', e: 'E' },
    annotations: {},
  },
  spec: {
    replicas: 2,
    paused: false,
    ratio: 0.5,
    big: 1e21,
    nothing: null,
    selector: { matchLabels: { app: 'web' } },
    list: [],
    nested: [[1, 'a: b'], [], [{}], [{ a: 1, b: [2, { c: 'x y' }] }], [[true, [null]]]],
    template: {
      spec: {
        containers: [
          {
            name: 'main',
            image: 'ghcr.io/x/y:1.0@sha256:00ff',
            args: [
              '--port=8080',
              '',
              ' lead',
              'trail ',
              '#x',
              'a #b',
              '"q"',
              "it's",
              `"it's"`,
              '0o17',
              '1_000',
              '2026-01-01',
              '12:30',
              '~',
              '-',
              '- a',
              '?',
              '*ref',
              '&a',
              '!tag',
              '@x',
              '`x`',
              '{a}',
              '[a]',
              'a,b',
              'x:',
              ':x',
            ],
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '256Mi' } },
            env: [
              { name: 'A', value: 'x: y' },
              { name: 'B', value: 'café ünïcode' },
              { name: 'C', value: '\t tab' },
              { name: 'D', value: '\u0007bell' },
            ],
          },
        ],
      },
    },
  },
};

let fastWriterChecked: boolean | undefined;

/** Whether the fast writer writes the sample exactly as `stringifyForKubectl` does (asked once per process). */
function fastWriterWorks(): boolean {
  fastWriterChecked ??= writeDocument(SAMPLE, new ManifestYaml())?.text === stringifyForKubectl(SAMPLE);
  return fastWriterChecked;
}

/** The number of line breaks in `text`. */
function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
