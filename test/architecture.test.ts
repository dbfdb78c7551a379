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
  cloud: {},
  app: {
    core: 'errors, files, Markdown',
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
  },
};

/**
 * Edges not allowed but still in the code, each `<file> -> <import>`. TODO(#22): empty since the
 * shared facts moved to lib/policy; an entry added here must name the issue that removes it.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

const LIB = path.resolve(__dirname, '../lib');
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

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

function edgesOf(file: string): Edge[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
  return specs.flatMap((spec) => {
    const from = folderOf(file)!;
    const to = folderOf(path.resolve(path.dirname(file), spec));
    return to !== undefined && to !== from ? [{ file: path.relative(LIB, file), spec, from, to }] : [];
  });
}

const EDGES = files(LIB).flatMap(edgesOf);
const show = (e: Edge) => `${e.file} -> ${e.spec}`;
const allowed = (e: Edge) => ALLOWED[e.from]?.[e.to] !== undefined;

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
