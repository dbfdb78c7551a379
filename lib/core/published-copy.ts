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

/**
 * The app's review settings that change the verdict, so the plugin reviews the copies as the
 * app's gate did. Paths are absolute: the plugin may run in another folder than the app.
 */
export interface ReviewInputs {
  /** The platform contract (`platformFile`). */
  readonly platformFile?: string;
  /** The platform team's exceptions file (`exceptionsFile`). */
  readonly exceptionsFile?: string;
  /** The packs applied (`reviewPacks`). */
  readonly packs?: readonly string[];
  /** The day exception expiry dates were checked against (`reviewDate`). */
  readonly today?: string;
  /** The registries images may come from (`allowedRegistries`). */
  readonly allowedRegistries?: readonly string[];
}

/**
 * The note: the published folder, per copy (relative to the CLI folder) the file it copies, and
 * the review settings of the app.
 */
export interface PublishedCopyNote {
  readonly folder: string;
  readonly files: { readonly [copy: string]: string };
  readonly review?: ReviewInputs;
}

/** An object the app synthesized and the construct that made it. */
export interface SynthesizedObject {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly constructPath: string;
}

/** What `copyForCli` writes beside the copies besides the note. */
export interface CliCopyOptions {
  /**
   * The app's review settings, carried in the note.
   *
   * @default - none: the plugin reviews with its own properties only
   */
  readonly review?: ReviewInputs;
  /**
   * `construct-metadata.json` as cdk8s wrote it (object name to construct path), with the
   * objects it describes: written to the CLI folder with one more key per object (see
   * `constructMetadataKey`), since the CLI looks construct paths up by name alone.
   *
   * @default - no construct-metadata.json is written
   */
  readonly constructMetadata?: { readonly text: string; readonly objects: readonly SynthesizedObject[] };
}

/** The file cdk8s writes (object name to construct path) for the CLI's validation report. */
export const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/**
 * The `resourceName` under which the CLI finds an object's construct path in the metadata a
 * HardenedApp writes: `Deployment shop/web`. By name alone the Deployment, Service and
 * autoscaler of one workload, all named `web`, share one entry (the last written).
 */
export function constructMetadataKey(object: { kind: string; namespace?: string; name: string }): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/**
 * The name the CLI reads a published file under: it lists only `*.yaml` files, so a reviewed
 * `.yml` or `.json` file is copied with `.yaml` appended (both are YAML to kubectl and to the review).
 */
export function copyNameFor(published: string): string {
  return published.endsWith('.yaml') ? published : `${published}.yaml`;
}

/** Copies `files` (relative to `publishedDir`) into `cliDir` and writes the note (and the construct metadata) there. */
export function copyForCli(publishedDir: string, cliDir: string, files: readonly string[], options: CliCopyOptions = {}): void {
  const note: { folder: string; files: Record<string, string>; review?: ReviewInputs } = {
    folder: displayPath(publishedDir),
    files: {},
    ...(options.review ? { review: options.review } : {}),
  };
  for (const relative of [...files].sort()) {
    const copy = copyNameFor(relative);
    const to = path.join(cliDir, copy);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    replaceFile(to, fs.readFileSync(path.join(publishedDir, relative)));
    note.files[copy.split(path.sep).join('/')] = relative.split(path.sep).join('/');
  }
  replaceFile(path.join(cliDir, PUBLISHED_COPY_NOTE), JSON.stringify(note, null, 2) + '\n');
  const metadata = options.constructMetadata;
  if (metadata) replaceFile(path.join(cliDir, CONSTRUCT_METADATA_FILE), withObjectKeys(metadata.text, metadata.objects));
}

/** cdk8s's construct metadata (version 1.0.0) with a `constructMetadataKey` entry per object added. */
function withObjectKeys(text: string, objects: readonly SynthesizedObject[]): string {
  const metadata = JSON.parse(text) as { version?: string; resources?: Record<string, { path: string }> };
  // Another version is left as written: the CLI refuses it with its own message.
  if (metadata.version !== '1.0.0' || typeof metadata.resources !== 'object' || metadata.resources === null) return text;
  const resources = { ...metadata.resources };
  for (const object of objects) resources[constructMetadataKey(object)] = { path: object.constructPath };
  return JSON.stringify({ ...metadata, resources });
}

/** Where a CLI copy was published, the published folder, and the app's review settings. */
export interface PublishedPath {
  readonly file: string;
  readonly folder: string;
  readonly review: ReviewInputs;
}

/**
 * Where `manifest` (a path the CLI gave a plugin) was published, and the published folder, from
 * the note of the CLI folder that holds it; `undefined` when no note covers it (an app that is not
 * a HardenedApp writes its output to the CLI folder itself). Only names are read from the note.
 */
export function publishedPathOf(manifest: string): PublishedPath | undefined {
  return publishedPathLookup()(manifest);
}

/**
 * `publishedPathOf` for many manifests: each folder's note is read and parsed once (a plugin run
 * asks for every manifest and every finding; the note lists every file of the output).
 */
export function publishedPathLookup(): (manifest: string) => PublishedPath | undefined {
  const notes = new Map<string, PublishedCopyNote | undefined>();
  const noteIn = (dir: string): PublishedCopyNote | undefined => {
    if (!notes.has(dir)) notes.set(dir, readNote(path.join(dir, PUBLISHED_COPY_NOTE)));
    return notes.get(dir);
  };
  return (manifest) => {
    let dir = path.dirname(path.resolve(manifest));
    for (;;) {
      const note = noteIn(dir);
      if (note) {
        const relative = path.relative(dir, path.resolve(manifest)).split(path.sep).join('/');
        const published = note.files[relative];
        return published === undefined
          ? undefined
          : { file: path.join(note.folder, published), folder: note.folder, review: note.review ?? {} };
      }
      const parent = path.dirname(dir);
      if (parent === dir || dir === process.cwd()) return undefined;
      dir = parent;
    }
  };
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
    return { folder: note.folder, files, review: reviewInputs(note.review) };
  } catch {
    return undefined;
  }
}

/** The review settings of a note, keeping only well-formed ones (the plugin checks their values). */
function reviewInputs(value: unknown): ReviewInputs {
  if (typeof value !== 'object' || value === null) return {};
  const { platformFile, exceptionsFile, packs, today } = value as Record<string, unknown>;
  return {
    ...(typeof platformFile === 'string' ? { platformFile } : {}),
    ...(typeof exceptionsFile === 'string' ? { exceptionsFile } : {}),
    ...(Array.isArray(packs) && packs.every((id) => typeof id === 'string') ? { packs: packs as string[] } : {}),
    ...(typeof today === 'string' ? { today } : {}),
  };
}

/** `dir` relative to the working folder when inside it, with a trailing separator ("dist/"). */
function displayPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(dir) : relative;
  return shown + path.sep;
}
