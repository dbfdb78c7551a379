import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package whose version reports carry. */
const PACKAGE_NAME = 'cdk8s-hardened';

let cached: string | undefined;

/**
 * The version of cdk8s-hardened, from its package.json: the nearest one above this file named
 * `cdk8s-hardened` (lib/review in the repository, build/lib/review when installed).
 */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return (cached = manifest.version);
    }
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: no package.json of ${PACKAGE_NAME} above ${__dirname}.`);
  }
}
