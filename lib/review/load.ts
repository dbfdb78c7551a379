import { constructFromEvents, Event, EVENT_ID, parseEvents, YAMLException } from 'js-yaml';
import { asValue, KUBECTL_LINE_BREAK_CHARACTERS, KUBECTL_LINE_BREAKS, KUBECTL_SCHEMA } from './kubectl-yaml';

/** A manifest read from a file, with where it came from (`file:line`). */
export interface LoadedManifest {
  readonly object: Record<string, unknown>;
  readonly origin: string;
}

/**
 * A path that cannot be read, a file that is not valid YAML, or one that holds something
 * that is not a Kubernetes object. The message starts with `file:line: ` (`file: ` when the
 * problem is the file as a whole, `line` 0).
 */
export class ManifestLoadError extends Error {
  constructor(public readonly file: string, public readonly line: number, public readonly detail: string) {
    super(`${line > 0 ? `${file}:${line}` : file}: ${detail}`);
    this.name = 'ManifestLoadError';
  }
}

/** The most values a document may expand to through its aliases (go-yaml refuses "excessive aliasing" too). */
const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * Parses the text of one file into its manifests, read as kubectl reads them
 * (`kubectl-yaml.ts`: YAML 1.1 as go-yaml v2 resolves it, so `privileged: yes` is true).
 */
export function parseManifests(text: string, file: string): LoadedManifest[] {
  const manifests: LoadedManifest[] = [];
  for (const { value, line } of readDocuments(text, file)) {
    if (value === null || value === undefined) continue;
    for (const object of expandList(value, file, line)) {
      manifests.push({ object, origin: `${file}:${line}` });
    }
  }
  return manifests;
}

/** One YAML document of a file, as kubectl reads it, and the line its content starts on. */
export interface ReadDocument {
  readonly value: unknown;
  readonly line: number;
}

/**
 * Every document of a YAML stream as kubectl reads it (empty ones as `null` or `undefined`).
 * Throws `ManifestLoadError` (`file:line: reason`) on what kubectl would refuse.
 */
export function readDocuments(text: string, file: string): ReadDocument[] {
  checkLineBreaks(text, file);
  let events: Event[];
  let values: unknown[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: MAX_DEPTH });
    values = constructFromEvents(events, { source: text, filename: file, schema: KUBECTL_SCHEMA });
  } catch (error) {
    throw asLoadError(error, file);
  }
  const lines = new LineFinder(text);
  const starts = documentStarts(events);
  checkSeparators(text, file);
  const directive = starts.findIndex((start) => start.directives);
  if (directive >= 0) {
    throw new ManifestLoadError(file, lines.lineOf(starts[directive].position),
      'the document has a %YAML or %TAG directive, which kubectl cannot read (it splits the file at --- lines before parsing)');
  }
  // kubectl reads one document per --- section: one after a `...` end marker without its own
  // --- is silently dropped (go-yaml stops at the marker), so it would never reach the cluster.
  const dropped = starts.findIndex((start, i) => i > 0 && starts[i - 1].explicitEnd && !start.explicitStart && values[i] !== null && values[i] !== undefined);
  if (dropped >= 0) {
    throw new ManifestLoadError(file, lines.lineOf(starts[dropped].position),
      'this document follows a ... end marker without its own --- line, and kubectl ignores it (it reads one document per --- section); put --- before it');
  }
  return values.map((value, i) => {
    const line = lines.lineOf(starts[i].position);
    if (starts[i].aliased) checkExpansion(value, file, line);
    return { value: asValue(value), line };
  });
}

/**
 * kubectl ends a line at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR too; YAML 1.2 keeps them
 * as text. Read our way, `hostNetwork: false # note<U+2028>hostPID: true` is a comment that
 * hides `hostPID: true` from the review, while the cluster gets it. Such a file is refused.
 */
function checkLineBreaks(text: string, file: string): void {
  const at = text.search(KUBECTL_LINE_BREAKS);
  if (at < 0) return;
  const line = new LineFinder(text).lineOf(at);
  throw new ManifestLoadError(file, line, `contains the character ${KUBECTL_LINE_BREAK_CHARACTERS[text[at]].name}, which kubectl reads as a line break and this review would not, so the two would see different objects; replace it with a real line break, or write it as the escape \\N, \\L or \\P inside double quotes`);
}

/** How deep collections may nest (go-yaml allows 10,000; a real manifest stays under 50). */
const MAX_DEPTH = 1000;

/**
 * kubectl cuts the file into documents at lines starting with `---` before parsing, and
 * refuses such a line with anything but a comment after the dashes ("invalid Yaml document
 * separator"), where YAML itself would read `--- {a: 1}` or `---x: 1`.
 */
function checkSeparators(text: string, file: string): void {
  const lines = new LineFinder(text);
  for (let at = text.startsWith('---') ? 0 : text.indexOf('\n---'); at !== -1; at = text.indexOf('\n---', at + 1)) {
    const start = text[at] === '\n' ? at + 1 : at;
    const end = text.indexOf('\n', start);
    const rest = text.slice(start + 3, end === -1 ? undefined : end).trim();
    if (rest !== '' && !rest.startsWith('#')) {
      throw new ManifestLoadError(file, lines.lineOf(start), `text after the document separator --- on its line ("${rest.slice(0, 40)}"), which kubectl refuses; start the document on the next line`);
    }
  }
}

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
      starts.push({ position, aliased: false, directives: event.directives.length > 0, explicitStart: event.explicitStart, explicitEnd: event.explicitEnd });
    } else if (event.type === EVENT_ID.ALIAS) {
      starts[starts.length - 1].aliased = true;
    }
  }
  return starts;
}

/** Where a node event's text starts (its tag or anchor if any), or undefined for other events. */
function positionOf(event: Event | undefined): number | undefined {
  switch (event?.type) {
    case EVENT_ID.SCALAR: return firstSet(event.tagStart, event.anchorStart, event.valueStart);
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE: return firstSet(event.tagStart, event.anchorStart, event.start);
    case EVENT_ID.ALIAS: return event.anchorStart;
    default: return undefined;
  }
}

/** The smallest of the offsets that are set (-1 means absent). */
function firstSet(...offsets: number[]): number {
  const set = offsets.filter((offset) => offset >= 0);
  return set.length === 0 ? 0 : Math.min(...set);
}

/** 1-based line numbers of offsets that only grow (one pass over the text for the whole file). */
class LineFinder {
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
      throw new ManifestLoadError(file, line, `its aliases expand to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values (kubectl refuses such excessive aliasing too)`);
    }
    path.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
    path.delete(node);
  };
  walk(value);
}

/** A parse error as `file:line: reason (column C)`. */
function asLoadError(error: unknown, file: string): Error {
  if (!(error instanceof YAMLException)) return error instanceof Error ? error : new Error(String(error));
  const reason = REASONS.get(error.reason) ?? error.reason;
  const mark = error.mark;
  return mark ? new ManifestLoadError(file, mark.line + 1, `${reason} (column ${mark.column + 1})`) : new ManifestLoadError(file, 0, reason);
}

/** Clearer words for the parser's most likely complaints. */
const REASONS = new Map([
  ['duplicated mapping key', 'a key is given twice in one mapping (kubectl would keep the last value silently)'],
]);

/**
 * The Kubernetes objects of one document that starts at `file:line`: the object itself, or
 * the items of a `List`. Throws `ManifestLoadError` for anything else.
 */
export function expandList(value: unknown, file: string, line: number): Record<string, unknown>[] {
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ManifestLoadError(file, line, 'expected a Kubernetes object (a mapping with apiVersion and kind)');
  }
  const object = value as Record<string, unknown>;
  if (typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
    throw new ManifestLoadError(file, line, 'object has no apiVersion or kind');
  }
  // `List` and typed lists such as `PodList` (what `kubectl get -o yaml` prints).
  if (object.kind === 'List' || (object.kind.endsWith('List') && Array.isArray(object.items))) {
    const items = object.items;
    if (!Array.isArray(items)) throw new ManifestLoadError(file, line, 'List has no items array');
    return items.flatMap((item) => expandList(item, file, line));
  }
  return [object];
}
