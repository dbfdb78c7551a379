import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * One direction of dependency between the folders of lib/ (issue #22): generic helpers at the
 * bottom (core), the shared facts above them (policy), constructs and the review engine side by
 * side above policy, the app and the project generator on top. Every relative import of every
 * lib/**\/*.ts file must follow an edge of this matrix; `index` is lib/index.ts.
 * test/cloud/boundaries.test.ts adds what lib/cloud may import from packages (cdktf).
 */
const ALLOWED: Record<string, Record<string, string>> = {
  core: {},
  policy: {
    core: 'the rule catalog, the scanner map and the tables are plain data over the generic helpers',
  },
  namespace: {
    core: 'errors, names, exception annotations',
    policy: 'ExceptionPolicy, the scanners skip annotations of namespace-wide policies',
  },
  network: {
    core: 'errors, CIDR and address sets',
    policy: 'ExceptionPolicy, the metadata blocks and public addresses',
  },
  rbac: {
    core: 'errors, names',
    policy: 'ExceptionPolicy, the escalation-powers table grant() refuses',
  },
  secrets: {
    core: 'errors, files written safely',
    policy: 'ExceptionPolicy',
  },
  workload: {
    core: 'errors, names, exception annotations',
    policy: 'ExceptionPolicy, the image digest rule',
    network: 'a workload owns its traffic rules (one NetworkPolicy per workload)',
    rbac: "a workload's grant() binds a Role to its ServiceAccount",
  },
  cluster: {
    core: 'errors, Markdown, the FilePublisher interface it asks its root for',
    policy: 'the CIS settings table and the control-plane facts it writes',
    secrets: 'the EncryptionConfiguration is one of the control-plane files',
  },
  review: {
    core: 'generic helpers; the review never imports a construct, so it judges any YAML alike',
    policy: 'the tables its rules judge by (CIS settings, escalation powers, metadata blocks, scanner map)',
  },
  addons: {
    core: 'errors, names, Markdown, the REVIEW.md sections and the package root the vendored releases are in',
    policy: 'ExceptionPolicy and the routing of the departures each add-on keeps',
    namespace: 'each add-on lives in its own HardenedNamespace',
    network: "each add-on workload owns its traffic rules, and tenants' rules select it",
    review: "the vendored releases are read by the review's own reader, exactly as kubectl reads them",
  },
  monitoring: {
    core: 'errors, names, Markdown, the REVIEW.md section holding the runbook',
    policy: "the admission policies' name prefix, whose refusals an alert watches; the audit log's folder",
    namespace: 'the audit log shipper lives in its own HardenedNamespace',
    workload: 'the audit log shipper is a HardenedDaemonSet',
  },
  cloud: {},
  app: {
    core: 'errors, files, Markdown',
    policy: 'the app checks its registry allowlist and admission exemptions with the facts the rules use',
    review: 'the gate reviews what the synth wrote',
    secrets: 'the publish phase prunes the sealing cache',
  },
  init: {
    core: 'files written safely',
  },
  index: {
    core: 'public errors and exception types',
    policy: 'public exception types',
    workload: 'public API',
    namespace: 'public API',
    network: 'public API',
    rbac: 'public API',
    secrets: 'public API',
    cluster: 'public API',
    review: 'public API',
    app: 'public API',
    addons: 'public API',
    monitoring: 'public API',
  },
};

/**
 * Edges not allowed but still in the code, each `<file> -> <import>`. TODO(#22): empty since the
 * shared facts moved to lib/policy; an entry added here must name the issue that removes it.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : []));

/**
 * The relative imports of a source text: `from`, `import`, `require(` and `import(` of '.', '..',
 * './x' or '../x' (a bare '.' or '..' is a folder's index.ts), and the `loadLibraryModule('x')`
 * calls through which bin/ and plugin/ load `lib/x` (as '#lib/x').
 */
function importsIn(text: string): string[] {
  const relative = [...text.matchAll(/(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*(['"])(\.\.?(?:\/[^'"]*)?)\1/g)];
  const loaded = [...text.matchAll(/\bloadLibraryModule\(\s*(['"])([^'"]+)\1/g)];
  return [...relative.map((m) => m[2]), ...loaded.map((m) => `#lib/${m[2]}`)];
}

/** The file an import names: the module itself (.ts, .js) or, for a folder, its index.ts. */
function resolveImport(file: string, spec: string): string {
  const target = spec.startsWith('#lib/') ? path.join(LIB, spec.slice('#lib/'.length)) : path.resolve(path.dirname(file), spec);
  const candidates = [`${target}.ts`, `${target}.js`, path.join(target, 'index.ts'), target];
  return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile()) ?? `${target}.ts`;
}

/** The folder of lib/ a file is in (`index` for a file directly in lib/), or undefined outside lib/. */
function folderOf(file: string): string | undefined {
  const relative = path.relative(LIB, file);
  if (relative.startsWith('..')) return undefined;
  const parts = relative.split(path.sep);
  return parts.length === 1 ? 'index' : parts[0];
}

interface Edge {
  readonly file: string;
  readonly spec: string;
  readonly from: string;
  readonly to: string;
}

/** The imports between folders of lib/ in `text`, the source of `file` (a path in lib/). */
function edgesOf(file: string, text = fs.readFileSync(file, 'utf8')): Edge[] {
  return importsIn(text).flatMap((spec) => {
    const from = folderOf(file)!;
    const to = folderOf(resolveImport(file, spec));
    return to !== undefined && to !== from ? [{ file: path.relative(LIB, file), spec, from, to }] : [];
  });
}

const EDGES = files(LIB).flatMap((file) => edgesOf(file));
const show = (e: Edge) => `${e.file} -> ${e.spec}`;
const allowed = (e: Edge) => ALLOWED[e.from]?.[e.to] !== undefined;

/**
 * What the folders outside lib/ may load of lib/ and templates/, each with its reason: the public
 * index (lib/index.ts, templates/index.ts), or a module named on purpose (a path without its
 * extension; one ending in '/' covers a folder). Anything else reaching into lib/ or templates/
 * from outside fails the test below.
 */
const ENTRY_POINTS: Record<string, Record<string, string>> = {
  apps: {
    'lib/index': 'the public API, as a user project imports it',
    'templates/index': 'the public templates',
    'lib/cloud/index': 'lib/cloud (cdktf) stands alone with its own entry point, outside lib/index.ts',
  },
  templates: {
    'lib/index': 'templates are written against the public API only, as a user would write them',
  },
  bench: {
    'lib/index': 'the benchmark synthesizes through the public API',
    'lib/review/manifest-files': "read-child.ts times the review's reader alone, without a synth",
    'lib/review/admission/admission-policies': 'admission-cost.ts times the policies the rules generate on kube-apiserver',
    'lib/review/engine': 'admission-cost.ts keeps only objects the review passes, so every create is admitted',
    'lib/review/packs': 'admission-cost.ts generates the policies of every rule',
    'lib/policy/scanner-map': 'run.ts times kube-linter with the checks the scan enables, from the scanner map',
  },
  bin: {
    'lib/review/cli': 'the command is the review CLI (loaded by load-library.js, not part of lib/index.ts)',
    'lib/init/init-command': '`cdk8s-hardened init` is the project generator',
  },
  plugin: {
    'lib/review/plugin': 'the cdk8s validation plugin (loaded by load-library.js)',
  },
  scripts: {
    'lib/index': 'synth-templates.ts synthesizes the template examples through the public API',
    'templates/examples': 'synth-templates.ts synthesizes the examples the scanners judge',
    'lib/review/':
      'repository tooling, never shipped: docs are generated from the rule tables, scan.ts reads manifests with the review reader',
    'lib/policy/': 'the scanner map drives scan.ts, scan-results.ts and the docs',
    'lib/core/': 'compareText for stable docs, the exception annotations scan-results.ts parses',
  },
};

interface EntryImport {
  readonly file: string;
  readonly spec: string;
  readonly folder: string;
  readonly target: string;
}

/** The imports into lib/ or templates/ in `text`, the source of `file` (a path outside lib/ and templates/). */
function entryImportsOf(file: string, text = fs.readFileSync(file, 'utf8')): EntryImport[] {
  const folder = path.relative(ROOT, file).split(path.sep)[0];
  return importsIn(text).flatMap((spec) => {
    const target = path
      .relative(ROOT, resolveImport(file, spec))
      .replace(/\.(ts|js)$/, '')
      .split(path.sep)
      .join('/');
    const into = target.split('/')[0];
    return (into === 'lib' || into === 'templates') && into !== folder
      ? [{ file: path.relative(ROOT, file).split(path.sep).join('/'), spec, folder, target }]
      : [];
  });
}

const entryAllowed = (i: EntryImport) =>
  Object.keys(ENTRY_POINTS[i.folder] ?? {}).some((entry) => (entry.endsWith('/') ? i.target.startsWith(entry) : i.target === entry));
const ENTRY_IMPORTS = Object.keys(ENTRY_POINTS).flatMap((folder) => files(path.join(ROOT, folder)).flatMap((file) => entryImportsOf(file)));

test('every folder of lib/ is in the matrix', () => {
  const folders = [...new Set(files(LIB).map((f) => folderOf(f)!))].sort();
  expect(folders.filter((folder) => !(folder in ALLOWED))).toEqual([]);
});

test('every import between folders of lib/ follows an allowed edge (or is a known violation)', () => {
  const wrong = EDGES.filter((e) => !allowed(e)).map(show);
  expect(wrong.filter((edge) => !KNOWN_VIOLATIONS.includes(edge))).toEqual([]);
});

test('every known violation is still in the code, so the list only shrinks', () => {
  const wrong = new Set(EDGES.filter((e) => !allowed(e)).map(show));
  expect(KNOWN_VIOLATIONS.filter((edge) => !wrong.has(edge))).toEqual([]);
});

test('the matrix has no cycle: one direction of dependency', () => {
  const cycles: string[] = [];
  const visit = (folder: string, trail: readonly string[]): void => {
    if (trail.includes(folder)) {
      cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(' -> '));
      return;
    }
    Object.keys(ALLOWED[folder] ?? {}).forEach((next) => visit(next, [...trail, folder]));
  };
  Object.keys(ALLOWED).forEach((folder) => visit(folder, []));
  expect(cycles).toEqual([]);
});

test('the scan finds the imports it judges (a construct importing core and policy)', () => {
  expect(EDGES.map(show)).toEqual(expect.arrayContaining(['network/traffic-rules.ts -> ../policy/special-addresses']));
  expect(EDGES.filter((e) => e.from === 'review' && e.to === 'policy').length).toBeGreaterThan(0);
});

test('apps/, templates/, bench/, bin/, plugin/ and scripts/ load only the public index or an entry point named with its reason', () => {
  const wrong = ENTRY_IMPORTS.filter((i) => !entryAllowed(i)).map((i) => `${i.file} -> ${i.spec} (${i.target})`);
  expect(wrong).toEqual([]);
});

test('every entry point allowed outside lib/ is still used, so the list only shrinks', () => {
  const used = (folder: string, entry: string) =>
    ENTRY_IMPORTS.some((i) => i.folder === folder && (entry.endsWith('/') ? i.target.startsWith(entry) : i.target === entry));
  const unused = Object.entries(ENTRY_POINTS).flatMap(([folder, entries]) =>
    Object.keys(entries)
      .filter((entry) => !used(folder, entry))
      .map((entry) => `${folder}: ${entry}`),
  );
  expect(unused).toEqual([]);
});

test("the scan sees folder and index imports: a bare '..' or '.', and './review' or '../cluster' as that folder", () => {
  expect(importsIn(`import { a } from '..';\nimport b = require('.');\nconst c = import('./x');\nexport * from "../y";`)).toEqual([
    '..',
    '.',
    './x',
    '../y',
  ]);
  expect(importsIn(`loadLibraryModule('review/cli', 'ns')`)).toEqual(['#lib/review/cli']);
  // Planted bad imports, judged as if they were in lib/: each one must fail the matrix.
  const planted = [
    ...edgesOf(path.join(LIB, 'core', 'planted.ts'), `import { HardenedApp } from '..';`),
    ...edgesOf(path.join(LIB, 'app', 'planted.ts'), `import { ControlPlaneHardening } from '../cluster';`),
    ...edgesOf(path.join(LIB, 'core', 'planted.ts'), `import { reviewObjects } from '../review';`),
  ];
  expect(planted.map((e) => `${e.from} -> ${e.to}`)).toEqual(['core -> index', 'app -> cluster', 'core -> review']);
  expect(planted.filter(allowed)).toEqual([]);
  expect(EDGES.map(show)).toEqual(expect.arrayContaining(['index.ts -> ./cluster', 'index.ts -> ./review']));
});

test('the scan outside lib/ sees an import of lib internals and allows it only where named', () => {
  const planted = [
    ...entryImportsOf(path.join(ROOT, 'apps', 'planted.ts'), `import { HardenedDeployment } from '../lib/workload/hardened-deployment';`),
    ...entryImportsOf(path.join(ROOT, 'templates', 'planted.ts'), `import { bindRole } from '../lib/rbac/bind-role';`),
    ...entryImportsOf(path.join(ROOT, 'bench', 'planted.ts'), `import { HardenedApp } from '../lib/app';`),
  ];
  expect(planted.map((i) => i.target)).toEqual(['lib/workload/hardened-deployment', 'lib/rbac/bind-role', 'lib/app']);
  expect(planted.filter(entryAllowed)).toEqual([]);
  const fine = entryImportsOf(path.join(ROOT, 'templates', 'shared', 'planted.ts'), `import { WorkloadSize } from '../../lib';`);
  expect(fine.map((i) => [i.target, entryAllowed(i)])).toEqual([['lib/index', true]]);
});
