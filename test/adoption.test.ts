import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GITIGNORE_LINES } from '../lib/init/project-files';
import { codeBlocks } from './docs/markdown';
import { expectPeerMetadataCached, lockFor, packedTarball, ROOT, runOffline } from './package-support';
import { removeTempDirs, tempDir } from './support';

/**
 * Adoption as a new user does it, offline: the package as `npm pack` makes it, a project made
 * by `cdk8s-hardened init` (and one laid out by `cdk8s init typescript-app`, with the library
 * added as README "Use it in your own project" says), installed from npm's cache, then
 * `npx cdk8s synth` with the plugin and the project's own `npm test`; and a broken app fails
 * with one line, leaving dist/ as it was.
 */
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let work: string;
let tarball: string;

beforeAll(() => {
  expectPeerMetadataCached();
  work = tempDir('adoption-');
  tarball = packedTarball();
}, 300_000);
afterAll(removeTempDirs);

/** Every file under `dir` with its bytes, by relative path. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      out[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'base64');
  }
  return out;
}

/** `npm install --offline` of the tarball (and what package.json lists), from a lock of this repository's versions (see lockFor). */
function installOffline(project: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lockFor(manifest), null, 2));
  const install = runOffline(project, 'npm', ['install', '--offline', '--no-audit', '--no-fund', tarball]);
  if (install.status !== 0) throw new Error(`npm install --offline failed:\n${install.stdout}\n${install.stderr}`);
}

const synth = (project: string) => runOffline(project, 'npx', ['cdk8s', 'synth']);

/** The project's `npm test`: the first run writes the snapshot (as a user's first run does; CI mode would refuse), the second reads it as CI does. */
function expectProjectTestsPass(project: string, firstRunArgs: string[]): void {
  const first = runOffline(project, 'npm', ['test', '--', '--ci=false', ...firstRunArgs]);
  expect({ status: first.status, out: first.status ? first.stdout + first.stderr : '' }).toEqual({ status: 0, out: '' });
  const snapshot = fs.readFileSync(path.join(project, '__snapshots__', 'main.test.ts.snap'), 'utf8');
  expect(snapshot).toContain('"kind": "Deployment"');
  const again = runOffline(project, 'npm', ['test', '--', '--ci']);
  expect({ status: again.status, out: again.status ? again.stdout + again.stderr : '' }).toEqual({ status: 0, out: '' });
  expect(again.stderr).toMatch(/1 passed/);
}

/** A synth that passes: the reviewed manifests and the review report in dist/, and the plugin's report from the CLI. */
function expectReviewedSynth(project: string, manifest: string): void {
  const run = synth(project);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  expect(run.stdout).toMatch(/Plugin\s+│ .*node_modules\/cdk8s-hardened\/plugin/);
  expect(run.stdout).toMatch(/Version\s+│ (\S+)/);
  expect(/Version\s+│ (\S+)/.exec(run.stdout)![1]).toBe(VERSION);
  expect(run.stdout).toMatch(/Status\s+│ success/);
  expect(run.stdout).toContain('Validations ended succesfully');
  const dist = path.join(project, 'dist');
  const yaml = fs.readFileSync(path.join(dist, manifest), 'utf8');
  expect(yaml).toContain('kind: Deployment');
  expect(yaml).toContain('type: RuntimeDefault');
  const review = JSON.parse(fs.readFileSync(path.join(dist, 'review.json'), 'utf8'));
  expect(review.counts.objects).toBeGreaterThan(5);
  expect(review.findings.filter((f: { exception?: unknown }) => !f.exception)).toEqual([]);
  expect(fs.readFileSync(path.join(dist, 'REVIEW.md'), 'utf8')).toMatch(/^# /);
}

/** Breaks the image tag: the synth fails with one line (the construct path, the field, the fix) and dist/ stays byte for byte. */
function expectBrokenAppFailsInOneLine(project: string): void {
  const main = path.join(project, 'main.ts');
  const good = fs.readFileSync(main, 'utf8');
  const before = filesUnder(path.join(project, 'dist'));
  fs.writeFileSync(main, good.replace(/web:1\.0\.0@sha256:0+'/, "web:latest'"));
  try {
    const run = synth(project);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^Error: \[\S+\/team\/web\/web\] 'containers\[0\]\.image': 'registry\.example\.com\/team\/web:latest' is not pinned by digest.* Pin it as repo@sha256:<digest>/,
      ),
      // The cdk8s CLI's own line for an app that failed (see lib/app/error-printer.ts).
      'ERROR: synthesis failed, app expected to create ".cdk8s.out"',
    ]);
    expect(filesUnder(path.join(project, 'dist'))).toEqual(before);
  } finally {
    fs.writeFileSync(main, good);
  }
}

describe('a project made by cdk8s-hardened init', () => {
  let project: string;

  beforeAll(() => {
    // The command as installed: the packed package, unpacked, run with no dependency installed.
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    expect(spawnSync('tar', ['-xzf', tarball, '-C', unpacked]).status).toBe(0);
    const init = runOffline(work, process.execPath, [path.join(unpacked, 'package', 'bin', 'cdk8s-hardened.js'), 'init', 'my-app']);
    expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: '' });
    project = path.join(work, 'my-app');
    installOffline(project);
  }, 300_000);

  test('npx cdk8s synth reviews with the plugin and publishes dist/', () => expectReviewedSynth(project, 'my-app.k8s.yaml'), 120_000);

  test("the project's npm test type-checks and passes its snapshot test", () => expectProjectTestsPass(project, []), 120_000);

  test('a broken app fails the synth with one line and leaves dist/ as it was', () => expectBrokenAppFailsInOneLine(project), 120_000);

  test("the project's test runs the review: a workload in a namespace the app does not declare fails npm test, as it fails synth", () => {
    const main = path.join(project, 'main.ts');
    const good = fs.readFileSync(main, 'utf8');
    const undeclared = good.replace(
      "new WebService(team, 'web'",
      "new WebService(new Chart(this, 'other', { namespace: 'elsewhere' }), 'web'",
    );
    expect(undeclared).not.toBe(good);
    fs.writeFileSync(main, undeclared);
    try {
      const run = runOffline(project, 'npm', ['test', '--', '--ci']);
      expect(run.status).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(/review failed: .*error finding/);
      expect(run.stdout + run.stderr).toContain('elsewhere');
      expect(synth(project).status).toBe(1);
    } finally {
      fs.writeFileSync(main, good);
    }
  }, 120_000);

  test('the plugin fails in one line when cdk8s.yaml names another version', () => {
    const config = path.join(project, 'cdk8s.yaml');
    const good = fs.readFileSync(config, 'utf8');
    fs.writeFileSync(config, good.replace(`version: ${VERSION}`, 'version: 9.9.9'));
    try {
      const run = synth(project);
      expect(run.status).toBe(1);
      // The CLI prints a plugin's error as an object: brackets around it, no stack trace.
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        `[Error: cdk8s-hardened plugin: cdk8s.yaml says version '9.9.9' but cdk8s-hardened ${VERSION} is installed. ` +
          `Set 'version: ${VERSION}' in the validations entry of cdk8s.yaml (cdk8s-hardened/plugin).]`,
      ]);
    } finally {
      fs.writeFileSync(config, good);
    }
  }, 120_000);
});

/** The files of `cdk8s init typescript-app`, rendered as the CLI renders them (sscaff), from the template the CLI ships. */
function cdk8sInitTypescriptApp(project: string): void {
  const template = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const variables: Record<string, string> = {
    $base: path.basename(project),
    cdk8s_core_version: lock['node_modules/cdk8s'].version,
    cdk8s_plus_version: lock['node_modules/cdk8s-plus-33'].version,
    constructs_version: lock['node_modules/constructs'].version,
    cdk8s_cli_spec: lock['node_modules/cdk8s-cli'].version,
  };
  fs.cpSync(template, project, { recursive: true, filter: (source) => !/\.hooks\.sscaff\.js$/.test(source) });
  fs.renameSync(path.join(project, '{{}}.gitignore'), path.join(project, '.gitignore'));
  for (const file of ['package.json', 'main.ts']) {
    const text = fs.readFileSync(path.join(project, file), 'utf8');
    fs.writeFileSync(
      path.join(project, file),
      text.replace(/\{\{ *([$\w]+) *\}\}/g, (_, name: string) => variables[name]),
    );
  }
}

/** The README's section on adding the library to a project. */
function readmeAdoptionSection(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your own project');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

/** The cdk8s.yaml lines the README gives for an existing project, dedented, with the version it says. */
function readmeCdk8sYaml(): string {
  const [block, ...others] = codeBlocks('README.md', readmeAdoptionSection()).filter((b) => b.info[0] === 'yaml');
  expect(others).toEqual([]);
  const lines = block.code.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const yaml = lines.map((l) => l.slice(indent)).join('\n');
  expect(yaml).toContain(`version: ${VERSION} `);
  return yaml;
}

describe('an existing project laid out by cdk8s init typescript-app, with the library added as documented', () => {
  let project: string;

  beforeAll(() => {
    project = path.join(work, 'existing-app');
    cdk8sInitTypescriptApp(project);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies;
    // The template's @types/node ^14 is not among this repository's packages (npm's cache); our pin stands in.
    manifest.devDependencies['@types/node'] = pinned['@types/node'];
    // Documented: npm install cdk8s-hardened && npm install -D tsx (the tarball below stands for the first).
    manifest.devDependencies.tsx = pinned.tsx;
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    // Documented: cdk8s.yaml runs the app with tsx, writes the CLI output to .cdk8s.out, and loads the plugin.
    // The README's block, verbatim, replaces the template's app line.
    const config = path.join(project, 'cdk8s.yaml');
    const yaml = fs.readFileSync(config, 'utf8').replace(/^app: npx ts-node main\.ts\n/m, '');
    expect(yaml).not.toMatch(/^(app|output|validations):/m);
    fs.writeFileSync(config, `${yaml.trimEnd()}\n${readmeCdk8sYaml()}\n`);
    // Documented: .gitignore gains the library's lines (the README names each of them).
    const ignored = GITIGNORE_LINES.filter((line) => !line.startsWith('#'));
    expect(ignored.filter((line) => !readmeAdoptionSection().includes(`\`${line}\``))).toEqual([]);
    fs.appendFileSync(path.join(project, '.gitignore'), `\n${GITIGNORE_LINES.join('\n')}\n`);
    // Documented: HardenedApp instead of App; and the team's chart uses the templates.
    const main = path.join(project, 'main.ts');
    const code = fs
      .readFileSync(main, 'utf8')
      .replace(
        "import { App, Chart, ChartProps } from 'cdk8s';",
        "import { Chart, ChartProps } from 'cdk8s';\nimport { HardenedApp } from 'cdk8s-hardened';\nimport { Tenant, WebService } from 'cdk8s-hardened/templates';",
      )
      .replace('const app = new App();', 'const app = new HardenedApp();')
      .replace(
        '// define resources here',
        "const team = new Tenant(this, 'team', { developerGroups: ['oidc:team-developers'] });\n" +
          `    new WebService(team, 'web', { image: 'registry.example.com/team/web:1.0.0@sha256:${'0'.repeat(64)}', port: 8080 });`,
      );
    expect(code).toContain('new HardenedApp()');
    fs.writeFileSync(main, code);
    installOffline(project);
  }, 300_000);

  test('npx cdk8s synth reviews with the plugin and publishes dist/', () => expectReviewedSynth(project, 'existing-app.k8s.yaml'), 120_000);

  test(
    "the project's npm test passes (its snapshot updated for the new chart, as after any change)",
    () => expectProjectTestsPass(project, ['-u']),
    120_000,
  );

  test('a broken app fails the synth with one line and leaves dist/ as it was', () => expectBrokenAppFailsInOneLine(project), 120_000);
});
