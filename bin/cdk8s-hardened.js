#!/usr/bin/env node
'use strict';
// The command line of cdk8s-hardened. In the published package it runs the compiled library
// (build/, made by `npm run build` before packing). In a checkout of the repository, where the
// TypeScript sources are, it runs those through tsx's CommonJS API, in a namespace of its
// own, so a stale build is never used and no global require hook is left behind.
const { existsSync } = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'lib', 'review', 'cli.ts');
const { main } = existsSync(source)
  ? require('tsx/cjs/api').register({ namespace: 'cdk8s-hardened-cli' }).require(source, __filename)
  : require('../build/lib/review/cli.js');
// exitCode rather than exit(): a large report written to a pipe is flushed before node exits.
process.exitCode = main(process.argv.slice(2), process);
