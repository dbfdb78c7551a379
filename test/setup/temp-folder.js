'use strict';
// Jest global setup and teardown: the whole test run (its workers and every process they
// start) uses one temporary folder, removed afterwards. cdk8s's and cdktf's Testing.app()
// create an output folder under the system's temporary folder per app and never remove it:
// without this, every `npm test` left thousands behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VARIABLE = 'CDK8S_HARDENED_TEST_TMPDIR';

module.exports.setup = async () => {
  const system = os.tmpdir();
  const dir = fs.mkdtempSync(path.join(system, 'cdk8s-hardened-tests-'));
  // tsx keeps its compile cache in the temporary folder (tsx-<uid>); the processes the tests
  // start would otherwise compile everything afresh on every run. Only the cache is shared.
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const tsxCache = path.join(system, `tsx-${uid}`);
  fs.mkdirSync(tsxCache, { recursive: true, mode: 0o700 });
  fs.symlinkSync(tsxCache, path.join(dir, `tsx-${uid}`));
  process.env[VARIABLE] = dir;
  process.env.TMPDIR = dir;
};

module.exports.teardown = async () => {
  const dir = process.env[VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
