import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packedTarball, ROOT } from './package-support';
import { removeTempDirs, tempDir } from './support';

/**
 * The package as users install it: `npm pack` (which builds it), unpacked into a project's
 * node_modules with the dependencies it declares and its peers (cdk8s, constructs), used from
 * plain JavaScript and from TypeScript: no tsx, no network. (test/adoption.test.ts installs
 * it with npm into projects as users make them.)
 */
let project: string;
let unpacked: string;
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: object;
  peerDependencies: object;
  devDependencies: Record<string, string>;
};

beforeAll(() => {
  project = tempDir('package-test-');
  const tarball = packedTarball();
  const modules = path.join(project, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', modules], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  unpacked = path.join(modules, 'cdk8s-hardened');
  fs.renameSync(path.join(modules, 'package'), unpacked);
  // Its dependencies and peers, as npm would put them beside it; @types/node for the TypeScript checks.
  for (const dependency of [...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }), '@types/node']) {
    fs.mkdirSync(path.dirname(path.join(modules, dependency)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(modules, dependency));
  }
}, 300_000);

afterAll(removeTempDirs);

function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

test('ships the compiled library and templates with their types, the command and the plugin; no TypeScript sources or tests', () => {
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.relative(unpacked, path.join(dir, e.name))]));
  const shipped = files(unpacked);
  expect(shipped).toEqual(
    expect.arrayContaining([
      'build/lib/index.js',
      'build/lib/index.d.ts',
      'build/lib/init/init-command.js',
      'build/templates/index.js',
      'build/templates/index.d.ts',
      'build/templates/web-service.d.ts',
      'bin/cdk8s-hardened.js',
      'plugin/index.js',
      'package.json',
      'README.md',
    ]),
  );
  expect(shipped.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  expect(shipped.filter((f) => /^(test|apps|bench|templates|lib|build\/lib\/cloud)\/|^build\/templates\/examples/.test(f))).toEqual([]);
});

test('a plain JavaScript app synthesizes a reviewed web service from the templates', () => {
  fs.writeFileSync(
    path.join(project, 'app.js'),
    `
    const { Chart } = require('cdk8s');
    const { HardenedApp } = require('cdk8s-hardened');
    const { Tenant, WebService } = require('cdk8s-hardened/templates');
    const app = new HardenedApp({ outdir: 'dist', reviewDate: '2026-01-15' });
    const shop = new Tenant(new Chart(app, 'shop'), 'shop', { developerGroups: ['oidc:shop-developers'] });
    new WebService(shop, 'web', { image: 'ghcr.io/example/web:1.0.0@sha256:${'a'.repeat(64)}', port: 8080 });
    app.synth();
  `,
  );
  const run = node(['app.js']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const deployment = fs.readFileSync(path.join(project, 'dist', 'shop.k8s.yaml'), 'utf8');
  expect(deployment).toContain('kind: Deployment');
  expect(deployment).toContain('type: RuntimeDefault');
  expect(fs.existsSync(path.join(project, 'dist', 'REVIEW.md'))).toBe(true);
});

test("the exports map: the library, 'cdk8s-hardened/templates', the plugin and package.json resolve; build paths do not", () => {
  const script = `
    const { Tenant, WebService } = require('cdk8s-hardened/templates');
    const { HardenedApp } = require('cdk8s-hardened');
    const results = [typeof Tenant, typeof WebService, typeof HardenedApp,
      require('cdk8s-hardened/package.json').version, typeof require('cdk8s-hardened/plugin').HardenedReviewPlugin,
      typeof require('cdk8s-hardened/lib/secrets/unseal').unsealSealedSecret];
    try { require('cdk8s-hardened/build/lib/index.js'); results.push('deep import resolved'); } catch (e) { results.push(e.code); }
    process.stdout.write(results.join(' '));`;
  const run = node(['-e', script]);
  expect([run.status, run.stderr, run.stdout]).toEqual([
    0,
    '',
    `function function function ${manifest.version} function function ERR_PACKAGE_PATH_NOT_EXPORTED`,
  ]);
});

// TypeScript finds the types of 'cdk8s-hardened/templates' through "exports" (node16, what
// `cdk8s-hardened init` writes) and through "typesVersions" (node10: what `module: CommonJS`
// implies, as in a project made by `cdk8s init typescript-app`).
test.each([
  ['node16', 'node16'],
  ['commonjs', 'node10'],
])('TypeScript (module %s, moduleResolution %s) type-checks an app using the templates, and catches a wrong prop', (module, resolution) => {
  const source = `import { Chart, App } from 'cdk8s';
import { HardenedApp } from 'cdk8s-hardened';
import { Tenant, WebService } from 'cdk8s-hardened/templates';
const app: App = new HardenedApp();
const team = new Tenant(new Chart(app, 'c'), 'team', { developerGroups: ['g'] });
new WebService(team, 'web', { image: 'r/w@sha256:${'0'.repeat(64)}', port: 8080 });
`;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const check = (code: string) => {
    fs.writeFileSync(path.join(project, `check-${resolution}.ts`), code);
    const args = ['--noEmit', '--strict', '--skipLibCheck', '--module', module, '--moduleResolution', resolution, '--types', 'node'];
    return node([tsc, ...args, `check-${resolution}.ts`]);
  };
  const good = check(source);
  expect([good.status, good.stdout]).toEqual([0, '']);
  const bad = check(source.replace('port: 8080', "port: '8080'"));
  expect(bad.status).not.toBe(0);
  expect(bad.stdout).toContain(`check-${resolution}.ts(6,`);
  expect(bad.stdout).toContain("Type 'string' is not assignable to type 'number'");
});

test('the installed command reviews with the compiled library, and the plugin loads', () => {
  fs.mkdirSync(path.join(project, 'bad'), { recursive: true });
  fs.writeFileSync(
    path.join(project, 'bad', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: main\n    image: nginx\n    securityContext:\n      privileged: yes\n',
  );
  const review = node([path.join(unpacked, 'bin', 'cdk8s-hardened.js'), 'review', 'bad', '--pack', 'pss-baseline']);
  expect(review.status).toBe(1);
  expect(review.stdout).toContain('no-privileged');
  // As the cdk8s CLI loads it from the documented line: `package: ./node_modules/cdk8s-hardened/plugin`.
  const plugin = node([
    '-e',
    "const m = require(require('path').resolve('./node_modules/cdk8s-hardened/plugin')); process.stdout.write(typeof new m.HardenedReviewPlugin({}).validate)",
  ]);
  expect([plugin.status, plugin.stderr, plugin.stdout]).toEqual([0, '', 'function']);
});

test("the plugin checks the version cdk8s.yaml gives against the installed package's", async () => {
  // The CLI passes the `version` of the cdk8s.yaml entry as context.version.
  const script = (version: string) => `
    const { HardenedReviewPlugin } = require(require('path').resolve('./node_modules/cdk8s-hardened/plugin'));
    const submitted = [];
    const context = { version: ${JSON.stringify(version)}, manifests: [], report: { addViolation() {}, submit: (s) => submitted.push(s) } };
    new HardenedReviewPlugin({}).validate(context).then(
      () => process.stdout.write('submitted ' + submitted.join()),
      (e) => process.stdout.write(e.stack));`;
  const same = node(['-e', script(manifest.version)]);
  expect([same.status, same.stderr, same.stdout]).toEqual([0, '', 'submitted success']);
  const other = node(['-e', script('0.0.1')]);
  expect([other.status, other.stderr]).toEqual([0, '']);
  expect(other.stdout).toBe(
    `Error: cdk8s-hardened plugin: cdk8s.yaml says version '0.0.1' but cdk8s-hardened ${manifest.version} is installed. ` +
      `Set 'version: ${manifest.version}' in the validations entry of cdk8s.yaml (cdk8s-hardened/plugin).`,
  );
});
