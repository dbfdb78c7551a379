import { compareText } from '../core/compare-text';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments, Tags } from 'yaml';

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

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads every manifest in the given files and folders (recursively, `.yaml`, `.yml`,
 * `.json`, in sorted order). Multi-document files and `kind: List` objects are split into
 * their objects; empty documents are skipped.
 */
export function loadManifests(paths: readonly string[]): LoadedManifest[] {
  return paths.flatMap((p) => manifestFiles(p)).flatMap((file) => parseManifests(readText(file), file));
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestLoadError(file, 0, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The manifest files a path names: the file itself, or those below a folder. */
export function manifestFiles(p: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new ManifestLoadError(p, 0, 'no such file or folder');
  }
  if (stat.isFile()) return [p];
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new ManifestLoadError(dir, 0, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name)) && !isReport(entry.name)) found.push(child);
    }
  };
  walk(p);
  return found;
}

/** Our own reports live next to the manifests and are not manifests. */
function isReport(name: string): boolean {
  return ['review.json', 'reachability.json', 'permissions.json', 'cluster-settings.json', 'construct-metadata.json'].includes(name);
}

/**
 * How manifests are read: as kubectl reads them. kubectl turns YAML into JSON with
 * sigs.k8s.io/yaml, which resolves plain scalars the YAML 1.1 way (go-yaml v2): `yes`, `on`
 * and `y` are `true`, `0b101` and `017` are numbers, `<<` merges a map. Read as YAML 1.2,
 * `privileged: yes` would be the string "yes", pass every rule, and reach the cluster as
 * `privileged: true`. Left out of the 1.1 schema, as go-yaml v2 leaves them strings or
 * JSON cannot hold them: timestamps, base-60 numbers (`1:30`), and the explicit `!!binary`,
 * `!!omap`, `!!pairs` and `!!set` (such a value is read as the plain map, list or string
 * under the tag). Floats need a digit, as go-yaml's do: the yaml library's 1.1 floats would
 * read `e5` and `.` as NaN. Duplicate keys are an error (go-yaml keeps the last one silently).
 */
export const READ_AS_KUBECTL = {
  version: '1.1',
  uniqueKeys: true,
  customTags: (tags: Tags) => tags
    .filter((tag) => (typeof tag === 'string'
      ? !NOT_LIKE_KUBECTL.includes(tag)
      : !NOT_LIKE_KUBECTL.some((name) => tag.tag === `tag:yaml.org,2002:${name}`) && tag.format !== 'TIME'))
    .map((tag) => {
      if (typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:float' || !tag.test) return tag;
      if (tag.format === 'EXP') return { ...tag, test: GO_YAML_EXPONENT_FLOAT };
      return tag.test.test('1.5') ? { ...tag, test: GO_YAML_FLOAT } : tag;
    }),
} as const;
/** Tags of the YAML 1.1 schema that kubectl does not resolve (the base-60 ones are `intTime`, `floatTime`, format `TIME`). */
const NOT_LIKE_KUBECTL = ['timestamp', 'binary', 'omap', 'pairs', 'set', 'intTime', 'floatTime'];
/** go-yaml v2's floats (`yamlStyleFloat`), with the underscores YAML 1.1 allows: a digit before or after the point. */
const GO_YAML_FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
const GO_YAML_EXPONENT_FLOAT = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;

/** Parses the text of one file into its manifests. */
export function parseManifests(text: string, file: string): LoadedManifest[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { ...READ_AS_KUBECTL, lineCounter });
  if (!Array.isArray(documents)) {
    // An empty stream parses to a single empty document in some versions; either way nothing to review.
    return [];
  }
  const manifests: LoadedManifest[] = [];
  for (const doc of documents) {
    const firstError = doc.errors[0];
    if (firstError) {
      const line = lineCounter.linePos(firstError.pos[0]).line;
      // The first line of the message, without the colon that introduces yaml's source excerpt.
      throw new ManifestLoadError(file, line, firstError.message.split('\n')[0].replace(/:$/, ''));
    }
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? 0).line;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    for (const object of expandList(value, file, line)) {
      manifests.push({ object, origin: `${file}:${line}` });
    }
  }
  return manifests;
}

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
