#!/usr/bin/env node
'use strict';
// The command line of cdk8s-hardened. The library ships as TypeScript without a build step,
// so this loads it through tsx's CommonJS API, in a namespace of its own: only what this file
// requires is compiled, and no global require hook is left behind.
const { register } = require('tsx/cjs/api');

const tsx = register({ namespace: 'cdk8s-hardened-cli' });
const { main } = tsx.require('../lib/review/cli.ts', __filename);
// exitCode rather than exit(): a large report written to a pipe is flushed before node exits.
process.exitCode = main(process.argv.slice(2), process);
