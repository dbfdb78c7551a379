/**
 * Tests run through @swc/jest (no type check, ~5x faster than ts-jest);
 * `npm test` runs `tsc --noEmit` first so type errors still fail the build.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
