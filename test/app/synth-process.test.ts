import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Chart } from 'cdk8s';
import { HardenedApp, HardenedNamespace } from '../../lib';
import { exitCodeAfterFailure, isCommandLineApp, startedByCdk8sSynth } from '../../lib/app/error-printer';

const ROOT = path.resolve(__dirname, '../..');

/** Runs a fixture app the way `cdk8s synth` does (node + tsx), against an output folder. */
function runApp(fixture: string, outdir: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', fixture), outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, JEST_WORKER_ID: '', CDK8S_HARDENED_DEBUG: '', ...env },
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** Runs a fixture app under the real cdk8s CLI (`cdk8s synth --app ... -o cliOutdir`), offline. */
function runUnderCdk8sCli(fixture: string, outdir: string, cliOutdir: string, wrap: (app: string) => string = (app) => app) {
  const cli = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const app = wrap(`node --import tsx ${path.join(__dirname, 'fixtures', fixture)} ${outdir}`);
  const result = spawnSync(process.execPath, [cli, 'synth', '--app', app, '-o', cliOutdir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, JEST_WORKER_ID: '', CDK8S_HARDENED_DEBUG: '', CDK8S_CHECK_UPGRADE: 'false' },
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('a failing synth, as a process', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-process-'));
    // An earlier synth's output: its marker says synth may replace it.
    fs.writeFileSync(path.join(outdir, '.cdk8s-hardened'), '');
    fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kept: true\n');
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('a prop error prints one line naming the construct, field and fix, exits 1 and writes nothing', () => {
    const { status, stderr } = runApp('bad-props-app.ts', outdir);
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Error: \[platform\/shop\/web\] 'containers\[0\]\.image': 'nginx:1\.27' is not pinned by digest.* rule: 'image-digest'/,
      ),
    ]);
    expect(fs.readdirSync(outdir)).toEqual(['.cdk8s-hardened', 'previous.k8s.yaml']);
  });

  test('a process that only imports the app (a server, a tool) keeps its own error handling: no printer is installed', () => {
    const { status, stderr } = runApp('library-host.ts', outdir);
    expect(status).toBe(1);
    // Node's own report: the stack trace the printer would have replaced.
    expect(stderr).toMatch(/HardeningError: \[platform\/shop\/web\] 'containers\[0\]\.image'/);
    expect(stderr).toMatch(/\n\s+at /);
  });

  test('a review failure prints one line per finding without a stack trace, exits 1 and leaves the output as it was', () => {
    const { status, stderr } = runApp('review-failing-app.ts', outdir);
    expect(status).toBe(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Error: review failed: 1 error finding without an exception; .* was left unchanged\.$/),
      expect.stringMatching(/^ {2}\[platform\/shop\/web\] no-host-namespaces at spec\.template\.spec\.hostNetwork: .+ Fix: .+/),
    ]);
    expect(fs.readdirSync(outdir)).toEqual(['.cdk8s-hardened', 'previous.k8s.yaml']);
    expect(fs.readdirSync(path.dirname(outdir)).filter((f) => f.startsWith(`.${path.basename(outdir)}.staging-`))).toEqual([]);
  });
});

describe('a failing synth under `cdk8s synth`', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
    fs.mkdirSync(path.join(work, 'dist'));
    fs.writeFileSync(path.join(work, 'dist', '.cdk8s-hardened'), '');
    fs.writeFileSync(path.join(work, 'dist', 'previous.k8s.yaml'), 'kept: true\n');
    fs.mkdirSync(path.join(work, 'cli-out'));
    fs.writeFileSync(path.join(work, 'cli-out', 'stale.k8s.yaml'), 'stale: true\n');
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  test("fails (exit 1) with our lines and the CLI's one line, no stack trace; no stale output is left for the CLI", () => {
    const { status, stderr } = runUnderCdk8sCli('review-failing-app.ts', path.join(work, 'dist'), path.join(work, 'cli-out'));
    expect(status).toBe(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Error: review failed: 1 error finding without an exception; .* was left unchanged\.$/),
      expect.stringMatching(/^ {2}\[platform\/shop\/web\] no-host-namespaces at /),
      `ERROR: synthesis failed, app expected to create "${path.join(work, 'cli-out')}"`,
    ]);
    expect(fs.readdirSync(path.join(work, 'dist'))).toEqual(['.cdk8s-hardened', 'previous.k8s.yaml']);
    expect(fs.existsSync(path.join(work, 'cli-out'))).toBe(false);
  }, 60_000);

  test('the same two lines when the app command runs through npx and the tsx CLI (more processes between the CLI and the app)', () => {
    const { status, stderr } = runUnderCdk8sCli(
      'review-failing-app.ts',
      path.join(work, 'dist'),
      path.join(work, 'cli-out'),
      () => `npx --no-install tsx ${path.join(__dirname, 'fixtures', 'review-failing-app.ts')} ${path.join(work, 'dist')}; exit $?`,
    );
    expect(status).toBe(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Error: review failed: /),
      expect.stringMatching(/^ {2}\[platform\/shop\/web\] no-host-namespaces at /),
      `ERROR: synthesis failed, app expected to create "${path.join(work, 'cli-out')}"`,
    ]);
    expect(fs.readdirSync(path.join(work, 'dist'))).toEqual(['.cdk8s-hardened', 'previous.k8s.yaml']);
  }, 60_000);

  test("the plugin's report names the published folder and counts what REVIEW.md counts, added files included", () => {
    const dist = path.join(work, 'dist');
    const { status, stdout } = runUnderCdk8sCli('passing-app-with-file.ts', dist, path.join(work, 'cli-out'));
    expect(status).toBe(0);
    const row = (name: string) => new RegExp(`║ ${name} +│ (.*?) +║`).exec(stdout)?.[1];
    const reviewed = JSON.parse(fs.readFileSync(path.join(dist, 'review.json'), 'utf8')) as { counts: { objects: number } };
    expect(row('Published to')).toBe(dist + path.sep);
    expect(row('Objects reviewed')).toBe(String(reviewed.counts.objects));
    // The ConfigMap of the added .yml file is among them, copied under a name the CLI reads.
    expect(stdout).toContain(`- ${path.join(work, 'cli-out', 'extra', 'settings.yml.yaml')}`);
  }, 60_000);

  test("an app deploying into a platform's namespace (platformFile) passes its own review and the plugin's, which reviews as the app did", () => {
    // The platform repository publishes shop with its contract.
    const platform = new HardenedApp({ outdir: path.join(work, 'platform-dist'), publishPlatformContract: true });
    new HardenedNamespace(new Chart(platform, 'platform'), 'shop');
    platform.synth();
    const platformFile = path.join(work, 'platform-dist', 'platform.json');
    const dist = path.join(work, 'dist');
    const { status, stdout, stderr } = runUnderCdk8sCli('tenant-app.ts', `${dist} ${platformFile}`, path.join(work, 'cli-out'));
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const row = (name: string) => new RegExp(`║ ${name} +│ (.*?) +║`).exec(stdout)?.[1];
    expect(row('Status')).toBe('success');
    expect(row("The app's settings used")).toBe('platformFile');
    expect(stdout).not.toContain('workload-namespace-hardened');
    expect(fs.readdirSync(dist)).toContain('shop-app.k8s.yaml');
  }, 60_000);

  test("an app whose exception is in the platform team's exceptionsFile passes its own review and the plugin's", () => {
    const exceptions = path.join(work, 'exceptions.yaml');
    fs.writeFileSync(
      exceptions,
      'exceptions:\n  - rule: workload-namespace-hardened\n    kind: Deployment\n    namespace: shop\n    name: web\n' +
        '    reason: the shop namespace is created by the cluster bootstrap, outside any synth\n',
    );
    const dist = path.join(work, 'dist');
    const { status, stdout, stderr } = runUnderCdk8sCli('tenant-app.ts', `${dist} '' ${exceptions}`, path.join(work, 'cli-out'));
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const row = (name: string) => new RegExp(`║ ${name} +│ (.*?) +║`).exec(stdout)?.[1];
    expect(row('Status')).toBe('success');
    expect(row("The app's settings used")).toBe('exceptionsFile');
    expect(row('Accepted by exceptions')).toBe('1');
  }, 60_000);

  test('started by anything else, the app exits 1 and leaves CDK8S_OUTDIR alone', () => {
    const { status } = runApp('review-failing-app.ts', path.join(work, 'dist'), { CDK8S_OUTDIR: path.join(work, 'cli-out') });
    expect(status).toBe(1);
    expect(fs.readdirSync(path.join(work, 'cli-out'))).toEqual(['stale.k8s.yaml']);
  });

  test('the error printer belongs to a command-line app: under cdk8s synth, or when the entry script creates the app', () => {
    const entry = path.join(ROOT, 'main.ts');
    const stack = `Error\n    at new HardenedApp (${ROOT}/lib/app/hardened-app.ts:1:1)\n    at Object.<anonymous> (${entry}:5:13)`;
    const fromUrl = `Error\n    at new HardenedApp (file://${ROOT}/lib/app/hardened-app.ts:1:1)\n    at file://${entry}:5:13`;
    const cdk8sSynth = { CDK8S_OUTDIR: 'out', CDK8S_RECORD_CONSTRUCT_METADATA: 'false' };
    expect(isCommandLineApp({}, entry, stack)).toBe(true);
    expect(isCommandLineApp({}, entry, fromUrl)).toBe(true);
    expect(isCommandLineApp({}, path.join(ROOT, 'server.js'), stack)).toBe(false);
    // The entry script only imports the module that creates the app: it is lower in the stack, not the creator.
    const imported = `Error\n    at new HardenedApp (${ROOT}/lib/app/hardened-app.ts:1:1)\n    at Object.<anonymous> (${ROOT}/app.ts:5:13)\n    at Object.<anonymous> (${entry}:1:1)`;
    expect(isCommandLineApp({}, entry, imported)).toBe(false);
    expect(isCommandLineApp({}, undefined, stack)).toBe(false);
    expect(isCommandLineApp(cdk8sSynth, path.join(ROOT, 'server.js'), stack)).toBe(true);
    expect(isCommandLineApp({ ...cdk8sSynth, JEST_WORKER_ID: '1' }, entry, stack)).toBe(false);
  });

  test("recognizes the cdk8s CLI's synth by the two variables it sets for the app, and nothing else", () => {
    expect(startedByCdk8sSynth({ CDK8S_OUTDIR: 'out', CDK8S_RECORD_CONSTRUCT_METADATA: 'false' })).toBe(true);
    expect(startedByCdk8sSynth({ CDK8S_OUTDIR: 'out', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' })).toBe(true);
    expect(startedByCdk8sSynth({ CDK8S_OUTDIR: 'out' })).toBe(false);
    expect(startedByCdk8sSynth({ CDK8S_RECORD_CONSTRUCT_METADATA: 'false' })).toBe(false);
    expect(startedByCdk8sSynth({ CDK8S_OUTDIR: '', CDK8S_RECORD_CONSTRUCT_METADATA: 'false' })).toBe(false);
  });

  test('exits 0 only under cdk8s synth, and never removing a folder that holds the working folder', () => {
    const cliOut = path.join(work, 'cli-out');
    const synth = (outdir: string) => ({ CDK8S_OUTDIR: outdir, CDK8S_RECORD_CONSTRUCT_METADATA: 'false' });
    expect(exitCodeAfterFailure({})).toBe(1);
    expect(exitCodeAfterFailure({ CDK8S_OUTDIR: cliOut })).toBe(1);
    expect(fs.existsSync(cliOut)).toBe(true);
    expect(exitCodeAfterFailure(synth(process.cwd()))).toBe(1);
    expect(exitCodeAfterFailure(synth(path.dirname(process.cwd())))).toBe(1);
    expect(fs.existsSync(process.cwd())).toBe(true);
    expect(exitCodeAfterFailure(synth(cliOut))).toBe(0);
    expect(fs.existsSync(cliOut)).toBe(false);
  });
});
