/**
 * ts-jest transpiles each file on its own (isolatedModules: no type check, ~3x faster);
 * `npm test` runs `tsc --noEmit` first so type errors still fail the build.
 * (@swc/jest is faster still, but its platform binaries are not all served by the
 * registry here, so `npm ci` cannot install from a lock that includes it.)
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // One temporary folder for the run, removed at its end (see test/setup/temp-folder.js).
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
};
