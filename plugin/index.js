'use strict';
// The cdk8s CLI validation plugin of cdk8s-hardened. The CLI require()s the plugin, so it must
// be JavaScript; see ../bin/load-library.js for how the library is loaded. In cdk8s.yaml:
//
//   validations:
//     - package: ./node_modules/cdk8s-hardened/plugin   # `./plugin` in this repository
//       version: 0.1.0                                   # the installed version, exactly
//       class: HardenedReviewPlugin
//
// Only a local path works: for a package name (`cdk8s-hardened/plugin`) the CLI runs
// `npm install <name>@<version>` into its own plugin folder, which fails for a subpath, and it
// needs `version` even for a local path, which it does not check. This plugin checks it: the
// version printed in the CLI's validation report must be the version that ran.
const lib = require('../bin/load-library').loadLibraryModule('review/plugin', 'cdk8s-hardened-plugin');
const { version: installed } = require('../package.json');

/**
 * One line, no stack: the CLI prints a plugin's error as an object (util.inspect), which shows
 * its stack; a stack without frames prints as `[Error: <message>]`.
 */
function versionMismatch(given) {
  const error = new Error(
    `cdk8s-hardened plugin: cdk8s.yaml says version '${given}' but cdk8s-hardened ${installed} is installed. ` +
      `Set 'version: ${installed}' in the validations entry of cdk8s.yaml (cdk8s-hardened/plugin).`,
  );
  error.stack = `Error: ${error.message}`;
  return error;
}

class HardenedReviewPlugin extends lib.HardenedReviewPlugin {
  /** Fails when the `version` of the plugin's entry in cdk8s.yaml is not the installed version. */
  async validate(context) {
    if (context.version !== installed) throw versionMismatch(context.version);
    return super.validate(context);
  }
}

module.exports = { ...lib, HardenedReviewPlugin };
