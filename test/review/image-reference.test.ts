/**
 * The pull policy the API server defaults (image-reference.ts), on references its parser
 * (distribution/reference v0.6.0, go-digest v1.0.0) reads in different ways. The answers are
 * those of the Go code, run on the same strings when the cases were written.
 */
import { defaultsToAlways } from '../../lib/review/rules/pod/image-reference';

const HEX = 'ab'.repeat(32);

test.each<[string, boolean]>([
  ['nginx', true],
  ['nginx:latest', true],
  ['nginx:1.27', false],
  [`nginx@sha256:${HEX}`, false],
  [`nginx:latest@sha256:${HEX}`, true],
  [`nginx:latest@sha256:${HEX.slice(2)}`, false],
  [`nginx:latest@sha256:${HEX.toUpperCase()}`, false],
  [`nginx:latest@sha512:${HEX}${HEX}`, true],
  [`nginx@md5:${HEX.slice(32)}`, false],
  ['ghcr.io/Example/app', false],
  ['Example/app:latest', true],
  ['index.docker.io/app', true],
  ['localhost:5000/app', true],
  ['[::1]:5000/app:latest', true],
  ['app:-bad', false],
  [HEX, false],
  ['a___b/app', false],
  ['registry.example.com:5000/shop/web:latest', true],
])('%s defaults to Always: %s', (image, always) => {
  expect(defaultsToAlways(image)).toBe(always);
});

test('no image gets IfNotPresent', () => {
  expect(defaultsToAlways(undefined)).toBe(false);
});
