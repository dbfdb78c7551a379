import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Output folders that change all at once or not at all.
 *
 * The app writes into a fresh staging folder beside the target; only when the review has
 * passed is the staging folder renamed over the target. A failed synth therefore leaves the
 * previous output exactly as it was, and readers never see a half-written folder.
 */

/** Creates an empty staging folder on the same filesystem as `target`, so renames are atomic. */
export function createStagingDir(target: string): string {
  const parent = path.dirname(path.resolve(target));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.staging-`));
  // mkdtemp creates the folder private (0700); the published folder should read like any other.
  fs.chmodSync(staging, 0o777 & ~process.umask());
  return staging;
}

/** Replaces `target` with `staging` (two renames; the old folder is removed afterwards). */
export function publishDir(staging: string, target: string): void {
  const resolved = path.resolve(target);
  const previous = `${staging}.previous`;
  const hadTarget = fs.existsSync(resolved);
  if (hadTarget) fs.renameSync(resolved, previous);
  try {
    fs.renameSync(staging, resolved);
  } catch (e) {
    if (hadTarget) fs.renameSync(previous, resolved);
    throw e;
  }
  if (hadTarget) fs.rmSync(previous, { recursive: true, force: true });
}

/** Removes a staging folder that will not be published. */
export function discardDir(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
}

/** Copies the files of `source` whose names end with `extension` into `target`, keeping sub-folders. */
export function copyManifests(source: string, target: string, extension: string): void {
  for (const relative of listFiles(source).filter((f) => f.endsWith(extension))) {
    const to = path.join(target, relative);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(source, relative), to);
  }
}

/** Every file below `dir`, as sorted paths relative to it (sorted so output order is stable). */
export function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) found.push(child);
    }
  };
  walk('');
  return found.sort();
}
