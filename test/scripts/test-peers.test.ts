/**
 * The test peers' wiring: every suite that uses a peer is in the one list `npm run test:quick`
 * leaves out (jest.quick.config.js), every installer such a suite names is a step of
 * scripts/ensure-test-peers.js (which `npm test` runs first), and that installer fails on a
 * missing prerequisite with one message that says what is missing and how to get it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectPeerMetadataCached } from '../package-support';
import { removeTempDirs, tempDir } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const quick = require('../../jest.quick.config.js');
const installer = fs.readFileSync(path.join(ROOT, 'scripts/ensure-test-peers.js'), 'utf8');

afterAll(removeTempDirs);

/** Every test file, relative to the repository, but this one (it names peers to test the installer). */
function testFiles(dir = path.join(ROOT, 'test')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'peers' ? [] : testFiles(file);
    return entry.name.endsWith('.test.ts') && file !== __filename ? [path.relative(ROOT, file)] : [];
  });
}

/** A suite uses a peer when it guards proofs on an installed tool or on npm's cache, reads .tools/, or runs the api-server peer. */
const USES_PEER = /withInstalledTool\(|expectPeerMetadataCached\(|\.tools\/|from '[./]*api-server-peer'/;
const usesPeer = (file: string) => USES_PEER.test(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const leftOutOfQuick = (file: string) =>
  quick.testPathIgnorePatterns.some((pattern: string) => new RegExp(pattern.replace('<rootDir>', ROOT)).test(path.join(ROOT, file)));

test('every suite that uses a test peer is left out of test:quick', () => {
  const peerSuites = testFiles().filter(usesPeer);
  expect(peerSuites.length).toBeGreaterThan(10);
  expect(peerSuites.filter((file) => !leftOutOfQuick(file))).toEqual([]);
});

test('test:quick leaves out only suites that use a test peer', () => {
  expect(testFiles().filter((file) => leftOutOfQuick(file) && !usesPeer(file))).toEqual([]);
  // An entry that names no file (renamed, moved) would leave out nothing and pass the test above.
  const ignored = quick.testPathIgnorePatterns.filter((pattern: string) => pattern.startsWith('^<rootDir>/'));
  expect(
    ignored.filter(
      (pattern: string) => !testFiles().some((file) => new RegExp(pattern.replace('<rootDir>', ROOT)).test(path.join(ROOT, file))),
    ),
  ).toEqual([]);
});

test('every installer a suite names is a step of scripts/ensure-test-peers.js', () => {
  const sources = [...testFiles(), 'test/package-support.ts'].map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8'));
  const named = new Set(sources.flatMap((source) => source.match(/install-[a-z-]+\.sh|cache-peer-metadata\.js/g) ?? []));
  expect(named.size).toBeGreaterThanOrEqual(3);
  expect([...named].filter((script) => !installer.includes(`'${script}'`))).toEqual([]);
});

test('npm test installs the peers first; test:quick runs the same checks without them', () => {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
  const checks = 'tsc --noEmit -p tsconfig.json && npm run --silent lint && jest';
  expect(scripts.test).toBe(`node scripts/ensure-test-peers.js && ${checks}`);
  expect(scripts['test:quick']).toBe(`node jest.quick.config.js && ${checks} -c jest.quick.config.js`);
  expect(scripts['test:peers']).toBe('node scripts/ensure-test-peers.js');
});

/** A copy of the installer and its scripts in a folder of its own, with test/peers/<peer>/go.mod for each of `peers`. */
function installerCopy(peers: readonly string[]): string {
  const root = tempDir('test-peers-');
  fs.mkdirSync(path.join(root, 'scripts'));
  for (const file of fs
    .readdirSync(path.join(ROOT, 'scripts'))
    .filter((f) => /^(ensure-test-peers\.js|install-.*\.sh|pinned-go-module\.sh)$/.test(f)))
    fs.copyFileSync(path.join(ROOT, 'scripts', file), path.join(root, 'scripts', file));
  for (const peer of peers) {
    fs.mkdirSync(path.join(root, 'test/peers', peer), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'test/peers', peer, 'go.mod'), path.join(root, 'test/peers', peer, 'go.mod'));
  }
  return root;
}

/** A PATH with node and bash but no go. */
function pathWithoutGo(): string {
  const dirs = [...new Set([path.dirname(process.execPath), '/usr/bin', '/bin'])];
  const withGo = dirs.filter((dir) => fs.existsSync(path.join(dir, 'go')));
  if (withGo.length > 0) throw new Error(`cannot make a PATH without go: go is in ${withGo.join(', ')}`);
  return dirs.join(path.delimiter);
}

test('without Go, the first step with work to do fails with what is missing and how to get it', () => {
  const root = installerCopy(['kubectl-yaml']);
  // kubeseal and promtool are there at their pinned versions, so their steps have nothing to do and need no Go.
  const pinned = /^KUBESEAL_VERSION=(v[0-9.]+)/m.exec(fs.readFileSync(path.join(ROOT, 'scripts/install-kubeseal.sh'), 'utf8'))![1];
  const prometheus = /^PROMETHEUS_VERSION=([0-9.]+)/m.exec(fs.readFileSync(path.join(ROOT, 'scripts/install-promtool.sh'), 'utf8'))![1];
  fs.mkdirSync(path.join(root, '.tools/bin'), { recursive: true });
  fs.writeFileSync(path.join(root, '.tools/bin/kubeseal'), `#!/bin/sh\necho 'kubeseal version: ${pinned}'\n`, { mode: 0o755 });
  fs.writeFileSync(
    path.join(root, '.tools/bin/promtool'),
    `#!/bin/sh\necho 'promtool, version ${prometheus} (branch: , revision: unknown)'\n`,
    {
      mode: 0o755,
    },
  );

  const run = spawnSync(process.execPath, [path.join(root, 'scripts/ensure-test-peers.js')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: pathWithoutGo() },
  });
  expect(run.status).toBe(1);
  expect(run.stdout.split('\n')).toEqual([
    expect.stringMatching(/^test peers 1\/4: kubeseal \(~\d+ (s|min) on a cold machine\) \.\.\. up to date$/),
    expect.stringMatching(/^test peers 2\/4: promtool \(~[\d.]+ (s|min) on a cold machine\) \.\.\. up to date$/),
    expect.stringMatching(/^test peers 3\/4: kubectl-yaml \(~\d+ (s|min) on a cold machine\) \.\.\. FAILED$/),
    '',
  ]);
  expect(run.stderr).toContain('there is no `go` on PATH');
  expect(run.stderr).toContain('https://go.dev/doc/install');
  expect(run.stderr).toContain('npm run test:quick');
  // One message: the script's own "Go is not installed" line is not repeated.
  expect(run.stderr).not.toContain('install-peers:');
  expect(fs.existsSync(path.join(root, '.tools/bin/kubectl-yaml'))).toBe(false);
});

test("the adoption suite fails with how to get it when npm's cache lacks our peers' registry metadata", () => {
  const emptyCache = { ...process.env, npm_config_cache: tempDir('empty-npm-cache-') };
  expect(() => expectPeerMetadataCached(emptyCache)).toThrow(
    /registry metadata of cdk8s@[\d.]+, constructs@[\d.]+.*npm run test:peers.*cache-peer-metadata\.js/,
  );
});
