import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import { createStagingDir, discardDir, MARKER_FILE } from '../../lib/app/publish';
import { CONTAINER, removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);
afterEach(() => jest.restoreAllMocks());

const ROOT = path.resolve(__dirname, '../..');
const TODAY = '2026-11-23';

/** A clean app with one workload named `name`, publishing to `outdir`. */
function synth(outdir: string, name = 'web'): void {
  const app = new HardenedApp({ outdir, reviewDate: TODAY });
  new HardenedDeployment(new HardenedNamespace(new Chart(app, 'platform'), 'shop'), name, { containers: [CONTAINER] });
  app.synth();
}

/** Every file below `dir` (links followed at the top only) with its content. */
function contentOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name))] = fs.readFileSync(path.join(entry.parentPath ?? entry.path, entry.name), 'utf8');
  }
  return files;
}

const outdirError = (outdir: string) => `[<root>] HardenedApp 'outdir' '${outdir}' `;

describe('the output folder must be one synth may replace', () => {
  test.each([['.', 'is the project folder'], ['..', 'holds the project folder'], ['/', 'holds the project folder']])('fails on %s (%s), before anything is written', (outdir, why) => {
    expect(() => new HardenedApp({ outdir })).toThrow(`${outdirError(outdir)}${why} (${fs.realpathSync(process.cwd())}), which synth would replace as a whole. Give the output a folder of its own, for example outdir: 'dist'.`);
  });

  test('fails on a folder holding .git (another project), which synth would have deleted', () => {
    const other = tempDir('other-project-');
    fs.mkdirSync(path.join(other, '.git'));
    fs.writeFileSync(path.join(other, 'main.ts'), 'code');
    expect(() => new HardenedApp({ outdir: other })).toThrow(`${outdirError(other)}holds .git, which synth would delete with the folder.`);
    expect(fs.readdirSync(other).sort()).toEqual(['.git', 'main.ts']);
  });

  test('fails on a folder of files no synth wrote, an older version\'s dist/ included, telling to delete it once', () => {
    const dist = path.join(tempDir('legacy-'), 'dist');
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, 'platform.k8s.yaml'), 'kind: Namespace\n');
    fs.writeFileSync(path.join(dist, 'review.json'), '{}');
    expect(() => new HardenedApp({ outdir: dist })).toThrow(`${outdirError(dist)}is a folder that holds files no synth wrote (no ${MARKER_FILE} marker, which earlier versions of this library did not write either), `
      + `and synth replaces its output folder as a whole. If it holds only an earlier output, delete it once (rm -r '${fs.realpathSync(dist)}'); otherwise choose another outdir.`);
  });

  test('fails on a file, and on a link synth did not make', () => {
    const dir = tempDir('odd-');
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    fs.symlinkSync(dir, path.join(dir, 'link'));
    expect(() => new HardenedApp({ outdir: path.join(dir, 'file') })).toThrow('is a file, not a folder. Remove it, or choose another outdir.');
    expect(() => new HardenedApp({ outdir: path.join(dir, 'link') })).toThrow(`is a symbolic link that synth did not make (to '${dir}'). Remove the link, or choose another outdir.`);
  });

  test('is checked again at synth: files put there after the app was created are kept', () => {
    const dist = path.join(tempDir('late-'), 'dist');
    const app = new HardenedApp({ outdir: dist, reviewDate: TODAY });
    new HardenedNamespace(new Chart(app, 'platform'), 'shop');
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, 'notes.txt'), 'mine');
    expect(() => app.synth()).toThrow('is a folder that holds files no synth wrote');
    expect(contentOf(dist)).toEqual({ 'notes.txt': 'mine' });
  });

  test('accepts a missing or empty folder, an earlier synth\'s link, and a plain folder holding the marker (a copied output)', () => {
    const work = tempDir('accepted-');
    synth(path.join(work, 'missing'));
    fs.mkdirSync(path.join(work, 'empty'));
    synth(path.join(work, 'empty'));
    synth(path.join(work, 'empty'));
    fs.cpSync(path.join(work, 'missing'), path.join(work, 'copied'), { recursive: true, dereference: true });
    expect(fs.lstatSync(path.join(work, 'copied')).isDirectory()).toBe(true);
    synth(path.join(work, 'copied'));
    for (const name of ['missing', 'empty', 'copied']) {
      expect(fs.lstatSync(path.join(work, name)).isSymbolicLink()).toBe(true);
      expect(contentOf(path.join(work, name))).toEqual(contentOf(path.join(work, 'missing')));
    }
  });
});

describe('publishing swaps the output in one rename', () => {
  test('dist is a link to a version folder beside it, with the marker; the next synth replaces the link and removes the old version', () => {
    const work = tempDir('swap-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web');
    const first = fs.readlinkSync(dist);
    expect(first).toMatch(/^\.dist\.v-\d+-[0-9a-f]{12}$/);
    expect(fs.readFileSync(path.join(dist, MARKER_FILE), 'utf8')).toBe('Written by cdk8s-hardened (HardenedApp): each synth replaces this folder as a whole.\n');
    synth(dist, 'api');
    const second = fs.readlinkSync(dist);
    expect(second).not.toBe(first);
    expect(fs.readdirSync(work).sort()).toEqual([second, 'dist']);
    expect(fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8')).toContain('name: api');
  });

  test('a crash at the publishing rename leaves dist/ holding the previous output, whole; the next synth cleans up and publishes', () => {
    const work = tempDir('crash-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web');
    const before = contentOf(dist);
    const crashed = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'crash-on-publish-app.ts'), dist, 'api'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, JEST_WORKER_ID: '' },
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(contentOf(dist)).toEqual(before);
    // The crash left the new version and its link beside dist.
    expect(fs.readdirSync(work).filter((name) => /^\.dist\.(v|link)-/.test(name)).length).toBe(3);
    synth(dist, 'api');
    expect(fs.readdirSync(work).sort()).toEqual([fs.readlinkSync(dist), 'dist']);
    expect(fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8')).toContain('name: api');
  }, 60_000);

  test('a crash while a plain output folder (a copied output) is replaced by the link: the next synth first puts the folder back', () => {
    const work = tempDir('migrate-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web');
    const before = contentOf(dist);
    fs.rmSync(dist);
    fs.renameSync(path.join(work, fs.readdirSync(work)[0]), dist); // a plain copy, as a CI artifact restores it
    const rename = fs.renameSync;
    // The module object itself, which publish.ts reads at each call (this file's `fs` is a frozen view).
    jest.spyOn(require('node:fs') as typeof fs, 'renameSync').mockImplementation((from, to) => {
      if (to === dist) throw new Error('crash');
      rename(from, to);
    });
    expect(() => synth(dist, 'api')).toThrow('crash');
    jest.restoreAllMocks();
    expect(fs.existsSync(dist)).toBe(false);
    discardDir(createStagingDir(dist));
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(contentOf(dist)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  });

  test('leftovers of a running process are kept (a concurrent synth), those of a finished one removed', () => {
    const work = tempDir('leftovers-');
    const dist = path.join(work, 'dist');
    const finished = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const name of [`.dist.staging-${process.ppid}-abc123`, `.dist.staging-${finished}-abc123`, `.dist.v-${finished}-abc123`, `.dist.aside-${finished}-abc123`]) {
      fs.mkdirSync(path.join(work, name));
    }
    fs.symlinkSync('nowhere', path.join(work, `.dist.link-${finished}-abc123`));
    synth(dist);
    expect(fs.readdirSync(work).sort()).toEqual([fs.readlinkSync(dist), `.dist.staging-${process.ppid}-abc123`, 'dist'].sort());
  });

  test('git ignores dist and everything beside it with the patterns of this repository\'s .gitignore', () => {
    const project = tempDir('ignored-');
    const git = (...args: string[]) => spawnSync('git', ['-C', project, ...args], { encoding: 'utf8' });
    git('init', '--quiet');
    const patterns = fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n').filter((line) => /^\/\.?dist(\.\*)?$/.test(line));
    expect(patterns).toEqual(['/.dist.*', '/dist']);
    fs.writeFileSync(path.join(project, '.gitignore'), patterns.join('\n') + '\n');
    synth(path.join(project, 'dist'));
    fs.mkdirSync(path.join(project, `.dist.staging-${process.ppid}-abc123`));
    expect(git('status', '--porcelain', '--untracked-files=all').stdout).toBe('?? .gitignore\n');
  });
});
