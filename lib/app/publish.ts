import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFile, MARKER_FILE, pathExists } from '../core/files';

/**
 * Output folders that change whole or not at all, and never destroy what synth did not write.
 *
 * A synth writes into a fresh staging folder beside the target, `.dist.staging-<pid>-<random>`;
 * only once the review has passed does it become the output, in one of two layouts
 * (`PublishLayout`):
 *
 * - `folder` (the default): `dist` is a plain folder. The previous one is renamed aside
 *   (`.dist.aside-*`) and the staging folder renamed in, then the old one removed. Between the
 *   two renames there is no `dist`; a synth that dies there leaves the previous output aside,
 *   and the next synth puts it back before anything else (a second rename that fails rather
 *   than dies puts it back at once). A plain folder is what every tool expects:
 *   `kubectl apply -f dist`, kubeconform, and Git (GitOps repositories commit it).
 * - `link`: `dist` is a symbolic link to a version folder beside it (`.dist.v-*`), and a new
 *   link is renamed over it: rename(2) replaces a link in one step, so readers and a crash
 *   only ever see a whole output. (Two folders could only be swapped with
 *   renameat2(RENAME_EXCHANGE), which Node does not offer.) The price: Go programs that walk a
 *   folder (kubectl, kubeconform) do not follow a link given as the root, so it must be named
 *   `dist/`, and Git commits the link, not the files.
 *
 * Everything stays in `dist`'s parent (one filesystem, so each rename is atomic). Leftovers of
 * a crashed synth are removed by the next one, except those of a process still running (a
 * concurrent synth's). Every name starts with `.dist.`, so `/.dist.*` in .gitignore covers them.
 * Every output carries `MARKER_FILE`, so a later synth knows the folder is its own to replace
 * (see `whyNotPublishable`).
 */

/** How the output folder is published. */
export enum PublishLayout {
  /** A plain folder, replaced by two renames (the previous one put back after a crash between them). */
  FOLDER = 'folder',
  /** A symbolic link to a version folder, replaced by one rename: never a moment without a whole output. */
  LINK = 'link',
}

export { MARKER_FILE };
const MARKER_TEXT = 'Written by cdk8s-hardened (HardenedApp): each synth replaces this folder as a whole.\n';

type Kind = 'staging' | 'v' | 'link' | 'aside';

/** Names of the siblings of `target` this module creates, with the process that created them. */
function siblingPattern(target: string): RegExp {
  const base = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${base}\\.(staging|v|link|aside)-(\\d+)-[A-Za-z0-9]+$`);
}

function siblingPrefix(target: string, kind: Kind): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${kind}-${process.pid}-`);
}

/**
 * Why synth must not replace `target`, with the fix, or `undefined` when it may: `target` does
 * not exist, is an empty folder, or was written by an earlier synth (its link or its marker).
 */
export function whyNotPublishable(target: string, projectDir: string = process.cwd()): string | undefined {
  const resolved = realParentJoin(target);
  const project = realOrResolved(projectDir);
  const ownFolder = "Give the output a folder of its own, for example outdir: 'dist'.";
  const relative = path.relative(resolved, project);
  if (relative === '') return `is the project folder (${project}), which synth would replace as a whole. ${ownFolder}`;
  if (!relative.startsWith('..') && !path.isAbsolute(relative))
    return `holds the project folder (${project}), which synth would replace as a whole. ${ownFolder}`;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(resolved);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) {
    if (liveVersion(resolved) !== undefined) return undefined;
    return `is a symbolic link that synth did not make (to '${fs.readlinkSync(resolved)}'). Remove the link, or choose another outdir.`;
  }
  if (!stat.isDirectory()) return 'is a file, not a folder. Remove it, or choose another outdir.';
  const entries = fs.readdirSync(resolved);
  if (entries.includes('.git')) return `holds .git, which synth would delete with the folder. ${ownFolder}`;
  if (entries.length === 0 || entries.includes(MARKER_FILE)) return undefined;
  return (
    `holds files no synth of this library wrote (no ${MARKER_FILE} marker), ` +
    `and synth replaces its output folder as a whole. If it is the old output of \`cdk8s synth\` (output: dist) or another earlier output, delete it once (rm -r '${resolved}'); otherwise choose another outdir.`
  );
}

/**
 * Creates an empty staging folder beside `target` (one filesystem, so renames are atomic),
 * holding the marker, after cleaning up what a crashed synth left there.
 */
export function createStagingDir(target: string): string {
  const resolved = path.resolve(target);
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  recoverLeftovers(resolved);
  const staging = fs.mkdtempSync(siblingPrefix(resolved, 'staging'));
  // mkdtemp creates the folder private (0700); the published folder should read like any other.
  fs.chmodSync(staging, 0o777 & ~process.umask());
  createFile(path.join(staging, MARKER_FILE), MARKER_TEXT);
  return staging;
}

/** Makes `staging` the content of `target` (see the top of this file for the two layouts). */
export function publishDir(staging: string, target: string, layout: PublishLayout = PublishLayout.FOLDER): void {
  const resolved = path.resolve(target);
  if (layout === PublishLayout.FOLDER) {
    // Whatever is there (an earlier folder, or a link of the other layout) is moved aside first,
    // and moved back by the next synth if this one dies before the new folder is in place.
    const aside = pathExists(resolved) ? siblingPrefix(resolved, 'aside') + unique() : undefined;
    if (aside !== undefined) fs.renameSync(resolved, aside);
    try {
      fs.renameSync(staging, resolved);
    } catch (error) {
      // A failure (not a crash) puts the previous output back at once; if even that fails, the next synth does.
      if (aside !== undefined) {
        try {
          fs.renameSync(aside, resolved);
        } catch {
          // left aside, for the next synth
        }
      }
      throw error;
    }
    removeLeftovers(resolved);
    return;
  }
  const version = siblingPrefix(resolved, 'v') + unique();
  fs.renameSync(staging, version);
  const link = siblingPrefix(resolved, 'link') + unique();
  fs.symlinkSync(path.basename(version), link, 'dir');
  // A plain folder cannot be replaced by a link in one rename: it is moved aside first.
  if (isRealDirectory(resolved)) fs.renameSync(resolved, siblingPrefix(resolved, 'aside') + unique());
  fs.renameSync(link, resolved);
  removeLeftovers(resolved);
}

/** Removes a staging folder that will not be published. */
export function discardDir(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
}

/**
 * Puts back what a crashed publish moved aside (the previous folder, or link), then removes the
 * other leftovers. The aside of a process still running is not taken: that is a concurrent
 * synth between its two renames, about to put its own output in place.
 */
function recoverLeftovers(target: string): void {
  const pattern = siblingPattern(target);
  if (!pathExists(target)) {
    const aside = fs
      .readdirSync(path.dirname(target))
      .sort()
      .find((name) => {
        const match = pattern.exec(name);
        return match?.[1] === 'aside' && !isOtherRunningProcess(Number(match[2]));
      });
    if (aside !== undefined) fs.renameSync(path.join(path.dirname(target), aside), target);
  }
  removeLeftovers(target);
}

/** Removes every sibling of `target` made here, except the live version and those of running processes. */
function removeLeftovers(target: string): void {
  const pattern = siblingPattern(target);
  const live = liveVersion(target);
  for (const name of fs.readdirSync(path.dirname(target))) {
    const match = pattern.exec(name);
    if (!match || name === live) continue;
    if (isOtherRunningProcess(Number(match[2]))) continue;
    fs.rmSync(path.join(path.dirname(target), name), { recursive: true, force: true });
  }
}

/** The name of the version `target` links to, when it is a link this module made. */
function liveVersion(target: string): string | undefined {
  let to: string;
  try {
    to = fs.readlinkSync(target);
  } catch {
    return undefined;
  }
  return siblingPattern(target).exec(to)?.[1] === 'v' ? to : undefined;
}

function unique(): string {
  return randomBytes(6).toString('hex');
}

/** Whether `pid` is a process other than this one, still running (its leftovers are its own). */
function isOtherRunningProcess(pid: number): boolean {
  return pid !== process.pid && isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isRealDirectory(file: string): boolean {
  try {
    return fs.lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}

function realOrResolved(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** `file` with the links in its existing ancestors resolved, its own name kept (a link at `file` is not followed). */
function realParentJoin(file: string): string {
  const resolved = path.resolve(file);
  const parent = path.dirname(resolved);
  if (parent === resolved) return resolved;
  return path.join(pathExists(parent) ? realOrResolved(parent) : realParentJoin(parent), path.basename(resolved));
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
