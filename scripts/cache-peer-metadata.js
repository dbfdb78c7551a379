#!/usr/bin/env node
// Puts the registry metadata of our peer dependencies (cdk8s, constructs), at the versions this
// repository's lock pins, into npm's cache. `npm ci` caches tarballs only; the adoption tests install
// the packed library offline into projects like a user's, and npm 11 resolves a peer set from each
// peer's full metadata, which must then be in the cache ("Found: cdk8s@undefined" otherwise).
// Prints "nothing to do" when the cache has them already (`npm view --offline` reads them).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const manifest = require(path.join(ROOT, 'package.json'));
const lock = require(path.join(ROOT, 'package-lock.json'));

const npm = (args) => spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8' });

const specs = Object.keys(manifest.peerDependencies ?? {}).map((name) => {
  const locked = lock.packages[`node_modules/${name}`];
  if (!locked) {
    console.error(`${name} is a peer dependency in package.json but not in package-lock.json: run npm install, then again.`);
    process.exit(1);
  }
  return `${name}@${locked.version}`;
});

const missing = specs.filter((spec) => npm(['view', '--offline', spec, 'version']).status !== 0);
if (missing.length === 0) {
  console.log(`nothing to do: ${specs.join(', ')} in npm's cache`);
  process.exit(0);
}
const add = npm(['cache', 'add', ...missing]);
process.stdout.write(add.stdout);
process.stderr.write(add.stderr);
process.exit(add.status ?? 1);
