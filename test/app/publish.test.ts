import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace, PublishLayout } from '../../lib';
import { createStagingDir, discardDir, listFiles, MARKER_FILE } from '../../lib/app/publish';
import { CONTAINER, removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);
afterEach(() => jest.restoreAllMocks());

const ROOT = path.resolve(__dirname, '../..');
const TODAY = '2026-11-23';

const { FOLDER, LINK } = PublishLayout;
const MARKER_TEXT = 'Written by cdk8s-hardened (HardenedApp): each synth replaces this folder as a whole.\n';

/** A clean app with one workload named `name`, publishing to `outdir` (in the default layout unless given). */
function synth(outdir: string, name = 'web', publishLayout?: PublishLayout): void {
  const app = new HardenedApp({ outdir, reviewDate: TODAY, ...(publishLayout === undefined ? {} : { publishLayout }) });
  new HardenedDeployment(new HardenedNamespace(new Chart(app, 'platform'), 'shop'), name, { containers: [CONTAINER] });
  app.synth();
}

/** An app whose review fails (a workload on the host network), publishing to `outdir`. */
function failingSynth(outdir: string): void {
  const app = new HardenedApp({ outdir, reviewDate: TODAY });
  const web = new HardenedDeployment(new HardenedNamespace(new Chart(app, 'platform'), 'shop'), 'web', { containers: [CONTAINER] });
  ApiObject.of(web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
  app.synth();
}

/** Runs a clean app in a child process killed (SIGKILL) at a rename of publishing (see the fixture). */
function crashingSynth(outdir: string, name: string, layout: PublishLayout, at: 'into' | 'aside' = 'into') {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures', 'crash-on-publish-app.ts'), outdir, name, layout, at],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, JEST_WORKER_ID: '' },
    },
  );
}

/** A fresh folder whose `dist` holds a first output (workload `web`), and that output's content. */
function firstOutput(prefix: string, layout?: PublishLayout): { work: string; dist: string; before: Record<string, string> } {
  const work = tempDir(prefix);
  const dist = path.join(work, 'dist');
  synth(dist, 'web', layout);
  return { work, dist, before: contentOf(dist) };
}

/** A synth of the default layout (workload `api`) publishes: `dist`, a plain folder holding it, alone in `work`. */
function expectNextSynthPublishes(work: string, dist: string): void {
  synth(dist, 'api');
  expect(fs.readdirSync(work)).toEqual(['dist']);
  expect(fs.lstatSync(dist).isDirectory()).toBe(true);
  expect(fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8')).toContain('name: api');
}

/** What `work` holds beside `dist`, sorted. */
const besideDist = (work: string) =>
  fs
    .readdirSync(work)
    .filter((name) => name !== 'dist')
    .sort();

/**
 * The manifests a walk finds that does not follow a link given as its root, as Go's
 * filepath.WalkDir (kubectl -f, kubeconform) walks: a link at the root is a file that is not a
 * manifest, so nothing is found.
 */
function manifestsWalkedFrom(root: string): string[] {
  if (!fs.lstatSync(root).isDirectory()) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/** `git ls-files -s` of every file of `project` not ignored by a .gitignore holding `patterns`, once added. */
function committedFiles(project: string, patterns: string[]): string[] {
  const git = (...args: string[]) => spawnSync('git', ['-C', project, ...args], { encoding: 'utf8' });
  expect(git('init', '--quiet').status).toBe(0);
  fs.writeFileSync(path.join(project, '.gitignore'), patterns.join('\n') + '\n');
  expect(git('add', '--all').status).toBe(0);
  return git('ls-files', '--stage').stdout.trim().split('\n');
}

/** Every file below `dir` (links followed at the top only) with its content. */
function contentOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files[path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name))] = fs.readFileSync(
        path.join(entry.parentPath ?? entry.path, entry.name),
        'utf8',
      );
  }
  return files;
}

const outdirError = (outdir: string) => `[<root>] HardenedApp 'outdir' '${outdir}' `;

describe('the output folder must be one synth may replace', () => {
  test.each([
    ['.', 'is the project folder'],
    ['..', 'holds the project folder'],
    ['/', 'holds the project folder'],
  ])('fails on %s (%s), before anything is written', (outdir, why) => {
    expect(() => new HardenedApp({ outdir })).toThrow(
      `${outdirError(outdir)}${why} (${fs.realpathSync(process.cwd())}), which synth would replace as a whole. Give the output a folder of its own, for example outdir: 'dist'.`,
    );
  });

  test('fails on a folder holding .git (another project), which synth would have deleted', () => {
    const other = tempDir('other-project-');
    fs.mkdirSync(path.join(other, '.git'));
    fs.writeFileSync(path.join(other, 'main.ts'), 'code');
    expect(() => new HardenedApp({ outdir: other })).toThrow(`${outdirError(other)}holds .git, which synth would delete with the folder.`);
    expect(fs.readdirSync(other).sort()).toEqual(['.git', 'main.ts']);
  });

  test('fails on a folder of files no synth wrote, the old dist/ of `cdk8s synth` included, telling to delete it once', () => {
    const dist = path.join(tempDir('legacy-'), 'dist');
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, 'platform.k8s.yaml'), 'kind: Namespace\n');
    fs.writeFileSync(path.join(dist, 'review.json'), '{}');
    expect(() => new HardenedApp({ outdir: dist })).toThrow(
      `${outdirError(dist)}holds files no synth of this library wrote (no ${MARKER_FILE} marker), ` +
        `and synth replaces its output folder as a whole. If it is the old output of \`cdk8s synth\` (output: dist) or another earlier output, delete it once (rm -r '${fs.realpathSync(dist)}'); otherwise choose another outdir.`,
    );
  });

  test('fails on a file, and on a link synth did not make', () => {
    const dir = tempDir('odd-');
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    fs.symlinkSync(dir, path.join(dir, 'link'));
    expect(() => new HardenedApp({ outdir: path.join(dir, 'file') })).toThrow(
      'is a file, not a folder. Remove it, or choose another outdir.',
    );
    expect(() => new HardenedApp({ outdir: path.join(dir, 'link') })).toThrow(
      `is a symbolic link that synth did not make (to '${dir}'). Remove the link, or choose another outdir.`,
    );
  });

  test('is checked again at synth: files put there after the app was created are kept', () => {
    const dist = path.join(tempDir('late-'), 'dist');
    const app = new HardenedApp({ outdir: dist, reviewDate: TODAY });
    new HardenedNamespace(new Chart(app, 'platform'), 'shop');
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, 'notes.txt'), 'mine');
    expect(() => app.synth()).toThrow('holds files no synth of this library wrote');
    expect(contentOf(dist)).toEqual({ 'notes.txt': 'mine' });
  });

  test.each([FOLDER, LINK])(
    "accepts a missing or empty folder, an earlier synth's output and a plain folder holding the marker (a copied output), layout %s",
    (layout) => {
      const work = tempDir('accepted-');
      synth(path.join(work, 'missing'), 'web', layout);
      fs.mkdirSync(path.join(work, 'empty'));
      synth(path.join(work, 'empty'), 'web', layout);
      synth(path.join(work, 'empty'), 'web', layout);
      fs.cpSync(path.join(work, 'missing'), path.join(work, 'copied'), { recursive: true, dereference: true });
      expect(fs.lstatSync(path.join(work, 'copied')).isDirectory()).toBe(true);
      synth(path.join(work, 'copied'), 'web', layout);
      for (const name of ['missing', 'empty', 'copied']) {
        const stat = fs.lstatSync(path.join(work, name));
        expect(stat.isSymbolicLink()).toBe(layout === LINK);
        expect(stat.isDirectory()).toBe(layout === FOLDER);
        expect(contentOf(path.join(work, name))).toEqual(contentOf(path.join(work, 'missing')));
      }
      if (layout === FOLDER) expect(fs.readdirSync(work).sort()).toEqual(['copied', 'empty', 'missing']);
    },
  );
});

describe('PublishLayout.FOLDER (the default): dist is a plain folder, replaced by two renames', () => {
  test('dist is a plain folder holding the marker; the next synth replaces it whole and leaves nothing beside it', () => {
    const work = tempDir('folder-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web');
    expect(fs.lstatSync(dist).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(dist, MARKER_FILE), 'utf8')).toBe(MARKER_TEXT);
    expect(fs.readdirSync(work)).toEqual(['dist']);
    synth(dist, 'api');
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.readdirSync(work)).toEqual(['dist']);
    const manifest = fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8');
    expect(manifest).toContain('name: api');
    expect(manifest).not.toContain('name: web');
    expect(fs.readFileSync(path.join(dist, MARKER_FILE), 'utf8')).toBe(MARKER_TEXT);
  });

  test('consumers of `-f dist` (kubectl, kubeconform: a Go walk that does not follow a link at its root) find every manifest', () => {
    const dist = path.join(tempDir('walked-'), 'dist');
    synth(dist);
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.statSync(dist).isDirectory()).toBe(true);
    expect(manifestsWalkedFrom(dist)).toEqual(['platform.k8s.yaml']);
    expect(manifestsWalkedFrom(`${dist}/`)).toEqual(['platform.k8s.yaml']);
  });

  test("a GitOps repository that commits dist commits its files (a crash's leftovers ignored by /.dist.*)", () => {
    const project = tempDir('gitops-');
    const dist = path.join(project, 'dist');
    synth(dist);
    fs.mkdirSync(path.join(project, `.dist.aside-${process.ppid}-abc123`));
    fs.writeFileSync(path.join(project, `.dist.aside-${process.ppid}-abc123`, 'old.k8s.yaml'), 'kind: Namespace\n');
    const committed = committedFiles(project, ['/.dist.*']);
    expect(committed.map((line) => line.split('\t')[1])).toEqual(['.gitignore', ...listFiles(dist).map((file) => `dist/${file}`)]);
    expect(committed.every((line) => line.startsWith('100644 '))).toBe(true);
    expect(committed.map((line) => line.split('\t')[1])).toContain('dist/platform.k8s.yaml');
  });

  test('a crash (SIGKILL) between the two renames leaves no dist and the previous output whole aside; the next synth publishes and leaves only dist', () => {
    const { work, dist, before } = firstOutput('folder-crash-');
    const crashed = crashingSynth(dist, 'api', FOLDER);
    expect(crashed.signal).toBe('SIGKILL');
    expect(fs.existsSync(dist)).toBe(false);
    const leftovers = besideDist(work);
    // The previous output moved aside, and the new one, reviewed, still in its staging folder.
    expect(leftovers).toEqual([
      expect.stringMatching(new RegExp(`^\\.dist\\.aside-${crashed.pid}-[0-9a-f]{12}$`)),
      expect.stringMatching(new RegExp(`^\\.dist\\.staging-${crashed.pid}-`)),
    ]);
    expect(contentOf(path.join(work, leftovers[0]))).toEqual(before);
    expectNextSynthPublishes(work, dist);
  }, 60_000);

  test('after such a crash, the next synth puts the previous output back before anything else, even when its own review fails', () => {
    const { work, dist, before } = firstOutput('folder-recover-');
    expect(crashingSynth(dist, 'api', FOLDER).signal).toBe('SIGKILL');
    expect(fs.existsSync(dist)).toBe(false);
    expect(() => failingSynth(dist)).toThrow('no-host-namespaces at spec.template.spec.hostNetwork');
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(contentOf(dist)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(['dist']);
  }, 60_000);

  test('a crash (SIGKILL) at the first rename leaves the previous dist in place, whole', () => {
    const { work, dist, before } = firstOutput('folder-crash-first-');
    const crashed = crashingSynth(dist, 'api', FOLDER, 'aside');
    expect(crashed.signal).toBe('SIGKILL');
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(contentOf(dist)).toEqual(before);
    expect(besideDist(work)).toEqual([expect.stringMatching(new RegExp(`^\\.dist\\.staging-${crashed.pid}-`))]);
    expectNextSynthPublishes(work, dist);
  }, 60_000);

  test('a second rename that fails (rather than dies) puts the previous output back at once', () => {
    const { work, dist, before } = firstOutput('folder-fail-');
    const rename = fs.renameSync;
    // The module object itself, which publish.ts reads at each call (this file's `fs` is a frozen view).
    jest.spyOn(require('node:fs') as typeof fs, 'renameSync').mockImplementation((from, to) => {
      if (to === dist && path.basename(String(from)).startsWith('.dist.staging-')) throw new Error('EIO: i/o error, rename');
      rename(from, to);
    });
    expect(() => synth(dist, 'api')).toThrow('EIO: i/o error, rename');
    jest.restoreAllMocks();
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(contentOf(dist)).toEqual(before);
    // Only the unpublished staging folder is left, this process's own: the next synth removes it.
    expect(besideDist(work)).toEqual([expect.stringMatching(new RegExp(`^\\.dist\\.staging-${process.pid}-`))]);
    expectNextSynthPublishes(work, dist);
  });

  test('switching from LINK to FOLDER and back replaces the output each time and removes what the other layout left', () => {
    const work = tempDir('switch-');
    const dist = path.join(work, 'dist');
    const published = () => fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8');
    synth(dist, 'one', LINK);
    expect(fs.lstatSync(dist).isSymbolicLink()).toBe(true);
    synth(dist, 'two', FOLDER);
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.readdirSync(work)).toEqual(['dist']);
    expect(published()).toContain('name: two');
    synth(dist, 'three', LINK);
    expect(fs.lstatSync(dist).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(work).sort()).toEqual([fs.readlinkSync(dist), 'dist']);
    expect(published()).toContain('name: three');
    synth(dist, 'four');
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.readdirSync(work)).toEqual(['dist']);
    expect(published()).toContain('name: four');
    expect(published()).not.toContain('name: three');
  });

  test('a crash (SIGKILL) between the two renames while a LINK output is replaced: the next synth puts the link back, to its whole version', () => {
    const { work, dist, before } = firstOutput('switch-crash-', LINK);
    const version = fs.readlinkSync(dist);
    expect(crashingSynth(dist, 'api', FOLDER).signal).toBe('SIGKILL');
    expect(fs.existsSync(dist)).toBe(false);
    const aside = besideDist(work).filter((name) => name.startsWith('.dist.aside-'));
    expect(aside.length).toBe(1);
    expect(fs.readlinkSync(path.join(work, aside[0]))).toBe(version);
    discardDir(createStagingDir(dist));
    expect(fs.readlinkSync(dist)).toBe(version);
    expect(contentOf(dist)).toEqual(before);
    expect(fs.readdirSync(work).sort()).toEqual([version, 'dist']);
    expectNextSynthPublishes(work, dist);
  }, 60_000);

  test('leftovers of a running process are kept (a concurrent synth), those of a finished one removed', () => {
    const work = tempDir('folder-leftovers-');
    const dist = path.join(work, 'dist');
    const finished = spawnSync(process.execPath, ['-e', '0']).pid;
    const running = [`.dist.staging-${process.ppid}-abc123`, `.dist.aside-${process.ppid}-abc123`];
    for (const name of [...running, `.dist.staging-${finished}-abc123`, `.dist.v-${finished}-abc123`, `.dist.aside-${finished}-abc123`]) {
      fs.mkdirSync(path.join(work, name));
    }
    fs.symlinkSync('nowhere', path.join(work, `.dist.link-${finished}-abc123`));
    synth(dist);
    expect(besideDist(work)).toEqual(running.sort());
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.readdirSync(work).length).toBe(3);
  });

  test('the aside of a running process is never put back: that synth is between its two renames, about to publish', () => {
    const work = tempDir('folder-concurrent-');
    const dist = path.join(work, 'dist');
    const theirs = path.join(work, `.dist.aside-${process.ppid}-abc123`);
    fs.mkdirSync(theirs);
    fs.writeFileSync(path.join(theirs, MARKER_FILE), MARKER_TEXT);
    discardDir(createStagingDir(dist));
    expect(fs.existsSync(dist)).toBe(false);
    expect(fs.readdirSync(work)).toEqual([path.basename(theirs)]);
  });
});

describe('PublishLayout.LINK: dist is a link swapped in one rename', () => {
  test('dist is a link to a version folder beside it, with the marker; the next synth replaces the link and removes the old version', () => {
    const work = tempDir('swap-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web', LINK);
    const first = fs.readlinkSync(dist);
    expect(first).toMatch(/^\.dist\.v-\d+-[0-9a-f]{12}$/);
    expect(fs.readFileSync(path.join(dist, MARKER_FILE), 'utf8')).toBe(MARKER_TEXT);
    synth(dist, 'api', LINK);
    const second = fs.readlinkSync(dist);
    expect(second).not.toBe(first);
    expect(fs.readdirSync(work).sort()).toEqual([second, 'dist']);
    expect(fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8')).toContain('name: api');
  });

  test('the price: a Go walk of `dist` (kubectl -f dist, kubeconform) finds nothing, `dist/` must be given; Git commits the link, not the files', () => {
    const project = tempDir('link-consumers-');
    const dist = path.join(project, 'dist');
    synth(dist, 'web', LINK);
    expect(manifestsWalkedFrom(dist)).toEqual([]);
    expect(manifestsWalkedFrom(`${dist}/`)).toEqual(['platform.k8s.yaml']);
    expect(committedFiles(project, ['/.dist.*'])).toEqual([
      expect.stringMatching(/^100644 [0-9a-f]+ 0\t\.gitignore$/),
      expect.stringMatching(/^120000 [0-9a-f]+ 0\tdist$/),
    ]);
  });

  test('a crash at the publishing rename leaves dist/ holding the previous output, whole; the next synth cleans up and publishes', () => {
    const work = tempDir('crash-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web', LINK);
    const before = contentOf(dist);
    const crashed = crashingSynth(dist, 'api', LINK);
    expect(crashed.signal).toBe('SIGKILL');
    expect(contentOf(dist)).toEqual(before);
    // The crash left the new version and its link beside dist.
    expect(fs.readdirSync(work).filter((name) => /^\.dist\.(v|link)-/.test(name)).length).toBe(3);
    synth(dist, 'api', LINK);
    expect(fs.readdirSync(work).sort()).toEqual([fs.readlinkSync(dist), 'dist']);
    expect(fs.readFileSync(path.join(dist, 'platform.k8s.yaml'), 'utf8')).toContain('name: api');
  }, 60_000);

  test('a crash while a plain output folder (a copied output) is replaced by the link: the next synth first puts the folder back', () => {
    const work = tempDir('migrate-');
    const dist = path.join(work, 'dist');
    synth(dist, 'web', LINK);
    const before = contentOf(dist);
    fs.rmSync(dist);
    fs.renameSync(path.join(work, fs.readdirSync(work)[0]), dist); // a plain copy, as a CI artifact restores it
    const rename = fs.renameSync;
    // The module object itself, which publish.ts reads at each call (this file's `fs` is a frozen view).
    jest.spyOn(require('node:fs') as typeof fs, 'renameSync').mockImplementation((from, to) => {
      if (to === dist) throw new Error('crash');
      rename(from, to);
    });
    expect(() => synth(dist, 'api', LINK)).toThrow('crash');
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
    for (const name of [
      `.dist.staging-${process.ppid}-abc123`,
      `.dist.staging-${finished}-abc123`,
      `.dist.v-${finished}-abc123`,
      `.dist.aside-${finished}-abc123`,
    ]) {
      fs.mkdirSync(path.join(work, name));
    }
    fs.symlinkSync('nowhere', path.join(work, `.dist.link-${finished}-abc123`));
    synth(dist, 'web', LINK);
    expect(fs.readdirSync(work).sort()).toEqual([fs.readlinkSync(dist), `.dist.staging-${process.ppid}-abc123`, 'dist'].sort());
  });
});

describe('git', () => {
  test.each([FOLDER, LINK])(
    "ignores dist and everything beside it with the patterns of this repository's .gitignore, layout %s",
    (layout) => {
      const project = tempDir('ignored-');
      const git = (...args: string[]) => spawnSync('git', ['-C', project, ...args], { encoding: 'utf8' });
      git('init', '--quiet');
      const patterns = fs
        .readFileSync(path.join(ROOT, '.gitignore'), 'utf8')
        .split('\n')
        .filter((line) => /^\/\.?dist(\.\*)?$/.test(line));
      expect(patterns).toEqual(['/.dist.*', '/dist']);
      fs.writeFileSync(path.join(project, '.gitignore'), patterns.join('\n') + '\n');
      synth(path.join(project, 'dist'), 'web', layout);
      fs.mkdirSync(path.join(project, `.dist.staging-${process.ppid}-abc123`));
      fs.mkdirSync(path.join(project, `.dist.aside-${process.ppid}-abc123`));
      expect(git('status', '--porcelain', '--untracked-files=all').stdout).toBe('?? .gitignore\n');
    },
  );
});
