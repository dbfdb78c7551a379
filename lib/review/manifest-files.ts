import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch/posix';
import { compareText } from '../core/compare-text';
import { LoadedManifest, ManifestLoadError, parseManifests, ReadDocument, readDocuments } from './load';

/**
 * Finding and reading manifest files as kubectl finds and reads them (`kubectl apply -f PATH`):
 * which files of a folder count, how their bytes are decoded. `load.ts` turns the text into
 * objects.
 */

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Go's `filepath.Ext`, which kubectl's folder walk matches: from the last dot on, even when
 * the dot starts the name. Node's `path.extname('.yaml')` is '' — a file named `.yaml`, which
 * kubectl applies, would be skipped.
 */
function goExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot);
}

/** How `readManifests` chooses what it reads. */
export interface ManifestReadOptions {
  /**
   * Globs of paths below a given folder not to read (picomatch syntax: `*`, `**`, `?`,
   * `[...]`, `{a,b}`; dot files match too), matched against the path relative to that folder
   * with `/` separators. A matching folder is skipped whole. A file given by name is always
   * read, as kubectl reads it: excluding it would let a gate pass on a file it was asked to judge.
   *
   * @default - none
   */
  readonly exclude?: readonly string[];
  /**
   * Skip a file in which no document is a Kubernetes object (a mapping with `apiVersion` and
   * `kind` strings), such as a CI workflow or Helm's `values.yaml`, instead of refusing it.
   * A file with one object is read whole (and any other document in it refused); a file
   * that cannot be read as YAML is refused all the same: skipping it would let a file the
   * reader refuses (because kubectl would read it differently) pass unseen.
   *
   * @default false
   */
  readonly skipNonObjects?: boolean;
}

/** A file or folder that was found but not read, and why. */
export interface SkippedPath {
  /** The file, or the folder (ending with a path separator), as found below a given path. */
  readonly path: string;
  /** `excluded`: it matches an exclude glob; `not-kubernetes`: no document in it is a Kubernetes object. */
  readonly reason: 'excluded' | 'not-kubernetes';
  /** The glob, or what the file holds instead. */
  readonly detail: string;
}

/** What `readManifests` read, and what it found but did not read (sorted by path). */
export interface ManifestRead {
  readonly manifests: LoadedManifest[];
  readonly skipped: SkippedPath[];
}

/**
 * Reads every manifest in the given files and folders (recursively, `.yaml`, `.yml`,
 * `.json`, in sorted order). Multi-document files and `kind: List` objects are split into
 * their objects; empty documents are skipped.
 */
export function loadManifests(paths: readonly string[]): LoadedManifest[] {
  return readManifests(paths).manifests;
}

/** `loadManifests`, with exclusions and the choice to skip files that hold no Kubernetes object. */
export function readManifests(paths: readonly string[], options: ManifestReadOptions = {}): ManifestRead {
  const excludes = (options.exclude ?? []).map((glob) => ({ glob, matches: picomatch(glob, { dot: true }) }));
  const manifests: LoadedManifest[] = [];
  const skipped: SkippedPath[] = [];
  for (const p of paths) {
    const found = findFiles(p, excludes);
    skipped.push(...found.excluded);
    for (const file of found.files) {
      const text = readText(file);
      if (isOurReport(file, text)) continue;
      if (options.skipNonObjects && !holdsObject(text, file)) {
        skipped.push({ path: file, reason: 'not-kubernetes', detail: 'no document in it has both apiVersion and kind' });
        continue;
      }
      manifests.push(...parseManifests(text, file));
    }
  }
  return { manifests, skipped: skipped.sort((a, b) => compareText(a.path, b.path)) };
}

/**
 * Whether some document of the file is a Kubernetes object, or the file is empty (which
 * reads as nothing anyway). Read with the review's reader, so "object" means what kubectl
 * reads; a file it refuses is refused here too, never skipped.
 */
function holdsObject(text: string, file: string): boolean {
  let documents: ReadDocument[];
  try {
    documents = readDocuments(text, file);
  } catch (error) {
    if (!(error instanceof ManifestLoadError)) throw error;
    throw new ManifestLoadError(
      error.file,
      error.line,
      `${error.detail}; a file that cannot be read is never skipped as not Kubernetes: fix it, or exclude it if it is not a manifest`,
    );
  }
  const present = documents.filter(({ value }) => value !== null && value !== undefined);
  return present.length === 0 || present.some(({ value }) => isObject(value));
}

/**
 * A mapping with `apiVersion` and `kind` strings, or with an `items` field: kubectl reads
 * any mapping with items as a list and creates its items (see `objectsOf`), so such a
 * document is read, never skipped.
 */
function isObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { apiVersion, kind } = value as Record<string, unknown>;
  return (typeof apiVersion === 'string' && typeof kind === 'string') || Object.prototype.hasOwnProperty.call(value, 'items');
}

/**
 * A file's text, read only if it is a regular file. It is opened without blocking and
 * checked on the open descriptor: a FIFO named `*.yaml` would block the read until a writer
 * comes (forever, in CI), a device such as /dev/zero would never end.
 */
function readText(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(file, error); // a socket fails here (ENXIO)
  }
  try {
    let stat: fs.Stats;
    let bytes: Buffer;
    try {
      stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw notRegular(file, kindOf(stat));
      bytes = fs.readFileSync(fd);
    } catch (error) {
      throw error instanceof ManifestLoadError ? error : unreadable(file, error);
    }
    return decodeManifest(bytes, file);
  } finally {
    fs.closeSync(fd);
  }
}

function notRegular(file: string, kind: string): ManifestLoadError {
  return new ManifestLoadError(
    file,
    0,
    `not a regular file (${kind}), so it is not read (it could block the review or never end); ` +
      'save the manifests to a regular file, or pipe them to standard input with the path -',
  );
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isDirectory()) return 'a folder';
  return 'not a file';
}

/** The error for a file, folder or stream that cannot be read, with the system's code. */
export function unreadable(what: string, error: unknown): ManifestLoadError {
  return new ManifestLoadError(what, 0, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

/**
 * A file's text as kubectl decodes it (cli-runtime's FileVisitor: `unicode.BOMOverride` over
 * a UTF-8 decoder): UTF-16 when it starts with a UTF-16 byte order mark (what PowerShell 5's
 * `>` writes), else UTF-8, a UTF-8 byte order mark dropped. Bytes that are not valid in that
 * encoding are refused: Go and JavaScript replace them with U+FFFD by different rules, so the
 * two could read different text.
 *
 * @param name the file (or `<stdin>`) for the error's origin
 */
export function decodeManifest(bytes: Uint8Array, name: string): string {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16) {
    try {
      return new TextDecoder(utf16, { fatal: true }).decode(bytes.subarray(2));
    } catch {
      throw new ManifestLoadError(
        name,
        0,
        `is not valid ${utf16.toUpperCase()} after its byte order mark (an odd number of bytes, or an unpaired surrogate); save it again as UTF-8`,
      );
    }
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // A view of the same bytes, not a copy (a manifest folder can be tens of megabytes).
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
  if (!isUtf8(view)) {
    const at = firstInvalidUtf8(view);
    const line = 1 + view.subarray(0, at).filter((byte) => byte === 0x0a).length;
    throw new ManifestLoadError(
      name,
      line,
      `byte ${start + at} is not valid UTF-8 (kubectl would read it as U+FFFD); save the file as UTF-8`,
    );
  }
  return view.toString('utf8');
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length;) {
    const lead = bytes[at];
    const length =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || !isUtf8(bytes.subarray(at, at + length))) return at;
    at += length;
  }
  return bytes.length;
}

/** The manifest files a path names: the file itself, or those below a folder. */
export function manifestFiles(p: string): string[] {
  return findFiles(p, []).files;
}

interface Exclude {
  readonly glob: string;
  readonly matches: (relative: string) => boolean;
}

/**
 * The files a path names, and what exclusions kept out. Found as kubectl's folder walk
 * (cli-runtime's ExpandPathsToFileVisitors, filepath.Walk) finds them: a file given by name
 * whatever its extension; below a folder, files with a manifest extension, a symbolic link
 * among them read as the file it points to, a symbolic link to a folder not followed (so a
 * link loop cannot recur). The path given is followed if it is a link to a folder, which
 * kubectl does not do: reading more than kubectl skips nothing it would apply.
 */
function findFiles(p: string, excludes: readonly Exclude[]): { files: string[]; excluded: SkippedPath[] } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ManifestLoadError(p, 0, 'no such file or folder');
    throw unreadable(p, error);
  }
  // Not a folder: read as a file (where anything but a regular file is refused).
  if (!stat.isDirectory()) return { files: [p], excluded: [] };
  const files: string[] = [];
  const excluded: SkippedPath[] = [];
  const exclusion = (relative: string) => excludes.find((exclude) => exclude.matches(relative));
  const walk = (dir: string, relativeDir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw unreadable(dir, error);
    }
    for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
      const child = path.join(dir, entry.name);
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        const by = exclusion(relative) ?? exclusion(`${relative}/`);
        if (by) excluded.push(excludedBy(by, child + path.sep));
        else walk(child, relative);
      } else if (MANIFEST_EXTENSIONS.includes(goExtension(entry.name))) {
        const by = exclusion(relative);
        if (by) excluded.push(excludedBy(by, child));
        else files.push(child);
      }
    }
  };
  walk(p, '');
  return { files, excluded };
}

function excludedBy(exclude: Exclude, found: string): SkippedPath {
  return { path: found, reason: 'excluded', detail: `matches the exclude glob '${exclude.glob}'` };
}

/** The names of our own reports, which live next to the manifests. */
const REPORT_NAMES = [
  'review.json',
  'reachability.json',
  'permissions.json',
  'cluster-settings.json',
  'construct-metadata.json',
  'platform.json',
];

/**
 * One of our own reports: a report's name and no Kubernetes object in it. The content counts,
 * not the name alone: kubectl applies a Pod saved as `review.json` like any other file, so
 * such a file is reviewed like any other.
 */
function isOurReport(file: string, text: string): boolean {
  if (!REPORT_NAMES.includes(path.basename(file))) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false; // not the JSON we write: read it as a manifest (and report what is wrong)
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('kind' in value) && !('apiVersion' in value);
}
