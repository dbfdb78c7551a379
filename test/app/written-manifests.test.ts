import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, JsonPatch, Yaml, YamlOutputType } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import * as writtenManifests from '../../lib/app/written-manifests';
import { manifestsOf, recordWrites } from '../../lib/app/written-manifests';
import { listFiles } from '../../lib/app/publish';
import * as load from '../../lib/review/load';
import { ManifestLoadError, parseManifests } from '../../lib/review/load';
import { CONTAINER } from '../support';

let workdir: string;
beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'written-manifests-'));
});
afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

/** Every file of `dir`, by relative path. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** An app with objects of every shape the review meets, in two charts (one namespaced). */
function buildApp(outdir: string, yamlOutputType?: YamlOutputType): App {
  const app = new App({ outdir, yamlOutputType });
  const platform = new Chart(app, 'platform');
  const shop = new HardenedNamespace(platform, 'shop');
  const web = new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
  web.allowFromIngressController({ port: 8080 });
  const other = new Chart(app, 'other', { namespace: 'tools' });
  new ApiObject(other, 'list', {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { name: 'items' },
    items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }],
  } as any);
  // Cluster-scoped in a namespaced chart: its construct path does not match, so its origin is file:line.
  ApiObject.of(new ApiObject(other, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tools' } })).addJsonPatch(
    JsonPatch.remove('/metadata/namespace'),
  );
  new ApiObject(other, 'script', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'script' },
    data: { 'run.sh': 'set -e\necho hi\n', mode: '0o17' },
  });
  return app;
}

const OUTPUT_TYPES: [string, YamlOutputType | undefined][] = [
  ['a file per chart', undefined],
  ['one file', YamlOutputType.FILE_PER_APP],
  ['a file per resource', YamlOutputType.FILE_PER_RESOURCE],
  ['a folder per chart', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
];

describe('recordWrites', () => {
  test.each(OUTPUT_TYPES)('writes byte for byte what cdk8s writes, but quotes what kubectl would misread (%s)', (_, type) => {
    buildApp(path.join(workdir, 'plain'), type).synth();
    const written = recordWrites(() => buildApp(path.join(workdir, 'recorded'), type).synth());
    // cdk8s leaves the string 0o17 plain, which kubectl reads as the number 15.
    const plain = filesOf(path.join(workdir, 'plain'));
    expect(Object.values(plain).filter((text) => text.includes('  mode: 0o17\n'))).toHaveLength(1);
    const quoted = Object.fromEntries(
      Object.entries(plain).map(([file, text]) => [file, text.replace('  mode: 0o17\n', '  mode: "0o17"\n')]),
    );
    expect(filesOf(path.join(workdir, 'recorded'))).toEqual(quoted);
    expect(written.size).toBe(listFiles(path.join(workdir, 'recorded')).length);
  });

  test('multi-document files with empty documents: same bytes, same lines', () => {
    const docs = [
      { apiVersion: 'v1', kind: 'A', metadata: { name: 'a' } },
      undefined,
      null,
      { apiVersion: 'v1', kind: 'B', metadata: { name: 'b' }, data: { x: 'a\nb' } },
      { apiVersion: 'v1', kind: 'C' },
    ];
    Yaml.save(path.join(workdir, 'plain.k8s.yaml'), docs);
    const written = recordWrites(() => Yaml.save(path.join(workdir, 'recorded.k8s.yaml'), docs));
    expect(fs.readFileSync(path.join(workdir, 'recorded.k8s.yaml'), 'utf8')).toBe(
      fs.readFileSync(path.join(workdir, 'plain.k8s.yaml'), 'utf8'),
    );
    expect(manifestsOf(workdir, 'recorded.k8s.yaml', written)).toEqual(
      parseManifests(fs.readFileSync(path.join(workdir, 'plain.k8s.yaml'), 'utf8'), 'recorded.k8s.yaml'),
    );
  });

  test('puts Yaml.save back afterwards, also when synth throws', () => {
    const save = Yaml.save;
    recordWrites(() => undefined);
    expect(Yaml.save).toBe(save);
    expect(() =>
      recordWrites(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Yaml.save).toBe(save);
  });
});

describe('manifestsOf', () => {
  test.each(OUTPUT_TYPES)('gives what parsing the written files gives: objects, origins and order (%s)', (_, type) => {
    const outdir = path.join(workdir, 'out');
    const written = recordWrites(() => buildApp(outdir, type).synth());
    for (const file of listFiles(outdir)) {
      expect(manifestsOf(outdir, file, written)).toEqual(parseManifests(fs.readFileSync(path.join(outdir, file), 'utf8'), file));
    }
  });

  test('a document that is not a Kubernetes object fails as parsing it would', () => {
    const written = recordWrites(() => Yaml.save(path.join(workdir, 'bad.k8s.yaml'), [{ apiVersion: 'v1', kind: 'A' }, { kind: 'B' }]));
    const text = fs.readFileSync(path.join(workdir, 'bad.k8s.yaml'), 'utf8');
    const message = new ManifestLoadError('bad.k8s.yaml', 4, 'apiVersion not set, which kubectl refuses').message;
    expect(() => parseManifests(text, 'bad.k8s.yaml')).toThrow(message);
    expect(() => manifestsOf(workdir, 'bad.k8s.yaml', written)).toThrow(ManifestLoadError);
    expect(() => manifestsOf(workdir, 'bad.k8s.yaml', written)).toThrow(message);
  });

  test('a file it did not record is parsed', () => {
    fs.writeFileSync(path.join(workdir, 'extra.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    expect(manifestsOf(workdir, 'extra.k8s.yaml', new Map())).toEqual([
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, origin: 'extra.k8s.yaml:1' },
    ]);
  });
});

describe('the review gate', () => {
  afterEach(() => jest.restoreAllMocks());

  test('publishes and reports exactly what it did when it parsed the written files', () => {
    const build = (outdir: string, withFinding: boolean) => {
      const app = new HardenedApp({ outdir, reviewDate: '2026-01-15' });
      const chart = new Chart(app, 'platform', { namespace: 'shop' });
      const shop = new HardenedNamespace(chart, 'shop');
      new HardenedDeployment(shop, 'web', { containers: [CONTAINER] }).allowFromIngressController({ port: 8080 });
      // A string with a control character (not worth reasoning about): that file is parsed.
      new ApiObject(new Chart(app, 'extra', { namespace: 'shop' }), 'cm', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', annotations: { mode: 'bell\u0007' } },
        data: { a: 'b' },
      });
      // An object with findings whose namespace a patch removes: its construct is found by what is written.
      if (withFinding) {
        ApiObject.of(new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'loose' } })).addJsonPatch(
          JsonPatch.remove('/metadata/namespace'),
        );
      }
      return app;
    };
    const outcome = (withFinding: boolean) => {
      const outdir = path.join(workdir, 'dist');
      try {
        build(outdir, withFinding).synth();
        return { error: undefined, files: filesOf(outdir) };
      } catch (e) {
        return { error: String(e), files: {} };
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    };
    const parse = jest.spyOn(load, 'parseManifests');
    const inMemory = [outcome(false), outcome(true)];
    expect(parse.mock.calls.map(([, file]) => file)).toEqual(['extra.k8s.yaml', 'extra.k8s.yaml']);
    // The same synths with a gate that parses every file, as it did before it kept the written documents.
    jest
      .spyOn(writtenManifests, 'manifestsOf')
      .mockImplementation((dir, file) => parseManifests(fs.readFileSync(path.join(dir, file), 'utf8'), file));
    const parsed = [outcome(false), outcome(true)];
    expect(inMemory[0].error).toBeUndefined();
    expect(inMemory[1].error).toMatch(/^ReviewFailedError: review failed: .*\n {2}\[platform\/ns\] namespace-default-deny/);
    expect(inMemory).toEqual(parsed);
  });
});

describe('two objects cdk8s would write to one file', () => {
  test('fail the synth with the file, both namespaces and the fix, and nothing is published', () => {
    const outdir = path.join(workdir, 'dist');
    const app = new HardenedApp({ outdir, reviewDate: '2026-12-04', yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    // Two HardenedNamespaces in one chart: each has a NetworkPolicy named default-deny.
    const chart = new Chart(app, 'platform');
    new HardenedNamespace(chart, 'shop');
    new HardenedNamespace(chart, 'tools');
    expect(() => app.synth()).toThrow(
      /^synth would write two objects to platform\/NetworkPolicy\.default-deny\.k8s\.yaml \(namespace shop; namespace tools\), so nothing was published: .*a chart per namespace/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
