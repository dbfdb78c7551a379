import * as fs from 'node:fs';
import * as path from 'node:path';
import { LoadedManifest, objectsOf, parseManifests } from '../review/load';
import { ManifestYaml } from './manifest-yaml';
import { createFile } from '../core/files';
import { replaceYamlSave } from './cdk8s-compat';
import type { UserFacingError } from './error-printer';
import { printable } from '../core/printable';

/**
 * What cdk8s wrote during one synth, kept in memory so the review gate does not have to
 * parse the YAML back (which cost as much as the synth itself on large apps).
 *
 * cdk8s writes every manifest file with `Yaml.save(file, documents)`. While `recordWrites`
 * runs, `Yaml.save` is replaced by one that writes the very same bytes (the same
 * `Yaml.stringify` of each document, joined the same way) and records the documents and the
 * line each one starts on. The gate then reviews those documents: the objects that were
 * serialized into the file, so the review still judges exactly what is written. The bytes
 * come from `ManifestYaml`, which writes what `Yaml.stringify` writes, faster.
 *
 * Reading the file back could in principle give something other than the object (YAML has
 * no `undefined`; a key `<<` reads back as a merge). `manifestsOf` therefore uses the
 * in-memory documents only when every one of them reads back as itself (see
 * `ManifestYaml`), and parses the file as before otherwise.
 */

/** One file written by `Yaml.save`: its documents and the 1-based line each one's content starts on. */
export interface WrittenFile {
  readonly documents: readonly unknown[];
  readonly lines: readonly number[];
  /** Whether every document reads back as itself (see `ManifestYaml`). */
  readonly readsBack: boolean;
}

/**
 * Runs `synth` while recording every file `Yaml.save` writes (by resolved path; each file is
 * created once, a second write to a path fails). `Yaml.save` is restored afterwards, also on error.
 */
export function recordWrites(synth: () => void): Map<string, WrittenFile> {
  const written = new Map<string, WrittenFile>();
  const yaml = new ManifestYaml();
  replaceYamlSave((filePath: string, docs: unknown[]): void => {
    // `Yaml.stringify(...docs)` is `docs.map(stringify one).join('---\n')`: the same bytes, with
    // each document's text at hand to count its lines.
    const texts: string[] = [];
    const lines: number[] = [];
    let readsBack = true;
    let line = 1;
    for (const doc of docs) {
      const document = yaml.write(doc);
      texts.push(document.text);
      lines.push(line);
      line += document.newlines + 1; // the document's lines, then the `---` separator
      // An empty document (`null`, `undefined`) is skipped whether read back or not.
      if (!document.readsBack && doc !== null && doc !== undefined) readsBack = false;
    }
    const earlier = written.get(path.resolve(filePath));
    if (earlier) throw new SameFileError(filePath, earlier.documents, docs);
    // Into the fresh staging folder: created, never written through a link planted at the path.
    createFile(filePath, texts.join('---\n'));
    written.set(path.resolve(filePath), { documents: docs, lines, readsBack });
  }, synth);
  return written;
}

/**
 * The manifests of `file` (relative to `dir`, as in origins), the same as
 * `parseManifests(<file's text>, file)` returns: from the recorded documents when they read
 * back as themselves, else by parsing the file.
 */
export function manifestsOf(dir: string, file: string, written: ReadonlyMap<string, WrittenFile>): LoadedManifest[] {
  const record = written.get(path.resolve(dir, file));
  if (!record || !record.readsBack) {
    return parseManifests(fs.readFileSync(path.join(dir, file), 'utf8'), file);
  }
  const manifests: LoadedManifest[] = [];
  record.documents.forEach((doc, i) => {
    // `null` and `undefined` documents are empty, which the parser skips.
    if (doc === null || doc === undefined) return;
    const line = record.lines[i];
    for (const object of objectsOf(doc, file, line)) manifests.push({ object, origin: `${file}:${line}` });
  });
  return manifests;
}

/**
 * cdk8s wrote two files to one path: with a file per resource it names them by kind and name
 * only, so two objects of one kind and name in one chart (in two namespaces) would overwrite
 * each other, and the review would judge one of them.
 */
export class SameFileError extends Error implements UserFacingError {
  public readonly userFacing = true;
  constructor(filePath: string, first: readonly unknown[], second: readonly unknown[]) {
    const where = (docs: readonly unknown[]) =>
      docs
        .map((doc) => (doc as { metadata?: { namespace?: string } } | null)?.metadata?.namespace)
        .map((namespace) => (namespace ? `namespace ${namespace}` : 'no namespace'))
        .join(', ');
    super(
      printable(
        `synth would write two objects to ${path.basename(path.dirname(filePath))}/${path.basename(filePath)} (${where(first)}; ${where(second)}), ` +
          'so nothing was published: with a file per resource, cdk8s names files by kind and name only. ' +
          'Put objects of the same kind and name in different charts (a chart per namespace), or choose another yamlOutputType.',
      ),
    );
    this.name = 'SameFileError';
  }
}
