import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFile, replaceFile } from './files';

/**
 * Under `cdk8s synth`, a `HardenedApp` publishes the reviewed output to its own folder (`dist/`)
 * and copies the manifests into the CLI's output folder (`.cdk8s.out/`) for the CLI and its
 * validation plugins. This note, written beside the copies, tells the plugin where each copy was
 * published, so its report names the files users open and counts the same objects as REVIEW.md.
 */
export const PUBLISHED_COPY_NOTE = '.cdk8s-hardened-published.json';

/** The note: the published folder and, per copy (relative to the CLI folder), the file it copies. */
export interface PublishedCopyNote {
  readonly folder: string;
  readonly files: { readonly [copy: string]: string };
}

/**
 * The name the CLI reads a published file under: it lists only `*.yaml` files, so a reviewed
 * `.yml` or `.json` file is copied with `.yaml` appended (both are YAML to kubectl and to the review).
 */
export function copyNameFor(published: string): string {
  return published.endsWith('.yaml') ? published : `${published}.yaml`;
}

/** Copies `files` (relative to `publishedDir`) into `cliDir` and writes the note there. */
export function copyForCli(publishedDir: string, cliDir: string, files: readonly string[]): void {
  const note: { folder: string; files: Record<string, string> } = { folder: displayPath(publishedDir), files: {} };
  for (const relative of [...files].sort()) {
    const copy = copyNameFor(relative);
    const to = path.join(cliDir, copy);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    replaceFile(to, fs.readFileSync(path.join(publishedDir, relative)));
    note.files[copy.split(path.sep).join('/')] = relative.split(path.sep).join('/');
  }
  replaceFile(path.join(cliDir, PUBLISHED_COPY_NOTE), JSON.stringify(note, null, 2) + '\n');
}

/**
 * Where `manifest` (a path the CLI gave a plugin) was published, and the published folder, from
 * the note of the CLI folder that holds it; `undefined` when no note covers it (an app that is not
 * a HardenedApp writes its output to the CLI folder itself). Only names are read from the note.
 */
export function publishedPathOf(manifest: string): { file: string; folder: string } | undefined {
  let dir = path.dirname(path.resolve(manifest));
  for (;;) {
    const note = readNote(path.join(dir, PUBLISHED_COPY_NOTE));
    if (note) {
      const relative = path.relative(dir, path.resolve(manifest)).split(path.sep).join('/');
      const published = note.files[relative];
      return published === undefined ? undefined : { file: path.join(note.folder, published), folder: note.folder };
    }
    const parent = path.dirname(dir);
    if (parent === dir || dir === process.cwd()) return undefined;
    dir = parent;
  }
}

function readNote(file: string): PublishedCopyNote | undefined {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const note = JSON.parse(text) as Partial<PublishedCopyNote>;
    const files = note.files;
    if (typeof note.folder !== 'string' || typeof files !== 'object' || files === null) return undefined;
    if (!Object.values(files).every((f) => typeof f === 'string')) return undefined;
    return { folder: note.folder, files };
  } catch {
    return undefined;
  }
}

/** `dir` relative to the working folder when inside it, with a trailing separator ("dist/"). */
function displayPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(dir) : relative;
  return shown + path.sep;
}
