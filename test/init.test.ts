import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createStagingDir } from '../lib/app/publish';
import { main } from '../lib/init/init-command';
import { SEALING_CACHE_FILE, SEALING_CACHE_KEY_FILE } from '../lib/secrets/sealing-cache';
import { ROOT } from './package-support';
import { removeTempDirs, tempDir } from './support';

const RUNNING = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

afterAll(removeTempDirs);

function init(cwd: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: () => cwd };
  const code = main(args, io, RUNNING);
  return { code, stdout, stderr };
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

describe('cdk8s-hardened init', () => {
  test('writes the project into a new folder named after it, pinned to this package and the versions it is tested with', () => {
    const parent = tempDir('init-');
    const { code, stdout, stderr } = init(parent, 'My Team App');
    expect([code, stderr]).toEqual([0, '']);
    const dir = path.join(parent, 'My Team App');
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['.gitignore', 'README.md', 'cdk8s.yaml', 'jest.config.js', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json'].sort(),
    );
    expect(stdout).toContain(`cd My Team App\n  npm install\n  npx cdk8s synth`);
    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg.name).toBe('my-team-app');
    expect(pkg.scripts).toEqual({ synth: 'cdk8s synth', test: 'tsc && jest' });
    const pin = RUNNING.devDependencies;
    expect(pkg.dependencies).toEqual({ 'cdk8s-hardened': RUNNING.version, cdk8s: pin.cdk8s, constructs: pin.constructs });
    expect(pkg.devDependencies).toEqual({
      'cdk8s-cli': pin['cdk8s-cli'],
      tsx: pin.tsx,
      typescript: pin.typescript,
      jest: pin.jest,
      'ts-jest': pin['ts-jest'],
      '@types/jest': pin['@types/jest'],
      '@types/node': pin['@types/node'],
    });
    expect(pin.typescript).toMatch(/^5\.9\./);
    const config = read(dir, 'cdk8s.yaml');
    expect(config).toMatch(/^app: node --import tsx main\.ts$/m);
    expect(config).toMatch(/^output: \.cdk8s\.out$/m);
    expect(config).toContain(
      `validations:\n  - package: ./node_modules/cdk8s-hardened/plugin\n    version: ${RUNNING.version} # the installed cdk8s-hardened version, exactly (the plugin checks it)\n    class: HardenedReviewPlugin\n`,
    );
    expect(read(dir, 'main.ts')).toContain("new MyChart(app, 'my-team-app');");
  });

  test('writes into the current folder when it is empty', () => {
    const dir = tempDir('init-empty-');
    const { code, stdout } = init(dir);
    expect(code).toBe(0);
    expect(stdout).not.toContain('  cd ');
    expect(fs.existsSync(path.join(dir, 'cdk8s.yaml'))).toBe(true);
  });

  test('fails when the folder is not empty, and writes nothing', () => {
    const dir = tempDir('init-full-');
    fs.writeFileSync(path.join(dir, 'main.ts'), 'mine');
    const { code, stdout, stderr } = init(dir, '.');
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(
      `cdk8s-hardened init: ${dir} is not empty (main.ts). Give a new or empty folder: cdk8s-hardened init my-app. ` +
        'To add cdk8s-hardened to an existing cdk8s project, see README "Use it in your own project".\n',
    );
    expect(fs.readdirSync(dir)).toEqual(['main.ts']);
    expect(read(dir, 'main.ts')).toBe('mine');
  });

  test('fails when the path is a file', () => {
    const dir = tempDir('init-file-');
    fs.writeFileSync(path.join(dir, 'app'), '');
    expect(init(dir, 'app')).toEqual({
      code: 2,
      stdout: '',
      stderr: `cdk8s-hardened init: ${path.join(dir, 'app')} is a file, not a folder. Give a new or empty folder.\n`,
    });
  });

  test.each([
    [['a', 'b'], 'cdk8s-hardened init: one folder at most (got 2: a b).\n'],
    [['--install'], "cdk8s-hardened init: Unknown option '--install'"],
  ])('fails on bad usage %j', (args, message) => {
    const dir = tempDir('init-usage-');
    const { code, stderr } = init(dir, ...args);
    expect(code).toBe(2);
    expect(stderr.startsWith(message)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('.gitignore ignores the CLI output, dist/, the publish staging folders and the sealing key, and keeps the sealing cache', () => {
    const dir = tempDir('init-git-');
    expect(init(dir).code).toBe(0);
    expect(spawnSync('git', ['init', '-q'], { cwd: dir }).status).toBe(0);
    const staging = path.basename(createStagingDir(path.join(dir, 'dist')));
    const ignored = (file: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: dir }).status === 0;
    for (const file of [
      `${staging}/x.yaml`,
      '.dist.aside-1-x/x.yaml',
      '.cdk8s.out/x.k8s.yaml',
      'dist/x.k8s.yaml',
      'node_modules/x/index.js',
      SEALING_CACHE_KEY_FILE,
    ]) {
      expect([file, ignored(file)]).toEqual([file, true]);
    }
    for (const file of [SEALING_CACHE_FILE, 'main.ts', 'cdk8s.yaml', '__snapshots__/main.test.ts.snap']) {
      expect([file, ignored(file)]).toEqual([file, false]);
    }
  });
});

test('bin/cdk8s-hardened.js runs init (and still the review command)', () => {
  const dir = tempDir('init-bin-');
  const bin = path.join(ROOT, 'bin', 'cdk8s-hardened.js');
  const run = spawnSync(process.execPath, [bin, 'init', 'app'], { cwd: dir, encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([0, '']);
  expect(JSON.parse(read(path.join(dir, 'app'), 'package.json')).dependencies['cdk8s-hardened']).toBe(RUNNING.version);
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('review PATH')]);
});
