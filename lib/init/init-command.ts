import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { printable } from '../core/printable';
import { folderEntries, someEntries } from '../core/folder-entries';
import { PROJECT_DEPENDENCIES, PROJECT_DEV_DEPENDENCIES, ProjectVersions, packageName, projectFiles } from './project-files';

/**
 * `cdk8s-hardened init [DIR]`: writes a new cdk8s project that uses this library (see
 * `project-files.ts` for what and why) into DIR (default: the current folder), which must be
 * missing or empty. It does not run `npm install`: which client, registry or proxy to use is
 * the user's, and a failed download would hide whether init itself worked.
 */

const NAME = 'cdk8s-hardened init';

/** Where the command writes. */
export interface InitIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** @default - process.cwd() */
  readonly cwd?: () => string;
}

/** What init reads of the running package's package.json: its version and the versions it pins. */
export interface RunningPackage {
  readonly version: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** Usage text. */
export function usage(): string {
  return [
    'Usage: cdk8s-hardened init [DIR]',
    '',
    'Writes a cdk8s project that uses cdk8s-hardened into DIR (default: the current folder), which',
    'must be missing or empty: package.json, tsconfig.json, cdk8s.yaml (with the review plugin),',
    '.gitignore, main.ts (a Tenant with a WebService), main.test.ts, jest.config.js, README.md.',
    'Then: npm install && npx cdk8s synth',
    '',
  ].join('\n');
}

class InitError extends Error {}

/** Runs the command; returns the exit code (0 written, 2 bad usage or a folder it cannot use). */
export function main(argv: readonly string[], io: InitIo, running: RunningPackage): number {
  try {
    const { positionals, values } = parseCommandLine(argv);
    if (values.help) {
      io.stdout.write(usage());
      return 0;
    }
    if (positionals.length > 1) throw new InitError(`one folder at most (got ${positionals.length}: ${positionals.join(' ')}).`);
    const cwd = io.cwd?.() ?? process.cwd();
    const dir = path.resolve(cwd, positionals[0] ?? '.');
    checkEmptyFolder(dir);
    const name = packageName(path.basename(dir));
    const files = projectFiles(name, projectVersions(running));
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content, { flag: 'wx' });
    const where = path.relative(cwd, dir);
    io.stdout.write(
      [
        `Created ${name} in ${dir}: ${Object.keys(files).join(', ')}.`,
        'Next:',
        ...(where ? [`  cd ${where}`] : []),
        '  npm install',
        '  npx cdk8s synth     # reviewed manifests and the review report in dist/',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    io.stderr.write(`${NAME}: ${printable(error.message)}\n`);
    return 2;
  }
}

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new InitError((error as Error).message);
  }
}

/** DIR must be missing or an empty folder: init never overwrites or mixes with existing files. */
function checkEmptyFolder(dir: string): void {
  const entries = folderEntries(dir);
  if (entries === 'not-a-folder') throw new InitError(`${dir} is a file, not a folder. Give a new or empty folder.`);
  if (entries.length) {
    const shown = someEntries(entries);
    throw new InitError(
      `${dir} is not empty (${shown}). Give a new or empty folder: cdk8s-hardened init my-app. ` +
        'To add cdk8s-hardened to an existing cdk8s project, see README "Use it in your own project".',
    );
  }
}

/** The versions to pin, from the running package's package.json (its own devDependencies are what it is tested with). */
function projectVersions(running: RunningPackage): ProjectVersions {
  const pinned = (names: readonly string[]) =>
    Object.fromEntries(
      names.map((name) => {
        const version = running.devDependencies?.[name];
        if (!version) throw new Error(`cdk8s-hardened's package.json has no devDependencies entry for ${name}`);
        return [name, version];
      }),
    );
  return { hardened: running.version, dependencies: pinned(PROJECT_DEPENDENCIES), devDependencies: pinned(PROJECT_DEV_DEPENDENCIES) };
}
