#!/usr/bin/env node
// Puts the registry metadata of our peer dependencies (cdk8s, constructs), at the versions this
// repository's lock pins, into npm's cache. `npm ci` caches tarballs only; the adoption tests install
// the packed library offline into projects like a user's, and npm 11 resolves a peer set from each
// peer's full metadata, which must then be in the cache ("Found: cdk8s@undefined" otherwise).
// Prints "nothing to do" when the cache has them already (`npm view --offline` reads them).
// test/package-support.ts asks `uncachedPeerSpecs` the same question before the adoption tests.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** `name@version` of each peer dependency, at the version package-lock.json pins. */
function peerSpecs() {
  const manifest = require(path.join(ROOT, 'package.json'));
  const lock = require(path.join(ROOT, 'package-lock.json'));
  return Object.keys(manifest.peerDependencies ?? {}).map((name) => {
    const locked = lock.packages[`node_modules/${name}`];
    if (!locked) throw new Error(`${name} is a peer dependency in package.json but not in package-lock.json: run npm install, then again.`);
    return `${name}@${locked.version}`;
  });
}

/** The peer specs whose metadata npm's cache (that of `env`) does not hold. */
function uncachedPeerSpecs(env = process.env) {
  return peerSpecs().filter(
    (spec) => spawnSync('npm', ['view', '--offline', spec, 'version'], { cwd: ROOT, encoding: 'utf8', env }).status !== 0,
  );
}

function main() {
  let missing;
  try {
    missing = uncachedPeerSpecs();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  if (missing.length === 0) {
    console.log(`nothing to do: ${peerSpecs().join(', ')} in npm's cache`);
    return;
  }
  const add = spawnSync('npm', ['cache', 'add', ...missing], { cwd: ROOT, encoding: 'utf8' });
  process.stdout.write(add.stdout);
  process.stderr.write(add.stderr);
  process.exit(add.status ?? 1);
}

module.exports = { uncachedPeerSpecs };

if (require.main === module) main();
