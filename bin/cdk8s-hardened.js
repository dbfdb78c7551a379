#!/usr/bin/env node
'use strict';
// The command line of cdk8s-hardened (see load-library.js for how the library is loaded).
const { loadLibraryModule } = require('./load-library');

const { main } = loadLibraryModule('review/cli', 'cdk8s-hardened-cli');
// exitCode rather than exit(): a large report written to a pipe is flushed before node exits.
process.exitCode = main(process.argv.slice(2), process);
