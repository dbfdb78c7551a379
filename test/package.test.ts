import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The package as users install it: `npm pack` (which builds it), unpacked into a project's
 * node_modules with the dependencies it declares, used from plain JavaScript: no TypeScript,
 * no tsx, no network.
 */
const ROOT = path.resolve(__dirname, '..');
let project: string;
let unpacked: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [{ filename }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as [{ filename: string }];
  const modules = path.join(project, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', path.join(project, filename), '-C', modules], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  unpacked = path.join(modules, 'cdk8s-hardened');
  fs.renameSync(path.join(modules, 'package'), unpacked);
  const declared = Object.keys(
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: object }).dependencies,
  );
  for (const dependency of declared) fs.symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(modules, dependency));
}, 120_000);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

test('ships the compiled library with its types, the command and the plugin; no TypeScript sources or tests', () => {
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.relative(unpacked, path.join(dir, e.name))]));
  const shipped = files(unpacked);
  expect(shipped).toEqual(
    expect.arrayContaining([
      'build/lib/index.js',
      'build/lib/index.d.ts',
      'bin/cdk8s-hardened.js',
      'plugin/index.js',
      'package.json',
      'README.md',
    ]),
  );
  expect(shipped.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  expect(shipped.filter((f) => /^(test|apps|bench|templates|lib|build\/lib\/cloud)\//.test(f))).toEqual([]);
});

test('a plain JavaScript app synthesizes a reviewed hardened Deployment with it', () => {
  fs.writeFileSync(
    path.join(project, 'app.js'),
    `
    const { Chart } = require('cdk8s');
    const { HardenedApp, HardenedDeployment, HardenedNamespace } = require('cdk8s-hardened');
    const app = new HardenedApp({ outdir: 'dist', reviewDate: '2026-01-15' });
    const shop = new HardenedNamespace(new Chart(app, 'shop'), 'shop');
    new HardenedDeployment(shop, 'web', { containers: [{
      image: 'ghcr.io/example/web:1.0.0@sha256:${'a'.repeat(64)}',
      portNumber: 8080,
      readiness: require('cdk8s-plus-27').Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: require('cdk8s-plus-27').Probe.fromHttpGet('/healthz', { port: 8080 }),
    }] });
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

test('the installed command reviews with the compiled library, and the plugin loads', () => {
  fs.mkdirSync(path.join(project, 'bad'), { recursive: true });
  fs.writeFileSync(
    path.join(project, 'bad', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: main\n    image: nginx\n    securityContext:\n      privileged: yes\n',
  );
  const review = node([path.join(unpacked, 'bin', 'cdk8s-hardened.js'), 'review', 'bad', '--pack', 'pss-baseline']);
  expect(review.status).toBe(1);
  expect(review.stdout).toContain('no-privileged');
  // As the cdk8s CLI loads a plugin package (cdk8s.yaml: `package: cdk8s-hardened/plugin`).
  const plugin = node([
    '-e',
    "const m = require('cdk8s-hardened/plugin'); process.stdout.write(typeof new m.HardenedReviewPlugin({}).validate)",
  ]);
  expect([plugin.status, plugin.stderr, plugin.stdout]).toEqual([0, '', 'function']);
});
