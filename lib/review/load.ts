import { COLLECTION_STYLE, constructFromEvents, Event, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException } from 'js-yaml';
import { ManifestLoadError } from './load-error';
import { objectsOf } from './kubectl-objects';
import { LineCounter, splitJsonPrefix, splitYamlDocuments, StreamError, YamlChunk } from './kubectl-stream';
import { asValue, KUBECTL_LINE_BREAK_CHARACTERS, KUBECTL_LINE_BREAKS, KUBECTL_MERGE_TAG_TEXT, KUBECTL_SCHEMA } from './kubectl-yaml';

/** A manifest read from a file, with where it came from (`file:line`). */
export interface LoadedManifest {
  readonly object: Record<string, unknown>;
  readonly origin: string;
}

export { ManifestLoadError } from './load-error';
export { objectsOf } from './kubectl-objects';

/** The most values a document may expand to through its aliases (go-yaml refuses "excessive aliasing" too). */
const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * Parses the text of one file into its manifests, read as `kubectl create -f` reads them:
 * documents cut as kubectl cuts them (`kubectl-stream.ts`), YAML 1.1 as go-yaml v2 resolves
 * it (`kubectl-yaml.ts`: `privileged: yes` is true), and every object with an `items` field
 * taken as a list of the objects it holds (`objectsOf`).
 */
export function parseManifests(text: string, file: string): LoadedManifest[] {
  const manifests: LoadedManifest[] = [];
  for (const { value, line } of readDocuments(text, file)) {
    for (const object of objectsOf(value, file, line)) {
      manifests.push({ object, origin: `${file}:${line}` });
    }
  }
  return manifests;
}

/** One document of a file, as kubectl reads it, and the line its content starts on. */
export interface ReadDocument {
  readonly value: unknown;
  readonly line: number;
}

/** How `readDocuments` reads. */
export interface ReadOptions {
  /**
   * Parse each document on its own even where one parse of the whole file gives the same
   * documents (for the tests that prove it does).
   *
   * @default false
   */
  readonly eachDocumentAlone?: boolean;
}

/**
 * Every document of a stream as kubectl reads it (empty ones as `null` or `undefined`):
 * the JSON values it reads first when the stream starts with `{`, then the YAML documents
 * cut at kubectl's separator lines, each parsed on its own. Throws `ManifestLoadError`
 * (`file:line: reason`) on what kubectl would refuse, and on what it would read in a way this
 * reader does not model (fail closed).
 */
export function readDocuments(withMark: string, file: string, options: ReadOptions = {}): ReadDocument[] {
  // kubectl drops a byte order mark before reading (FileVisitor), so its JSON test sees what follows.
  const text = withMark.charCodeAt(0) === 0xfeff ? withMark.slice(1) : withMark;
  checkLineBreaks(text, file);
  try {
    const { values, yamlFrom } = splitJsonPrefix(text);
    const documents: ReadDocument[] = [...values];
    if (yamlFrom === undefined) return documents;
    const separators = yamlFrom === 0 && !options.eachDocumentAlone ? separatorsIfCutAlike(text) : undefined;
    const whole = separators === undefined ? undefined : readAllAtOnce(text, file, separators);
    if (whole) return whole;
    for (const chunk of splitYamlDocuments(text, yamlFrom)) documents.push(readYamlDocument(chunk, file));
    return documents;
  } catch (error) {
    if (error instanceof StreamError) throw new ManifestLoadError(file, error.line, error.message);
    throw error;
  }
}

/**
 * Whether YAML itself would cut `text` into documents exactly where kubectl cuts it, so one
 * parse of the whole file gives kubectl's documents (parsing each of 25,000 documents on its
 * own costs twice as much): every line that starts with `---` is a plain marker (`---`, then
 * nothing, or spaces or tabs and a comment), no line ends at a lone carriage return (a line
 * break to YAML, not to kubectl), and no line starts with `%` or `...` (which the per-document
 * reading judges). Returns how many `---` lines there are, or undefined when the two cut otherwise.
 */
function separatorsIfCutAlike(text: string): number | undefined {
  // go-yaml drops a byte order mark that starts a document kubectl cuts (readYamlDocument does
  // too); the YAML 1.2 parser keeps one there as text, so such a file is read document by document.
  if (LONE_CARRIAGE_RETURN.test(text) || LINE_START_TO_CHECK.test(text) || text.includes(BYTE_ORDER_MARK)) return undefined;
  let separators = 0;
  for (const marker of text.matchAll(SEPARATOR_LINE)) {
    if (!PLAIN_MARKER.test(marker[0])) return undefined;
    separators++;
  }
  return separators;
}

const LONE_CARRIAGE_RETURN = /\r(?!\n)/;
const BYTE_ORDER_MARK = '\ufeff';
const LINE_START_TO_CHECK = /^(?:%|\.\.\.)/m;
const SEPARATOR_LINE = /^---.*$/gm;
const PLAIN_MARKER = /^---(?:[ \t]+(?:#.*)?)?\r?$/;

/**
 * Every document of a file that YAML cuts as kubectl does (`separatorsIfCutAlike`), from one parse; `undefined` when the parser
 * does not see one document start per `---` line (or fails), so that each document is read
 * on its own instead (and its error, if any, reported from there).
 */
function readAllAtOnce(text: string, file: string, separators: number): ReadDocument[] | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: MAX_DEPTH });
  } catch {
    return undefined;
  }
  const starts = documentStarts(events);
  if (starts.filter((start) => start.explicitStart).length !== separators || starts.some((start, i) => i > 0 && !start.explicitStart))
    return undefined;
  const lines = new LineCounter(text);
  const refuse = (position: number, message: string): never => {
    throw new ManifestLoadError(file, lines.lineOf(position), message);
  };
  checkFlowTokens(events, text, refuse);
  checkKubectlMerges(events, text, refuse);
  let values: unknown[];
  try {
    values = constructFromEvents(events, { source: text + MERGE_TAG_SOURCE, filename: file, schema: KUBECTL_SCHEMA });
  } catch (error) {
    throw asLoadError(error, file, 0);
  }
  return values.map((value, i) => {
    const line = lines.lineOf(starts[i].position);
    if (starts[i].aliased) checkExpansion(value, file, line);
    return { value: asValue(value), line };
  });
}

/**
 * The one document kubectl reads from a chunk (go-yaml's Unmarshal reads the first document
 * and ignores the rest, so a second one after a `...` line is refused here).
 */
function readYamlDocument(cut: YamlChunk, file: string): ReadDocument {
  // go-yaml's Unmarshal drops a byte order mark at the start of its input, here each document
  // kubectl cuts: kept, `\ufeff<<:` would be a key to us and a merge to kubectl.
  const chunk = cut.text.startsWith(BYTE_ORDER_MARK) ? { ...cut, text: cut.text.slice(1) } : cut;
  let values: unknown[];
  let events: Event[];
  let source: string;
  try {
    ({ events, source } = parseIndentingFlowLines(chunk.text, file));
    const refuse = (position: number, message: string): never => {
      throw new ManifestLoadError(file, chunk.firstLine - 1 + new LineCounter(source).lineOf(position), message);
    };
    checkFlowTokens(events, source, refuse);
    checkKubectlMerges(events, source, refuse);
    values = constructFromEvents(events, { source: source + MERGE_TAG_SOURCE, filename: file, schema: KUBECTL_SCHEMA });
  } catch (error) {
    throw asLoadError(error, file, chunk.firstLine - 1);
  }
  const lines = new LineCounter(source);
  const lineOf = (position: number) => chunk.firstLine - 1 + lines.lineOf(position);
  const starts = documentStarts(events);
  const directive = starts.find((start) => start.directives);
  if (directive) {
    throw new ManifestLoadError(
      file,
      lineOf(directive.position),
      'the document has a %YAML or %TAG directive, which kubectl cannot read (it splits the file at --- lines before parsing)',
    );
  }
  // go-yaml reads one document per --- section: one after a `...` end marker is silently
  // dropped, so it would never reach the cluster.
  const dropped = values.findIndex((value, i) => i > 0 && value !== null && value !== undefined);
  if (dropped >= 0) {
    throw new ManifestLoadError(
      file,
      lineOf(starts[dropped].position),
      'a second document where kubectl reads one (after a ... end marker, or a --- that does not start a line of its own), which kubectl ignores; start it with a line of its own that begins with ---',
    );
  }
  const markerFirst = markerFirstLine(chunk.text);
  if (markerFirst) {
    throw new ManifestLoadError(
      file,
      chunk.firstLine + markerFirst.line,
      markerFirst.indented
        ? `an indented ${markerFirst.marker} before the document has begun, which kubectl reads as the text ${markerFirst.marker} (a YAML 1.2 reader as a marker); remove it`
        : 'a ... end marker before the document has begun, which kubectl refuses ("did not find expected node content"); remove it',
    );
  }
  if (values.length === 0) return { value: null, line: chunk.firstLine };
  const line = lineOf(starts[0].position);
  if (starts[0].aliased) checkExpansion(values[0], file, line);
  return { value: asValue(values[0]), line };
}

/**
 * A marker where it is the document's first token (after blank and comment lines) and the two
 * readers part: `...` at the start of a line (libyaml refuses it, YAML 1.2 readers skip it),
 * or an indented `---` or `...` (libyaml: text; js-yaml: a marker). The line is 0-based.
 */
function markerFirstLine(text: string): { line: number; marker: string; indented: boolean } | undefined {
  const match = MARKER_FIRST.exec(text);
  if (!match) return undefined;
  return { line: match[1].split('\n').length - 1, marker: match[3] ?? match[5], indented: match[4] !== undefined };
}

/** Blank and comment lines, then `...` at the start of a line, or `---` or `...` after spaces or tabs. */
const MARKER_FIRST = /^((?:[ \t]*(?:#[^\n]*)?\n)*)(?:()(\.\.\.)|([ \t]+)(---|\.\.\.))(?:[ \t\r\n]|$)/;

/**
 * libyaml (kubectl) does not mind how far the lines inside a flow collection or a multi-line
 * quoted scalar are indented; the YAML spec, and js-yaml, want them indented deeper than
 * their parent ("deficient indentation"). Leading spaces on those lines mean nothing to
 * either (they are separation, or folded away), so such a line is given enough of them and
 * the document parsed again. A line starting with `...` is left as it is: there the two
 * differ in more than indentation. (Found by the fuzz, corpus eea492baed6a: moving a line whose
 * flow collection starts on it turned the next list item into a block scalar's text.)
 */
function parseIndentingFlowLines(text: string, file: string): { events: Event[]; source: string } {
  let source = text;
  for (let tries = 0; ; tries++) {
    try {
      return { events: parseEvents(source, { filename: file, maxDepth: MAX_DEPTH }), source };
    } catch (error) {
      if (!(error instanceof YAMLException) || error.reason !== 'deficient indentation' || !error.mark || tries >= MAX_REINDENTED_LINES)
        throw error;
      const lines = source.split('\n');
      const at = error.mark.line;
      // Only a line that continues a flow collection or quoted scalar begun above (the parser
      // stops at its first character) may move: a complaint in mid-line (a tab inside a flow
      // collection that starts on this very line) is about block structure, which must not.
      if (lines[at].startsWith('...') || error.mark.column !== lines[at].length - lines[at].trimStart().length) throw error;
      // No node that encloses this line can start further right than the longest line above it.
      const width = lines.slice(0, at).reduce((widest, line) => Math.max(widest, line.length), 0);
      lines[at] = ' '.repeat(width + 1) + lines[at];
      source = lines.join('\n');
    }
  }
}

/** How many lines of one document may be indented for the parser before it is refused instead. */
const MAX_REINDENTED_LINES = 1000;

/** Where the private merge tag's text lies: after the document, so tagged merge keys' events can point at it. */
const MERGE_TAG_SOURCE = `\n${KUBECTL_MERGE_TAG_TEXT}`;

/**
 * Two tokens libyaml (kubectl) reads otherwise than js-yaml inside a flow collection: a tag
 * followed directly by `,`, `[` or `]` (characters of a tag to libyaml, so `{a: !x, <<: *b}`
 * has a tagged key `<<`, not a merge) or by `{` or `}` (libyaml refuses it), and a plain scalar that starts with `?` (an explicit-key
 * marker to libyaml in flow context even without a space: `{?items: [...]}` is the key
 * `items`). Both are refused: found by an attacker's review, each hid a privileged Pod.
 */
function checkFlowTokens(events: readonly Event[], source: string, refuse: (position: number, message: string) => never): void {
  const mayTag = TAG_BEFORE_FLOW_INDICATOR.test(source);
  const mayKey = source.includes('?');
  if (!mayTag && !mayKey) return;
  const flow: boolean[] = [];
  for (const event of events) {
    if (event.type === EVENT_ID.POP) {
      flow.pop();
      continue;
    }
    if (event.type === EVENT_ID.DOCUMENT || event.type === EVENT_ID.ALIAS) {
      if (event.type === EVENT_ID.DOCUMENT) flow.push(false);
      continue;
    }
    if (mayTag && event.tagStart >= 0 && ',[]{}'.includes(source[event.tagEnd] ?? ' ')) {
      refuse(
        event.tagStart,
        `the tag ${source.slice(event.tagStart, event.tagEnd + 1)} runs into "${source[event.tagEnd]}", which kubectl reads as part of the tag; put a space after the tag`,
      );
    }
    const inFlow = flow[flow.length - 1] === true;
    if (mayKey && inFlow && event.type === EVENT_ID.SCALAR && event.style === SCALAR_STYLE.PLAIN && source[event.valueStart] === '?') {
      refuse(
        event.valueStart,
        'a plain value starting with ? inside a flow collection, which kubectl reads as the explicit-key marker (?key is the key "key"); quote it, or put a space after the ?',
      );
    }
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) flow.push(inFlow || event.style === COLLECTION_STYLE.FLOW);
  }
}

/** A tag (`!` and non-space, non-indicator characters) that runs into a flow indicator. */
const TAG_BEFORE_FLOW_INDICATOR = /![^\s,[\]{}]*[,[\]{}]/;

/** `<<`, or an escape of `<` inside double quotes. */
const MAY_HOLD_MERGE_KEY = /<<|\\(?:x3c|u003c|U0000003c)/i;

/** The tags under which go-yaml still takes a `<<` key for a merge: non-specific `!`, and the merge tag in its two spellings. */
const GO_YAML_MERGE_TAGS = new Set(['!', '!!merge', '!<tag:yaml.org,2002:merge>']);

/** One open collection while walking events: for a mapping, whether the next node is a key, and whether the key just read merges. */
interface OpenCollection {
  readonly mapping: boolean;
  atKey: boolean;
  keyMerges: boolean;
}

/**
 * go-yaml merges on a mapping key that is the scalar `<<` written plain, or tagged `!` or
 * `!!merge` (quoted or not); the schema sees only plain `<<`, so the events of the tagged
 * forms are pointed at a private tag that means the same. Two forms go-yaml reads otherwise
 * than the schema would are refused: an alias used as a key whose anchor is such a `<<`
 * (go-yaml: the text `<<`, not a merge), and a merge of an alias to a list (go-yaml refuses it).
 */
function checkKubectlMerges(events: Event[], source: string, refuse: (position: number, message: string) => never): void {
  // A merge key is `<<` once decoded: without that text, or an escape that could make it, there is none.
  if (!MAY_HOLD_MERGE_KEY.test(source)) return;
  const mergeAnchors = new Set<string>();
  const listAnchors = new Set<string>();
  const open: OpenCollection[] = [];
  const mergeTagStart = source.length + 1;
  for (const event of events) {
    if (event.type === EVENT_ID.POP) {
      open.pop();
      continue;
    }
    if (event.type === EVENT_ID.DOCUMENT) {
      mergeAnchors.clear();
      listAnchors.clear();
      open.push({ mapping: false, atKey: false, keyMerges: false });
      continue;
    }
    const parent = open[open.length - 1];
    const isKey = parent.mapping && parent.atKey;
    const isMergeValue = parent.mapping && !parent.atKey && parent.keyMerges;
    let merges = false;
    if (event.type === EVENT_ID.ALIAS) {
      const name = source.slice(event.anchorStart, event.anchorEnd);
      if (isKey && mergeAnchors.has(name)) {
        refuse(
          event.anchorStart,
          `an alias (*${name}) used as a key stands for <<, which kubectl reads as the key "<<", not as a merge; write the merge key itself`,
        );
      }
      if (isMergeValue && listAnchors.has(name)) {
        refuse(
          event.anchorStart,
          `a merge (<<) of *${name}, which is a list: kubectl refuses it (it merges a mapping, or a list of them written in place)`,
        );
      }
    } else {
      const anchor = event.anchorStart >= 0 ? source.slice(event.anchorStart, event.anchorEnd) : undefined;
      if (event.type === EVENT_ID.SCALAR) {
        const tag = event.tagStart >= 0 ? source.slice(event.tagStart, event.tagEnd) : '';
        // An untagged merge key is plain, so its source is `<<` itself; a tagged one may be quoted
        // and escaped (`! "\x3c<"`), so it is decoded.
        merges =
          tag === ''
            ? event.style === SCALAR_STYLE.PLAIN && event.valueEnd - event.valueStart === 2 && source.startsWith('<<', event.valueStart)
            : GO_YAML_MERGE_TAGS.has(tag) && getScalarValue(source, event) === '<<';
        if (merges && tag !== '') {
          event.tagStart = mergeTagStart;
          event.tagEnd = mergeTagStart + KUBECTL_MERGE_TAG_TEXT.length;
        }
      }
      if (anchor !== undefined) {
        if (merges) mergeAnchors.add(anchor);
        else mergeAnchors.delete(anchor);
        if (event.type === EVENT_ID.SEQUENCE) listAnchors.add(anchor);
        else listAnchors.delete(anchor);
      }
    }
    if (parent.mapping) {
      if (isKey) parent.keyMerges = merges;
      parent.atKey = !parent.atKey;
    }
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      open.push({ mapping: event.type === EVENT_ID.MAPPING, atKey: true, keyMerges: false });
    }
  }
}

/**
 * kubectl ends a line at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR too; YAML 1.2 keeps them
 * as text. Read our way, `hostNetwork: false # note<U+2028>hostPID: true` is a comment that
 * hides `hostPID: true` from the review, while the cluster gets it. Such a file is refused.
 */
function checkLineBreaks(text: string, file: string): void {
  const at = text.search(KUBECTL_LINE_BREAKS);
  if (at < 0) return;
  const line = new LineCounter(text).lineOf(at);
  throw new ManifestLoadError(
    file,
    line,
    `contains the character ${KUBECTL_LINE_BREAK_CHARACTERS[text[at]].name}, which kubectl reads as a line break and this review would not, so the two would see different objects; replace it with a real line break, or write it as the escape \\N, \\L or \\P inside double quotes`,
  );
}

/** How deep collections may nest (go-yaml allows 10,000; a real manifest stays under 50). */
const MAX_DEPTH = 1000;

/** Where a document's content starts, whether it uses an alias, and how it is delimited. */
interface DocumentStart {
  position: number;
  aliased: boolean;
  readonly directives: boolean;
  /** Opened by `---`. */
  readonly explicitStart: boolean;
  /** Closed by `...`. */
  readonly explicitEnd: boolean;
}

function documentStarts(events: readonly Event[]): DocumentStart[] {
  const starts: DocumentStart[] = [];
  let position = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.type === EVENT_ID.DOCUMENT) {
      // An empty document has no content event: it keeps the previous position, so lines only grow.
      position = positionOf(events[i + 1]) ?? position;
      starts.push({
        position,
        aliased: false,
        directives: event.directives.length > 0,
        explicitStart: event.explicitStart,
        explicitEnd: event.explicitEnd,
      });
    } else if (event.type === EVENT_ID.ALIAS) {
      starts[starts.length - 1].aliased = true;
    }
  }
  return starts;
}

/** Where a node event's text starts (its tag or anchor if any), or undefined for other events. */
function positionOf(event: Event | undefined): number | undefined {
  switch (event?.type) {
    case EVENT_ID.SCALAR:
      return firstSet(event.tagStart, event.anchorStart, event.valueStart);
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return firstSet(event.tagStart, event.anchorStart, event.start);
    case EVENT_ID.ALIAS:
      return event.anchorStart;
    default:
      return undefined;
  }
}

/** The smallest of the offsets that are set (-1 means absent). */
function firstSet(...offsets: number[]): number {
  const set = offsets.filter((offset) => offset >= 0);
  return set.length === 0 ? 0 : Math.min(...set);
}

/**
 * Aliases share their value, so a small document can stand for billions of values ("billion
 * laughs") or for itself (`&a [*a]`). Walks the document once, refusing both.
 */
function checkExpansion(value: unknown, file: string, line: number): void {
  let count = 0;
  const path = new Set<object>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (path.has(node)) throw new ManifestLoadError(file, line, 'an alias refers to a value that contains it (kubectl refuses this too)');
    if (++count > MAX_EXPANDED_VALUES) {
      throw new ManifestLoadError(
        file,
        line,
        `its aliases expand to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values (kubectl refuses such excessive aliasing too)`,
      );
    }
    path.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
    path.delete(node);
  };
  walk(value);
}

/** A parse error as `file:line: reason (column C)`, its line moved by the lines of the file before the document. */
function asLoadError(error: unknown, file: string, linesBefore: number): Error {
  if (!(error instanceof YAMLException)) return error instanceof Error ? error : new Error(String(error));
  const reason = REASONS.get(error.reason) ?? error.reason;
  const mark = error.mark;
  return mark
    ? new ManifestLoadError(file, linesBefore + mark.line + 1, `${reason} (column ${mark.column + 1})`)
    : new ManifestLoadError(file, linesBefore, reason);
}

/** Clearer words for the parser's most likely complaints. */
const REASONS = new Map([['duplicated mapping key', 'a key is given twice in one mapping (kubectl would keep the last value silently)']]);
