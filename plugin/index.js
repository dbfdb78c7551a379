'use strict';
// The cdk8s CLI validation plugin of cdk8s-hardened (`package: ./plugin` in cdk8s.yaml, or
// `package: cdk8s-hardened/plugin` once installed). The CLI require()s the plugin, so it must
// be JavaScript. In the published package it is the compiled library (build/); in a checkout
// of the repository the TypeScript source, through tsx's CommonJS API in a namespace of its
// own, so the CLI's process gets no global require hook and a stale build is never used.
const { existsSync } = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'lib', 'review', 'plugin.ts');
module.exports = existsSync(source)
  ? require('tsx/cjs/api').register({ namespace: 'cdk8s-hardened-plugin' }).require(source, __filename)
  : require('../build/lib/review/plugin.js');
