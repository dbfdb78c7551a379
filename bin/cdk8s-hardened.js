#!/usr/bin/env node
'use strict';
// The command line of cdk8s-hardened (see load-library.js for how the library is loaded):
// `init` scaffolds a project (lib/init), anything else is the review command (lib/review/cli).
const { loadLibraryModule } = require('./load-library');

const args = process.argv.slice(2);
const { main } =
  args[0] === 'init'
    ? loadLibraryModule('init/init-command', 'cdk8s-hardened-init')
    : loadLibraryModule('review/cli', 'cdk8s-hardened-cli');
// exitCode rather than exit(): a large report written to a pipe is flushed before node exits.
// init is given this package's own package.json: the versions it writes into the new project.
process.exitCode = args[0] === 'init' ? main(args.slice(1), process, require('../package.json')) : main(args, process);
