'use strict';
// The cdk8s CLI validation plugin of cdk8s-hardened (`package: ./plugin` in cdk8s.yaml).
// The CLI require()s a local plugin, so it must be JavaScript; this file compiles the
// TypeScript plugin through tsx's CommonJS API, in a namespace of its own, so the CLI's own
// process gets no global require hook.
const { register } = require('tsx/cjs/api');

const tsx = register({ namespace: 'cdk8s-hardened-plugin' });
module.exports = tsx.require('../lib/review/plugin.ts', __filename);
