/**
 * The vendored upstream releases (vendor/addons/<name>/): each folder holds exactly the files its
 * SOURCE.json lists, byte-for-byte as recorded, with the repository's licence, and for a Helm
 * chart the rendering it was vendored with. The rendering itself is proven against Helm by
 * test/addons/helm-render.test.ts (a peer suite).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTempDirs, tempDir } from '../support';
import { checkVendoredFolder } from './vendored-sources-check';

const ROOT = path.resolve(__dirname, '../..');
const VENDOR = path.join(ROOT, 'vendor/addons');

afterAll(removeTempDirs);

const folders = fs
  .readdirSync(VENDOR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const source = (name: string) => JSON.parse(fs.readFileSync(path.join(VENDOR, name, 'SOURCE.json'), 'utf8'));

test('every add-on is vendored', () => {
  expect(folders).toEqual(expect.arrayContaining(['argo-cd', 'cert-manager', 'external-secrets', 'ingress-nginx', 'sealed-secrets']));
});

test.each(folders)('vendor/addons/%s holds exactly the files its SOURCE.json lists, unchanged', (name) => {
  expect(checkVendoredFolder(path.join(VENDOR, name))).toEqual([]);
});

const charts = folders.filter((name) => fs.existsSync(path.join(VENDOR, name, 'chart/Chart.yaml')));

test('each chart is rendered as a release of its own name in a namespace of its own name, by the pinned Helm', () => {
  expect(charts).toEqual(['cert-manager', 'external-secrets', 'sealed-secrets']);
  const mod = fs.readFileSync(path.join(ROOT, 'test/peers/helm-render/go.mod'), 'utf8');
  const helm = /^require helm\.sh\/helm\/v4 (v\d+\.\d+\.\d+)$/m.exec(mod)?.[1];
  expect(helm).toBeDefined();
  for (const name of charts) {
    const rendered = source(name).rendered;
    expect({ name, release: rendered.release, namespace: rendered.namespace }).toEqual({ name, release: name, namespace: name });
    expect(rendered.tool).toBe(`helm.sh/helm/v4 ${helm} (test/peers/helm-render)`);
  }
});

test("no image runs the v0.0.0 placeholder of cert-manager's Chart.yaml: the render values give the release's tag", () => {
  const chart = fs.readFileSync(path.join(VENDOR, 'cert-manager/chart/Chart.yaml'), 'utf8');
  expect(chart).toMatch(/^appVersion: v0\.0\.0$/m); // upstream's file, unchanged
  const tag = source('cert-manager').tag;
  const rendered = fs.readFileSync(path.join(VENDOR, 'cert-manager/rendered.yaml'), 'utf8');
  const images = [...rendered.matchAll(/(?:image: "?|-image=)(\S+?)"?$/gm)].map((m) => m[1]);
  expect(images.length).toBe(5);
  expect(images.filter((image) => !image.endsWith(`:${tag}`))).toEqual([]);
});

describe('the check finds a vendored folder that differs from its SOURCE.json', () => {
  /** A copy of vendor/addons/sealed-secrets (a chart: upstream files, render values and rendering) to damage. */
  function copy(): string {
    const folder = path.join(tempDir('vendored-'), 'sealed-secrets');
    fs.cpSync(path.join(VENDOR, 'sealed-secrets'), folder, { recursive: true });
    expect(checkVendoredFolder(folder)).toEqual([]);
    return folder;
  }

  function flipLastByte(file: string): void {
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(file, bytes);
  }

  test('one changed byte in an upstream file', () => {
    const folder = copy();
    flipLastByte(path.join(folder, 'chart/values.yaml'));
    const problems = checkVendoredFolder(folder);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^vendor\/addons\/sealed-secrets\/chart\/values\.yaml was changed: its sha256 is [0-9a-f]{64}, SOURCE\.json records/,
    );
  });

  test('one changed byte in the rendering', () => {
    const folder = copy();
    flipLastByte(path.join(folder, 'rendered.yaml'));
    expect(checkVendoredFolder(folder)).toEqual([
      expect.stringMatching(/^vendor\/addons\/sealed-secrets\/rendered\.yaml was changed: .*helm-render/),
    ]);
  });

  test('a file that is not listed, and a listed file that is missing', () => {
    const folder = copy();
    fs.writeFileSync(path.join(folder, 'chart/templates/extra.yaml'), 'kind: ConfigMap\n');
    fs.rmSync(path.join(folder, 'LICENSE'));
    expect(checkVendoredFolder(folder).sort()).toEqual([
      expect.stringMatching(/^vendor\/addons\/sealed-secrets\/LICENSE is listed in SOURCE\.json but missing/),
      expect.stringMatching(/^vendor\/addons\/sealed-secrets\/chart\/templates\/extra\.yaml is not listed in SOURCE\.json/),
    ]);
  });

  test('a SOURCE.json with a short commit, an unsorted file list and a path outside the folder', () => {
    const folder = copy();
    const file = path.join(folder, 'SOURCE.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.commit = json.commit.slice(0, 12);
    json.files.reverse();
    json.files.push({ path: '../argo-cd/LICENSE', upstreamPath: 'LICENSE', sha256: json.files[0].sha256 });
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
    const problems = checkVendoredFolder(folder).join('\n');
    expect(problems).toMatch(/SOURCE\.json: commit is "[0-9a-f]{12}"; expected the tag's commit as 40 lowercase hex digits/);
    expect(problems).toMatch(/SOURCE\.json: files are not sorted by path/);
    expect(problems).toMatch(/SOURCE\.json: files\[\d+\]\.path "\.\.\/argo-cd\/LICENSE" must be a relative path inside the folder/);
  });

  test('a chart without its rendering recorded', () => {
    const folder = copy();
    const file = path.join(folder, 'SOURCE.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete json.rendered;
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
    expect(checkVendoredFolder(folder)).toEqual([
      expect.stringMatching(/SOURCE\.json: rendered must record how the chart was rendered/),
      expect.stringMatching(/render-values\.yaml is not listed/),
      expect.stringMatching(/rendered\.yaml is not listed/),
    ]);
  });
});
