import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package this library is. */
export const PACKAGE_NAME = 'cdk8s-hardened';

let cached: { root: string; version: string } | undefined;

/**
 * The folder and version of cdk8s-hardened: the nearest package.json above this file named
 * `cdk8s-hardened` (lib/core in the repository, build/lib/core when installed).
 */
export function packageRoot(): { readonly root: string; readonly version: string } {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string')
        return (cached = { root: dir, version: manifest.version });
    }
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: no package.json of ${PACKAGE_NAME} above ${__dirname}.`);
  }
}
