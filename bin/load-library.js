'use strict';
// How the command (bin/) and the cdk8s plugin (plugin/) load the library. In the published
// package: the compiled library (build/, made by `npm run build` before packing). In a
// checkout of the repository, where the TypeScript sources are: those, through tsx's CommonJS
// API in a namespace of its own, so a stale build is never used and no global require hook is
// left behind.
const { existsSync } = require('node:fs');
const path = require('node:path');

/** The exports of `lib/<module>` (for example `review/cli`). */
module.exports.loadLibraryModule = (module, namespace) => {
  const source = path.join(__dirname, '..', 'lib', `${module}.ts`);
  return existsSync(source)
    ? require('tsx/cjs/api').register({ namespace }).require(source, __filename)
    : require(path.join(__dirname, '..', 'build', 'lib', `${module}.js`));
};
