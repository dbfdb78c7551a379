import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareText } from '../core/compare-text';
import { LoadedManifest, ManifestLoadError, parseManifests } from './load';

/**
 * Finding and reading manifest files as kubectl finds and reads them (`kubectl apply -f PATH`):
 * which files of a folder count, how their bytes are decoded. `load.ts` turns the text into
 * objects.
 */

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads every manifest in the given files and folders (recursively, `.yaml`, `.yml`,
 * `.json`, in sorted order). Multi-document files and `kind: List` objects are split into
 * their objects; empty documents are skipped.
 */
export function loadManifests(paths: readonly string[]): LoadedManifest[] {
  return paths.flatMap((p) => manifestFiles(p)).flatMap((file) => {
    const text = readText(file);
    return isOurReport(file, text) ? [] : parseManifests(text, file);
  });
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  return decodeManifest(bytes);
}

/** The error for a file, folder or stream that cannot be read, with the system's code. */
export function unreadable(what: string, error: unknown): ManifestLoadError {
  return new ManifestLoadError(what, 0, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

/**
 * A file's text as kubectl decodes it: UTF-16 when it starts with a UTF-16 byte order mark
 * (what PowerShell 5's `>` writes; cli-runtime's FileVisitor reads it), else UTF-8.
 */
export function decodeManifest(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // A view of the same bytes, not a copy (a manifest folder can be tens of megabytes).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
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
      throw unreadable(dir, error);
    }
    for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name))) found.push(child);
    }
  };
  walk(p);
  return found;
}

/** The names of our own reports, which live next to the manifests. */
const REPORT_NAMES = ['review.json', 'reachability.json', 'permissions.json', 'cluster-settings.json', 'construct-metadata.json'];

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
