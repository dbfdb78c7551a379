import * as fs from 'node:fs';

/**
 * What a folder the command is to fill holds, so it can refuse one in use: the names in `dir`
 * (sorted; `[]` when nothing is there yet), or `'not-a-folder'` when a file is at the path.
 * Any other error (no permission) is thrown.
 */
export function folderEntries(dir: string): string[] | 'not-a-folder' {
  try {
    return fs.readdirSync(dir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') return 'not-a-folder';
    throw error;
  }
}

/** The first few of `entries`, for a message: `a, b, c, ...`. */
export function someEntries(entries: readonly string[]): string {
  return entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
}
