/**
 * How kubectl cuts a manifest stream into documents, before any YAML parsing: apimachinery's
 * `YAMLOrJSONDecoder` (k8s.io/apimachinery/pkg/util/yaml/decoder.go, v0.37). The review must
 * cut where kubectl cuts: YAML's own document markers are not the same thing. kubectl starts a
 * new document at every line that begins with `---` and has nothing after it but spaces (in
 * Go's Unicode sense, so a no-break space counts) or a comment, so `---#x` and `---<NBSP>`
 * split a file that a YAML parser reads as one document, and a Pod could hide inside what the
 * review would read as one ConfigMap. (Such a line that comes before any content of its
 * document stays in the document, and the YAML parser reads it as YAML does.)
 *
 * A stream whose first non-space character (within its first 4,096 bytes) is `{` is first
 * read as a sequence of JSON values; after a value that is followed by something that is not
 * JSON, the rest is read as YAML, unless two JSON values were read already (then it is an error).
 */

/** One document as kubectl hands it to the YAML decoder, and the file line it starts on. */
export interface YamlChunk {
  /** The document's lines, each ended by `\n` (a `\r` before it removed, as bufio's ReadLine does). */
  readonly text: string;
  /** 1-based line of the file where `text` starts. */
  readonly firstLine: number;
}

/** One JSON value read by the JSON half of the decoder. */
export interface JsonValue {
  readonly value: unknown;
  readonly line: number;
}

/** Why the stream cannot be read, and where (1-based line; 0 for the file as a whole). */
export class StreamError extends Error {
  constructor(
    public readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Go's `unicode.IsSpace`: what `strings.TrimSpace` trims and what `GuessJSONStream` skips.
 * (U+0085, U+2028 and U+2029 are spaces too; files holding them are refused earlier.)
 */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const GO_SPACES_AT_START = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

/** How far `GuessJSONStream` looks for the opening brace, in bytes. */
const JSON_GUESS_BYTES = 4096;

/**
 * Where the YAML part of the stream starts, after the JSON values kubectl reads first (none
 * unless the stream starts with `{`).
 */
export function splitJsonPrefix(text: string): { readonly values: JsonValue[]; readonly yamlFrom: number | undefined } {
  const leading = GO_SPACES_AT_START.exec(text)![0];
  if (text[leading.length] !== '{' || Buffer.byteLength(leading, 'utf8') + 1 > JSON_GUESS_BYTES) return { values: [], yamlFrom: 0 };
  const lines = new LineCounter(text);
  const values: JsonValue[] = [];
  let consumed = 0;
  for (;;) {
    const start = skipJsonSpace(text, consumed);
    if (start === text.length) return { values, yamlFrom: undefined };
    let read: { value: unknown; end: number };
    try {
      read = new JsonReader(text, start).readTop();
    } catch (error) {
      if (error instanceof JsonRefused) throw new StreamError(lines.lineOf(error.at), error.message);
      if (!(error instanceof JsonSyntaxError)) throw error;
      // One JSON value (or none) and then something else: kubectl switches to YAML for the rest.
      if (values.length > 1)
        throw new StreamError(
          lines.lineOf(error.at),
          `not valid JSON after ${values.length} JSON objects (${error.message}), and kubectl reads such a stream as JSON only`,
        );
      const yamlFrom = afterSpaceToLineEnd(text, consumed);
      if (yamlFrom === undefined) throw new StreamError(lines.lineOf(error.at), `not valid JSON (${error.message})`);
      return { values, yamlFrom };
    }
    values.push({ value: read.value, line: lines.lineOf(start) });
    consumed = read.end;
  }
}

/**
 * `consumeWhitespace`: after the last JSON value, spaces are skipped up to and including the
 * first line break; undefined when only spaces remain (kubectl then reports the JSON error).
 */
function afterSpaceToLineEnd(text: string, from: number): number | undefined {
  let at = from;
  while (at < text.length && GO_SPACE.test(text[at])) {
    if (text[at++] === '\n') return at;
  }
  return at < text.length ? at : undefined;
}

/** Cuts `text` from `from` into the documents kubectl's `YAMLReader` returns. */
export function splitYamlDocuments(text: string, from: number): YamlChunk[] {
  const chunks: YamlChunk[] = [];
  let lineNumber = new LineCounter(text).lineOf(from);
  let buffer: string[] = [];
  let bufferStart = lineNumber;
  const flush = () => {
    if (buffer.length > 0) chunks.push({ text: buffer.join(''), firstLine: bufferStart });
    buffer = [];
  };
  for (let at = from; at < text.length; lineNumber++) {
    const end = text.indexOf('\n', at);
    let line = text.slice(at, end === -1 ? undefined : end);
    if (end !== -1 && line.endsWith('\r')) line = line.slice(0, -1);
    at = end === -1 ? text.length : end + 1;
    if (line.startsWith('---')) {
      const rest = goTrimSpace(line.slice(3));
      if (rest !== '' && rest[0] !== '#') {
        throw new StreamError(
          lineNumber,
          `text after the document separator --- on its line ("${rest.slice(0, 40)}"), which kubectl refuses ("invalid Yaml document separator"); start the document on the next line`,
        );
      }
      // A separator ends the document gathered so far; with none gathered, kubectl keeps the
      // line as the first of the next document (its YAMLReader), so YAML reads it too.
      if (buffer.length > 0) {
        flush();
        continue;
      }
    }
    if (buffer.length === 0) bufferStart = lineNumber;
    buffer.push(`${line}\n`);
  }
  flush();
  return chunks;
}

/** Go's `strings.TrimSpace`. */
function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && GO_SPACE.test(text[start])) start++;
  while (end > start && GO_SPACE.test(text[end - 1])) end--;
  return text.slice(start, end);
}

/** 1-based line numbers of offsets that only grow (one pass over the text). */
export class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  public lineOf(position: number): number {
    if (position < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    for (let at = this.text.indexOf('\n', this.offset); at !== -1 && at < position; at = this.text.indexOf('\n', at + 1)) {
      this.line++;
      this.offset = at + 1;
    }
    return this.line;
  }
}

/** JSON's own white space (what Go's json.Decoder skips between values). */
function skipJsonSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  return at;
}

/** Not JSON: kubectl's JSON decoder stops, and it may go on with YAML. */
class JsonSyntaxError extends Error {
  constructor(
    public readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/** JSON, but a value kubectl refuses (or reads in a way the review will not follow) once decoded. */
class JsonRefused extends JsonSyntaxError {}

/** How deep JSON may nest (Go's decoder stops at 10,000; a manifest stays under 50). */
const MAX_JSON_DEPTH = 1000;
const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * One JSON value as Go's encoding/json reads it into what kubectl sends (apimachinery's
 * unstructured decoding, sigs.k8s.io/json with integers kept): `-0` written as an integer is
 * 0, a number beyond float64 is an error, a lone surrogate escape is U+FFFD. A key given twice
 * is refused (Go keeps the last one silently, as it does in YAML).
 */
class JsonReader {
  private at: number;
  constructor(
    private readonly text: string,
    start: number,
  ) {
    this.at = start;
  }

  /** A top-level value; a number or literal must be followed by a delimiter or the end. */
  public readTop(): { value: unknown; end: number } {
    const value = this.value(0);
    return { value, end: this.at };
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(this.at, message);
  }

  private space(): void {
    this.at = skipJsonSpace(this.text, this.at);
  }

  private value(depth: number): unknown {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.number();
  }

  private object(depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.at++;
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return object;
    }
    for (;;) {
      if (this.text[this.at] !== '"') this.fail('expected a string key');
      const keyAt = this.at;
      const key = this.string();
      this.space();
      if (this.text[this.at] !== ':') this.fail('expected : after a key');
      this.at++;
      this.space();
      const value = this.value(depth + 1);
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        throw new JsonRefused(
          keyAt,
          `the key "${key.slice(0, 40)}" is given twice in one object (kubectl would keep the last value silently)`,
        );
      }
      Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
      this.space();
      const next = this.text[this.at++];
      if (next === '}') return object;
      if (next !== ',') this.fail('expected , or } in an object');
      this.space();
    }
  }

  private array(depth: number): unknown[] {
    const array: unknown[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return array;
    }
    for (;;) {
      array.push(this.value(depth + 1));
      this.space();
      const next = this.text[this.at++];
      if (next === ']') return array;
      if (next !== ',') this.fail('expected , or ] in an array');
      this.space();
    }
  }

  private string(): string {
    JSON_STRING.lastIndex = this.at;
    const match = JSON_STRING.exec(this.text);
    if (!match) this.fail('a string that is not valid JSON');
    this.at += match[0].length;
    return (JSON.parse(match[0]) as string).replace(LONE_SURROGATE, '\ufffd');
  }

  private number(): number {
    JSON_NUMBER.lastIndex = this.at;
    const match = JSON_NUMBER.exec(this.text);
    if (!match) this.fail(`unexpected character ${JSON.stringify(this.text[this.at] ?? 'end of text')}`);
    const text = match[0];
    this.at += text.length;
    if (!/[.eE]/.test(text)) {
      const integer = BigInt(text);
      if (integer >= INT64_MIN && integer <= INT64_MAX) return Number(integer);
    }
    const value = Number(text);
    if (!Number.isFinite(value))
      throw new JsonRefused(this.at, `the number ${text.slice(0, 40)} is beyond a float64, which kubectl refuses`);
    return value;
  }
}

const LITERALS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
