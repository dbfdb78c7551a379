import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The installer's own question (which peers' metadata is not cached), asked here before the adoption tests.
const { uncachedPeerSpecs } = require('../scripts/cache-peer-metadata.js') as {
  uncachedPeerSpecs: (env?: NodeJS.ProcessEnv) => string[];
};

/** The repository. */
export const ROOT = path.resolve(__dirname, '..');

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The package as `npm pack` makes it (its prepack builds it), made once per test run: the test
 * files that need it (package, adoption) run in parallel workers and share the tarball in the
 * run's temporary folder (see test/setup/temp-folder.js), the first one packing, the others
 * waiting for it. Returns the tarball's path.
 */
export function packedTarball(): string {
  const dir = path.join(process.env.CDK8S_HARDENED_TEST_TMPDIR ?? os.tmpdir(), 'npm-pack');
  const result = path.join(dir, 'result.json');
  if (!createdNow(dir)) {
    for (let waited = 0; !fs.existsSync(result); waited += 200) {
      if (waited > 300_000) throw new Error(`no tarball in ${dir} after 5 minutes`);
      sleep(200);
    }
    const { tarball, failure } = JSON.parse(fs.readFileSync(result, 'utf8')) as { tarball?: string; failure?: string };
    if (!tarball) throw new Error(`npm pack failed (in another test file): ${failure}`);
    return tarball;
  }
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const outcome =
    pack.status === 0
      ? { tarball: path.join(dir, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as [{ filename: string }])[0].filename) }
      : { failure: pack.stderr };
  fs.writeFileSync(result + '.tmp', JSON.stringify(outcome));
  fs.renameSync(result + '.tmp', result);
  if (!outcome.tarball) throw new Error(`npm pack failed: ${outcome.failure}`);
  return outcome.tarball;
}

/** Whether this call created `dir` (false: it existed). */
function createdNow(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * A package-lock.json for a project whose package.json is `manifest`: the entries of this
 * repository's lock that its dependencies need (and cdk8s-hardened's own, which the tarball
 * brings), found as Node finds a module (nearest node_modules up the tree).
 *
 * Why: `npm install` without a lockfile asks for the full metadata of every package, which
 * `npm ci` (which fills the cache CI installs from) never fetched (it fetches the abbreviated
 * metadata, or none when the lock has `resolved` URLs), so `npm install --offline` fails with
 * ENOTCACHED. Each entry here has its tarball's URL and integrity, so npm needs only the
 * tarballs `npm ci` fetched: the same versions this repository is tested with.
 */
export function lockFor(manifest: { name: string; dependencies?: object; devDependencies?: object }): object {
  const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const repoPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: object;
    peerDependencies: object;
  };
  const packages: Record<string, LockEntry> = {};
  const find = (from: string, name: string): string | undefined => {
    for (let at = from; ; at = at.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const candidate = `${at ? at + '/' : ''}node_modules/${name}`;
      if (repoLock.packages[candidate]) return candidate;
      if (!at) return undefined;
    }
  };
  const visit = (from: string, names: string[], optional: boolean) => {
    for (const name of names) {
      const location = find(from, name);
      if (!location) {
        if (optional) continue;
        throw new Error(`${name} (needed by ${from || 'the project'}) is not in this repository's package-lock.json`);
      }
      if (packages[location]) continue;
      // Without the repository's dev/optional/peer flags: npm computes the project's own.
      const entry: LockEntry = { resolved: tarballUrl(location, repoLock.packages[location]), ...repoLock.packages[location] };
      for (const flag of ['dev', 'optional', 'peer', 'devOptional']) delete entry[flag];
      packages[location] = entry;
      visit(location, Object.keys(entry.dependencies ?? {}), false);
      visit(location, Object.keys({ ...entry.optionalDependencies, ...entry.peerDependencies }), true);
    }
  };
  const direct = { ...manifest.dependencies, ...manifest.devDependencies } as Record<string, string>;
  visit(
    '',
    Object.keys(direct).filter((name) => name !== 'cdk8s-hardened'),
    false,
  );
  visit('', Object.keys({ ...repoPackage.dependencies, ...repoPackage.peerDependencies }), false);
  return {
    name: manifest.name,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: manifest.name, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies }, ...packages },
  };
}

let registry: string | undefined;

/** The registry tarball URL of the package at `location` (as npm writes `resolved`), for the registry npm is configured with. */
function tarballUrl(location: string, entry: LockEntry): string {
  registry ??= spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim().replace(/\/?$/, '/');
  const name = (entry.name as string | undefined) ?? location.replace(/^.*node_modules\//, '');
  return `${registry}${name}/-/${name.replace(/^@[^/]+\//, '')}-${entry.version}.tgz`;
}

/**
 * Throws, saying how to get it, unless npm's cache holds the registry metadata of our peer
 * dependencies at the locked versions: npm resolves a project's peer set from it, offline too
 * (scripts/cache-peer-metadata.js, a step of `npm run test:peers`, puts it there).
 */
export function expectPeerMetadataCached(env: NodeJS.ProcessEnv = process.env): void {
  const missing = uncachedPeerSpecs(env);
  if (missing.length > 0) {
    throw new Error(
      `npm's cache lacks the registry metadata of ${missing.join(', ')}, which an offline install resolves peers from. ` +
        'Run `npm run test:peers` (npm test runs it first; this step is scripts/cache-peer-metadata.js), ' +
        'or `npm run test:quick` to leave out the suites that need the test peers.',
    );
  }
}

/** Runs `command` in `cwd` without the network: npm offline, the cdk8s CLI without its upgrade check. */
export function runOffline(cwd: string, command: string, args: string[]): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_offline: 'true',
    CDK8S_CHECK_UPGRADE: 'false',
    NODE_OPTIONS: '',
  };
  // Not jest's worker (the error printer stays off under jest), nor a cdk8s synth of ours.
  delete env.JEST_WORKER_ID;
  for (const name of Object.keys(env)) if (name.startsWith('CDK8S_') && name !== 'CDK8S_CHECK_UPGRADE') delete env[name];
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
}
