'use strict';
// The cdk8s CLI validation plugin of cdk8s-hardened (`package: ./plugin` in cdk8s.yaml, or
// `package: cdk8s-hardened/plugin` once installed). The CLI require()s the plugin, so it must
// be JavaScript; see ../bin/load-library.js for how the library is loaded.
module.exports = require('../bin/load-library').loadLibraryModule('review/plugin', 'cdk8s-hardened-plugin');
