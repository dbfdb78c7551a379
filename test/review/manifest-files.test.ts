import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManifestLoadError } from '../../lib/review/load';
import { loadManifests, manifestFiles, readManifests } from '../../lib/review/manifest-files';
import { fifoWithWriter } from './fifo';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-files-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes files below `tmp` (folders made as needed); returns the absolute path of `root`. */
function tree(root: string, files: Record<string, string>): string {
  fs.mkdirSync(path.join(tmp, root), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(tmp, root, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return path.join(tmp, root);
}

const namesIn = (paths: string[]) => loadManifests(paths).map((m) => (m.object.metadata as { name: string }).name);

/** What loading throws, as its message (or 'no error'). */
function loadError(paths: string[]): string {
  try {
    loadManifests(paths);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestLoadError);
    return (error as Error).message;
  }
  return 'no error';
}

describe('only regular files are read', () => {
  test('a FIFO named *.yaml in a folder is refused without blocking, named with what it is', () => {
    const dir = tree('repo', { 'a.yaml': configMap('a') });
    const fifo = fifoWithWriter(path.join(dir, 'pipe.yaml'));
    try {
      expect(loadError([dir])).toBe(
        `${path.join(dir, 'pipe.yaml')}: not a regular file (a FIFO), so it is not read (it could block the review ` +
          'or never end); save the manifests to a regular file, or pipe them to standard input with the path -',
      );
    } finally {
      fifo.close();
    }
  });

  test('a FIFO given by name (as process substitution gives) is refused too', () => {
    const file = path.join(tmp, 'fd-63');
    const fifo = fifoWithWriter(file);
    try {
      expect(loadError([file])).toMatch(/fd-63: not a regular file \(a FIFO\)/);
    } finally {
      fifo.close();
    }
  });

  test('a symbolic link to a FIFO is refused: the check is on what was opened', () => {
    const dir = tree('repo', {});
    const fifo = fifoWithWriter(path.join(tmp, 'pipe'));
    fs.symlinkSync(path.join(tmp, 'pipe'), path.join(dir, 'link.yaml'));
    try {
      expect(loadError([dir])).toMatch(/link\.yaml: not a regular file \(a FIFO\)/);
    } finally {
      fifo.close();
    }
  });

  test('a character device given by name is refused (/dev/zero would never end)', () => {
    expect(loadError(['/dev/null'])).toMatch(/^\/dev\/null: not a regular file \(a character device\), /);
  });

  test('a symbolic link named *.yaml to a folder is refused as a folder (kubectl fails reading it too)', () => {
    const dir = tree('repo', { 'real/a.yaml': configMap('a') });
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'dir.yaml'));
    expect(loadError([dir])).toMatch(/dir\.yaml: not a regular file \(a folder\)/);
  });
});

describe("symbolic links, as kubectl's folder walk (filepath.Walk, Lstat) treats them", () => {
  test("below a folder, a link to a file is read as that file, under the link's name", () => {
    const target = tree('elsewhere', { 'cm.txt': configMap('linked') });
    const dir = tree('repo', { 'a.yaml': configMap('a') });
    fs.symlinkSync(path.join(target, 'cm.txt'), path.join(dir, 'b.yaml'));
    expect(loadManifests([dir]).map((m) => [(m.object.metadata as { name: string }).name, m.origin])).toEqual([
      ['a', `${path.join(dir, 'a.yaml')}:1`],
      ['linked', `${path.join(dir, 'b.yaml')}:1`],
    ]);
  });

  test('below a folder, a link to a folder is not followed (as kubectl: nothing below it is applied)', () => {
    const other = tree('other', { 'x.yaml': configMap('x') });
    const dir = tree('repo', { 'a.yaml': configMap('a') });
    fs.symlinkSync(other, path.join(dir, 'shared'));
    expect(manifestFiles(dir)).toEqual([path.join(dir, 'a.yaml')]);
  });

  test('the path given, when it is a link to a folder, is followed (kubectl would fail on it: reading more skips nothing)', () => {
    const dir = tree('repo', { 'a.yaml': configMap('a') });
    fs.symlinkSync(dir, path.join(tmp, 'current'));
    expect(namesIn([path.join(tmp, 'current')])).toEqual(['a']);
  });

  test('a link loop below a folder neither hangs nor crashes', () => {
    const dir = tree('repo', { 'a.yaml': configMap('a') });
    fs.symlinkSync(dir, path.join(dir, 'self')); // a folder loop: not followed
    expect(namesIn([dir])).toEqual(['a']);
    fs.symlinkSync('loop.yaml', path.join(dir, 'loop.yaml')); // a link to itself: cannot be opened
    expect(loadError([dir])).toBe(`${path.join(dir, 'loop.yaml')}: cannot be read (ELOOP)`);
  });

  test('a path given that is a link loop is unreadable, not missing', () => {
    fs.symlinkSync('loop', path.join(tmp, 'loop'));
    expect(loadError([path.join(tmp, 'loop')])).toBe(`${path.join(tmp, 'loop')}: cannot be read (ELOOP)`);
    expect(loadError([path.join(tmp, 'missing')])).toBe(`${path.join(tmp, 'missing')}: no such file or folder`);
  });
});

describe('readManifests: exclude', () => {
  const repo = () =>
    tree('repo', {
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      'charts/app/values.yaml': 'replicas: 2\n',
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\n',
      'charts/values.yaml': 'global: {}\n',
      'k8s/cm.yaml': configMap('kept'),
      'k8s/notes.txt': 'not a manifest, never listed\n',
    });

  test('files and folders below the folder that match a glob are not read, and are listed; a matching folder is skipped whole', () => {
    const dir = repo();
    const read = readManifests([dir], { exclude: ['.github/**', 'charts/**/values.yaml', 'charts/*/Chart.yaml', 'k8s/*.txt'] });
    expect(read.manifests.map((m) => m.origin)).toEqual([`${path.join(dir, 'k8s', 'cm.yaml')}:1`]);
    expect(read.skipped).toEqual([
      { path: path.join(dir, '.github') + path.sep, reason: 'excluded', detail: "matches the exclude glob '.github/**'" },
      { path: path.join(dir, 'charts', 'app', 'Chart.yaml'), reason: 'excluded', detail: "matches the exclude glob 'charts/*/Chart.yaml'" },
      {
        path: path.join(dir, 'charts', 'app', 'values.yaml'),
        reason: 'excluded',
        detail: "matches the exclude glob 'charts/**/values.yaml'",
      },
      { path: path.join(dir, 'charts', 'values.yaml'), reason: 'excluded', detail: "matches the exclude glob 'charts/**/values.yaml'" },
    ]);
  });

  test('globs match the path relative to the folder given, not the path as typed; * stays within a folder', () => {
    const dir = repo();
    const excluded = (...exclude: string[]) =>
      readManifests([dir], { exclude, skipNonObjects: true })
        .skipped.filter((s) => s.reason === 'excluded')
        .map((s) => path.relative(dir, s.path));
    expect(excluded(`${path.basename(dir)}/k8s/**`, `${dir}/k8s/**`, '*.yaml', 'cm.yaml')).toEqual([]);
    expect(excluded('k8s/cm.yaml')).toEqual([path.join('k8s', 'cm.yaml')]);
    expect(excluded('*/*/*.yaml')).toEqual([path.join('charts', 'app', 'Chart.yaml'), path.join('charts', 'app', 'values.yaml')]);
    expect(excluded('**/*.yml')).toEqual([path.join('.github', 'workflows', 'ci.yml')]); // dot folders match too
    expect(excluded('charts/')).toEqual(['charts']); // a glob ending with / matches a folder
  });

  test('a file given by name is read even when a glob matches it', () => {
    const dir = repo();
    const read = readManifests([path.join(dir, 'k8s', 'cm.yaml')], { exclude: ['**', 'cm.yaml', '*'] });
    expect([read.manifests.length, read.skipped]).toEqual([1, []]);
  });
});

describe('readManifests: skipNonObjects', () => {
  test('files in which no document has apiVersion and kind are skipped and listed; the others are read', () => {
    const dir = tree('repo', {
      '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
      'values.yaml': 'replicas: 2\n',
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
      'list.yaml': '- a\n- b\n',
      'kind-only.yaml': 'kind: Pod\n---\napiVersion: v1\n',
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n',
      'cm.yaml': configMap('cm'),
      'empty.yaml': '# nothing yet\n',
      'list-of-objects.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: in-list\n',
    });
    const read = readManifests([dir], { skipNonObjects: true });
    expect(read.manifests.map((m) => [m.object.kind, (m.object.metadata as { name?: string } | undefined)?.name])).toEqual([
      ['ConfigMap', 'cm'],
      ['Kustomization', undefined],
      ['ConfigMap', 'in-list'],
    ]);
    const detail = 'no document in it has both apiVersion and kind';
    expect(read.skipped).toEqual(
      ['.github/workflows/ci.yml', 'docker-compose.yml', 'kind-only.yaml', 'list.yaml', 'values.yaml'].map((name) => ({
        path: path.join(dir, name),
        reason: 'not-kubernetes',
        detail,
      })),
    );
  });

  test('a mapping with items is never skipped: kubectl reads it as a list, so without apiVersion it is refused as kubectl refuses it', () => {
    const dir = tree('repo', {
      'unversioned-list.yaml': 'kind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: in-list\n',
    });
    expect(() => readManifests([dir], { skipNonObjects: true })).toThrow(
      `${path.join(dir, 'unversioned-list.yaml')}:1: apiVersion not set, which kubectl refuses`,
    );
  });

  test('without it, such a file is refused as before', () => {
    const dir = tree('repo', { 'values.yaml': 'replicas: 2\n', 'cm.yaml': configMap('cm') });
    expect(() => readManifests([dir])).toThrow(`${path.join(dir, 'values.yaml')}:1: apiVersion not set, which kubectl refuses`);
  });

  test('a file with one object and one other document is read, and the other document refused', () => {
    const dir = tree('repo', { 'mixed.yaml': `${configMap('cm')}---\nreplicas: 2\n` });
    expect(() => readManifests([dir], { skipNonObjects: true })).toThrow(
      `${path.join(dir, 'mixed.yaml')}:6: apiVersion not set, which kubectl refuses`,
    );
  });

  test('"object" is what kubectl reads: yes and 1 are not strings there, an alias is', () => {
    const dir = tree('repo', {
      'bool.yaml': 'apiVersion: v1\nkind: yes\n',
      'alias.yaml': 'x: &v v1\napiVersion: *v\nkind: ConfigMap\nmetadata:\n  name: aliased\n',
    });
    const read = readManifests([dir], { skipNonObjects: true });
    expect(read.manifests.map((m) => (m.object.metadata as { name: string }).name)).toEqual(['aliased']);
    expect(read.skipped.map((s) => path.basename(s.path))).toEqual(['bool.yaml']);
  });

  test('fails closed: a file that cannot be read as YAML is refused, never skipped', () => {
    const dir = tree('repo', {
      'template.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  {{- if .Values.x }}\n  hostPID: true\n',
      'hidden.yaml': 'kind: Pod\napiVersion: v1\n# note\u2028spec: {hostPID: true}\n',
    });
    expect(() => readManifests([path.join(dir, 'hidden.yaml')], { skipNonObjects: true })).toThrow(
      /hidden\.yaml:3: contains the character LINE SEPARATOR .*; a file that cannot be read is never skipped as not Kubernetes: fix it, or exclude it if it is not a manifest$/,
    );
    expect(() => readManifests([path.join(dir, 'template.yaml')], { skipNonObjects: true })).toThrow(
      /template\.yaml:\d+: .*a file that cannot be read is never skipped as not Kubernetes/,
    );
  });
});
