import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file that marks a folder as written by a synth (HardenedApp's published output), hence replaceable by the next one. */
export const MARKER_FILE = '.cdk8s-hardened';

/**
 * How the library writes and reads files: never through a symbolic link planted at the path.
 *
 * A file is created with O_CREAT|O_EXCL (which refuses any existing path, a link included,
 * rather than following it) and O_NOFOLLOW. A file that may already exist is replaced by a
 * new one renamed over it: rename(2) replaces a link at the path instead of writing where it
 * points. Files are read only when regular: a FIFO or a device would hang or never end.
 */

const { O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_WRONLY } = fs.constants;
// Absent on Windows, where O_EXCL alone refuses a link at the path.
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** Opens `file` for writing; it must not exist. The descriptor is the caller's to close. */
export function openNewFile(file: string, mode: number = 0o666): number {
  return fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
}

/** Creates `file` (it must not exist, not even as a link) holding `data`. */
export function createFile(file: string, data: string | Uint8Array, mode: number = 0o666): void {
  const fd = openNewFile(file, mode);
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `file` whole: a new file beside it, renamed over it (a link at `file` is replaced, not followed). */
export function replaceFile(file: string, data: string | Uint8Array, mode: number = 0o666): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  createFile(temporary, data, mode);
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** The error code `readRegularFile` throws for a FIFO, socket, device or folder. */
export const NOT_REGULAR_FILE = 'NOT_REGULAR_FILE';

/**
 * The bytes of `file`, which must be a regular file (links to one are followed). Opened with
 * O_NONBLOCK so that opening a FIFO returns at once, to be refused, instead of waiting for a writer.
 */
export function readRegularFile(file: string): Buffer {
  const fd = fs.openSync(file, O_RDONLY | O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) {
      throw Object.assign(new Error(`${file} is not a regular file`), { code: NOT_REGULAR_FILE });
    }
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether anything, a dangling link included, is at `file`. */
export function pathExists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
