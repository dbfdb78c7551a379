/**
 * Proof against the real decoder: the review reads every case below exactly as kubectl does.
 * The peer (test/peers/kubectl-yaml) is kubectl's own reading loop (cli-runtime's
 * StreamVisitor over apimachinery's YAML-or-JSON decoder, go-yaml v2 underneath), built by
 * `scripts/install-peers.sh` into `.tools/bin/` (`npm test` does it first); without it a
 * test fails and says how to install it.
 *
 * For each case the peer prints the JSON it would send, or refuses the text; our
 * `readDocuments` must give the same values (compared with Object.is at the leaves, so 0 and
 * -0 differ) or refuse too. The one deliberate difference, listed apart: a key given twice,
 * which kubectl resolves silently to its last value and we refuse.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { YamlOutputType } from 'cdk8s';
import { buildReferencePlatform } from '../../apps/platform';
import { HardenedApp } from '../../lib';
import { ManifestYaml } from '../../lib/app/manifest-yaml';
import { readDocuments } from '../../lib/review/load';
import { loadManifests, manifestFiles } from '../../lib/review/manifest-files';
import { removeTempDirs, sameJson, seededRandom, tempDir, withInstalledTool } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const PEER = path.join(ROOT, '.tools/bin/kubectl-yaml');

afterAll(removeTempDirs);

type Reading = { values: unknown[] } | { refused: string };

/** What kubectl makes of each text: its documents as JSON values (empty and null ones skipped), or its error. One peer process for all. */
function kubectlReadsAll(texts: readonly string[]): Reading[] {
  const run = spawnSync(PEER, ['--cases'], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${PEER} --cases failed: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as { objects?: unknown[]; error?: string }[];
  return results.map((r) => (r.error !== undefined ? { refused: r.error } : { values: (r.objects ?? []).map(withoutNegativeZero) }));
}

/**
 * This peer stops at the JSON of each document, where a YAML -0.0 is `-0`; kubectl's next
 * step (the unstructured decoder, which reads a number as an int64 first) sends it as 0, and
 * so does our reader (the --create peer of test/review/kubectl-fuzz.test.ts checks that step).
 */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  return value;
}

/** What kubectl makes of one text. */
function kubectlReads(text: string): Reading {
  return kubectlReadsAll([text])[0];
}

/** What the review makes of `text`, in the same form. */
function weRead(text: string): Reading {
  try {
    return {
      values: readDocuments(text, 'case.yaml')
        .map((d) => d.value)
        .filter((v) => v !== null && v !== undefined),
    };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** Plain scalars whose meaning differs between YAML versions and readers, each tried as a value and as a key. */
const SCALARS = [
  // booleans and null, YAML 1.1 style, and near misses
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'yEs',
  'n',
  'N',
  'no',
  'NO',
  'on',
  'On',
  'ON',
  'oN',
  'off',
  'Off',
  'OFF',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'False',
  'FALSE',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'nil',
  'None',
  // integers in Go's syntax (which go-yaml hands them to) and not
  '0',
  '-0',
  '+0',
  '00',
  '007',
  '08',
  '0_7',
  '0_8',
  '017',
  '0o17',
  '0O17',
  '0o',
  '0o8',
  '0x1F',
  '0X1f',
  '0x',
  '0x_1F',
  '0x1F_FF',
  '0xG',
  '0b101',
  '0B101',
  '0b',
  '0b2',
  '0b1_0',
  '-0b101',
  '+0b1',
  '-0x1',
  '+0x1',
  '1_000',
  '1__0',
  '_1',
  '1_',
  '-_1',
  '+-1',
  '--1',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '18446744073709551615',
  '18446744073709551616',
  // floats
  '1.5',
  '-1.5',
  '+1.5',
  '.5',
  '-.5',
  '+.5',
  '1.',
  '0.',
  '-0.0',
  '0.0',
  '1e3',
  '1E3',
  '12e3',
  '1e+3',
  '1e-3',
  '1.5e-3',
  '.5E2',
  '-.5e3',
  '1e',
  '1e+',
  'e5',
  'E0',
  'e-5',
  '.',
  '-.',
  '.e5',
  '._5',
  '.5_0',
  '.1_',
  '1.5_0',
  '1_0.5',
  '1e1_0',
  '09.5',
  '.5.5',
  '1.2.3',
  '1e400',
  '1.0e-400',
  '0x1.8p1',
  '1_e3',
  // the special floats JSON cannot hold, and look-alikes
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '-.inf',
  '+.INF',
  '.inF',
  'nan',
  'NaN',
  'inf',
  'Inf',
  'infinity',
  '+inf',
  // timestamps and base 60, which go-yaml keeps as text
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10',
  '2001-1-2',
  '1:30',
  '190:20:30',
  '-1:30',
  // merge keys and odd text
  '<<',
  '=',
  '-1-',
  '1 2',
  'a',
  '0.5.',
  '1,000',
  '$1',
  '1%',
];

/** Whole documents: merges, tags, aliases, keys, structure, errors. */
const DOCUMENTS: [string, string][] = [
  ['a merge before a key', 'a: 1\n<<: {a: 2, b: 3}\n'],
  ['a merge after a key', '<<: {a: 2}\na: 1\n'],
  ['a merge through an alias over privileged: false', 'base: &b {privileged: true}\nsc:\n  privileged: false\n  <<: *b\n'],
  ['a merge of a list', '<<: [{a: 1}, {a: 2, b: 2}]\nc: 3\n'],
  ['a merge of a list through aliases', 'x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n  b: 3\n'],
  ['two merges', '<<: {a: 1}\n<<: {a: 2, b: 2}\n'],
  ['a merge of a scalar', '<<: 5\n'],
  ['a merge of a list with a scalar', '<<: [{a: 1}, 5]\n'],
  ['a quoted merge key', '"<<": {a: 1}\nb: 2\n'],
  ['a merge key as a value and an item', 'a: <<\nb: [<<]\n'],
  ['unknown local tags', 'a: !foo bar\nb: !foo {x: 1}\nc: !foo [1]\nd: ! 5\n'],
  [
    'explicit core tags',
    'a: !!float 1\nb: !!float "1.5"\nc: !!null ""\nd: !!int 0x10\ne: !!int "5"\nf: !!str 5\ng: !!bool yes\nh: !!str yes\n',
  ],
  ['!!int of a float', 'a: !!int 1.5\n'],
  ['!!int of a word', 'a: !!int abc\n'],
  ['!!bool of a number', 'a: !!bool 1\n'],
  ['!!null of a word', 'a: !!null x\n'],
  ['!!float of .nan', 'a: !!float .nan\n'],
  ['!!str on collections', 'a: !!str {x: 1}\nb: !!str [1]\n'],
  ['!!timestamp', 'a: !!timestamp 2001-12-14\n'],
  ['!!timestamp of a word', 'a: !!timestamp abc\n'],
  ['!!binary', 'a: !!binary aGVsbG8=\n'],
  ['!!binary on lines', 'a: !!binary |\n  aGVs\n  bG8=\n'],
  ['!!binary without padding', 'a: !!binary aGVsbG8\n'],
  ['!!binary with a space', 'a: !!binary "aGVs bG8="\n'],
  ['!!set and !!omap', 'a: !!set {x, y}\nb: !!omap [a: 1, b: 2]\nc: !!pairs [a: 1]\n'],
  ['a shared list', 'a: &x [1, 2]\nb: *x\n'],
  ['a document that contains itself', 'a: &a [*a]\n'],
  [
    'billion laughs',
    ['a: &a [x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n') + '\n',
  ],
  ['keys of every scalar kind', '1: a\ntrue: b\n1.5: c\n0x10: d\nn: f\n'],
  [
    'float keys, written as Go writes a float32',
    '1e6: a\n1234567.0: b\n0.000001: c\n1.1234567890: d\n1.5e300: e\n-2.5e-5: f\n100000.0: g\n0.0001: h\n123456.7: i\n3.4028235e38: j\n1e-45: k\n1e-46: l\n',
  ],
  ['a null key', '~: c\n'],
  ['a list as a key', '? [a, b]\n: c\n'],
  ['a __proto__ key', '__proto__: {privileged: true}\nb: 1\n'],
  ['a duplicate in a flow mapping', 'a: {b: 1, c: 2}\n'],
  ['a top-level list and scalar', '- a\n- b\n---\na\n'],
  ['empty and null documents', '{}\n---\n---\nnull\n---\n~\n---\na: 1\n'],
  ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
  ['quoted scalars stay text', 'a: "yes"\nb: \'0x10\'\nc: "1e3"\nd: "~"\n'],
  ['block scalars', 'a: |\n  yes\nb: >-\n  1e3\n'],
  ['escapes in double quotes', 'a: "tab\\there"\nb: "\\u00e9"\nc: "\\x41"\n'],
  ['a syntax error', 'a: [\n'],
  ['content on the separator line', '--- a: 1\n'],
  ['a flow mapping on the separator line', 'a: 1\n--- {b: 2}\n'],
  ['a key that starts with ---', '---x: 1\n'],
  ['a comment on the separator line', '--- # first\na: 1\n---   \nb: 2\n'],
  ['a %TAG directive', '%TAG ! tag:x,2000:\n---\na: !foo 1\n'],
  ['an end marker between documents', 'a: 1\n...\n---\nb: 2\n'],
  ['JSON', '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "yes", "b": 1e3}}\n'],
  ['a byte order mark', '\ufeffa: yes\n'],
  ['CRLF line ends', 'a: 1\r\nb: yes\r\n'],
  ['a tab for indentation', 'a:\n\tb: 1\n'],
  // Line ends, folding, escapes, tabs, flow collections and YAML 1.1 numbers: agreeing on all of them.
  ...[
    'a: |\r\n  x\r\n  y\r\n',
    'a: >\r\n  x\r\n  y\r\n',
    'a: "x\r\n  y"\r\n',
    "a: 'x\r\n\r\n  y'\n",
    'a: x\r\n  y\r\n',
    'a: >\n  x\n    more\n  y\n',
    'a: |\n  x  \n  y\t\n',
    'a: "x  \n  y"\n',
    'a: "x\\\n  y"\n',
    "a: 'x  \n  y'\n",
    'a: x # c\n  y\n',
    'a: x\n  # c\n  y\n',
    'a: x\t# c\n',
    'a:\tx\n',
    'a: \tx\n',
    'a: x\t\n',
    'a: "\\N\\L\\P"\n',
    'a: "\\_"\n',
    'a: >\n\n  x\n',
    'a: >+\n  x\n\n\n',
    'a: |1\n  x\n',
    'a:\n  - |\n    x\n  - y\n',
    'a: [x\n  , y]\n',
    'a: {x: 1\n  , y: 2}\n',
    'a: [ "x" , \'y\' ]\n',
    'a: !!str 0o17\n',
    'a: !!int 0o17\n',
    'a: !!float 0o17\n',
    'a: !!float 1_000.5\n',
    'a: 1_000.5\n',
    'a: +12\n',
    'a: 1.0e+3\n',
    'a: 0.1e-2\n',
    'a: 6.8523015e+5\n',
    'a: 685.230_15e+03\n',
    'a: 190:20:30.15\n',
    'a: -.INF\n',
    'a: 0b1010_0111\n',
    'a: 02472256\n',
    'a: 0x_0A_74_AE\n',
    'a: 685_230\n',
    'a: +685_230\n',
    'image: nginx@sha256:aaaa\r\n',
    'a: "a\\tb"\n',
    'a: "\\x41\\x"\n',
  ].map((text): [string, string] => [`syntax ${JSON.stringify(text)}`, text]),
  // kubectl's JSON-then-YAML stream: JSON values one after another, one JSON value then YAML.
  ['JSON objects one after another', '{"a": 1}\n{"b": true}\n'],
  ['a JSON object followed by YAML', '  {"a": "x"}\nb: yes\n'],
  ['a JSON object followed by YAML on its line', '{"a": "x"} b: yes\n'],
  // kubectl cuts documents at lines starting with ---, before YAML sees them.
  ['a separator with a comment glued on', 'a: |\n  x\n---#c\nkind: Pod\n'],
  ['a separator followed by a no-break space', 'a: 1\n---\u00a0\nb: 2\n'],
  ['a separator followed by an ideographic space and a comment', 'a: 1\n---\u3000#x\nb: 2\n'],
  ['a separator line kept as the first line of its document', 'a: 1\n---\n---\nb: 2\n'],
  ['a glued separator as the first line of its document', 'a: 1\n---\n---#x\nb: 2\n'],
  ['a ... end marker first', '# c\n...\n'],
  // Merge keys with tags, which go-yaml merges too.
  ...['!!merge <<', '! <<', '!<tag:yaml.org,2002:merge> <<', '! "<<"', '!!merge "<<"', '"<<"', '!!str <<'].map((key): [string, string] => [
    `the merge key ${key}`,
    `b: &d {privileged: true}\nc:\n  privileged: false\n  ${key}: *d\n`,
  ]),
  // Flow content and quoted lines less indented than YAML 1.2 allows (libyaml does not mind).
  ['a flow list continued at column 0', 'a: ["x",\n"y"]\n'],
  ['a flow list continued under its key', 'a:\n  b: [1,\n  2]\n'],
  ['a quoted value continued at column 0', 'a: "x\ny"\n'],
  ['a flow mapping in a list item', '- a: {b: 1,\n  c: 2}\n'],
  [
    'a Deployment',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: on\n      containers:\n      - name: main\n        securityContext: {privileged: Y, runAsUser: 0o0}\n',
  ],
];

/**
 * Where we deliberately refuse what kubectl accepts (failing closed): it keeps the last of two
 * equal keys silently, and drops a second document that YAML starts without a line of its own
 * beginning with ---. The objects it reads, and the start of our error.
 */
const WE_REFUSE: [string, string, number, RegExp][] = [
  ['a key given twice', 'a: 1\na: 2\n', 1, /a key is given twice in one mapping/],
  ['a key given twice in a flow mapping', 'a: {b: 1, b: 2}\n', 1, /a key is given twice in one mapping/],
  ['two keys that read alike', 'yes: 1\ntrue: 2\n', 1, /a key is given twice in one mapping/],
  ['a merged key given twice after the merge', '<<: {a: 1}\na: 2\na: 3\n', 1, /a key is given twice in one mapping/],
  ['a duplicate key in JSON', '{"a": 1, "a": 2}\n', 1, /the key "a" is given twice in one object/],
  // kubectl ends lines at NEL, LS and PS as well (YAML 1.1); YAML 1.2 does not: a comment could hide a key.
  [
    'a LINE SEPARATOR ending a comment',
    'a: false # note\u2028b: true\n',
    1,
    /^case\.yaml:1: contains the character LINE SEPARATOR \(U\+2028\)/,
  ],
  ['a NEXT LINE in a plain value', 'a: x\u0085b: y\n', 1, /NEXT LINE \(U\+0085\)/],
  ['a PARAGRAPH SEPARATOR in double quotes', 'a: "x\u2029y"\n', 1, /PARAGRAPH SEPARATOR \(U\+2029\)/],
  // kubectl reads one document per --- section and silently drops one that follows `...` without its own ---.
  ['a document after ... without ---', 'a: 1\n... # end\nb: 2\n', 1, /^case\.yaml:3: a second document where kubectl reads one/],
  [
    'a second document after a lone carriage return and ---',
    'a: 1\r---\rb: 2\r',
    1,
    /^case\.yaml:1: a second document where kubectl reads one/,
  ],
];

/**
 * Where kubectl refuses what we read (YAML 1.1 syntax that YAML 1.2 grew): harmless, since
 * nothing reaches the cluster, and listed so that a change on either side shows.
 */
const ONLY_KUBECTL_REFUSES: [string, string][] = [
  ['the \\/ escape (YAML 1.2 only)', 'a: "x\\/y"\n'],
  ['an anchor name with a dot', 'a: &x.y 1\nb: *x.y\n'],
  ['a tab that indents block scalar content', 'a: |\n  \ttab\n'],
];

const CASES: [string, string][] = [
  ...SCALARS.map((s): [string, string] => [`value ${s}`, `k: ${s}\n`]),
  ...SCALARS.filter((s) => s !== '<<').map((s): [string, string] => [`key ${s}`, `${s}: v\n`]),
  ...DOCUMENTS,
];

test('the peer has a pinned apimachinery and a go.sum', () => {
  const peer = path.join(ROOT, 'test/peers/kubectl-yaml');
  expect(fs.readFileSync(path.join(peer, 'go.mod'), 'utf8')).toMatch(/^require k8s\.io\/apimachinery v\d+\.\d+\.\d+$/m);
  expect(fs.readFileSync(path.join(peer, 'go.sum'), 'utf8')).toMatch(/^k8s\.io\/apimachinery v\d+\.\d+\.\d+ h1:/m);
});

withInstalledTool(PEER, 'kubectl reading proof', 'scripts/install-peers.sh', () => {
  describe('the review reads YAML as kubectl does (the real decoder as the judge)', () => {
    const theirsByText = new Map<string, Reading>();
    beforeAll(() => {
      const texts = CASES.map(([, text]) => text);
      kubectlReadsAll(texts).forEach((reading, i) => theirsByText.set(texts[i], reading));
    });

    test.each(CASES)('%s', (_, text) => {
      const theirs = theirsByText.get(text)!;
      const ours = weRead(text);
      if ('refused' in theirs) {
        expect({ text, ours }).toEqual({ text, ours: { refused: expect.any(String) } });
      } else {
        expect('values' in ours ? ours.values : ours).toEqual(theirs.values);
        expect(sameJson((ours as { values: unknown[] }).values, theirs.values)).toBe(true);
      }
    });

    test.each(ONLY_KUBECTL_REFUSES)('%s: kubectl refuses it, we read it', (_, text) => {
      expect(kubectlReads(text)).toEqual({ refused: expect.any(String) });
      expect(weRead(text)).toEqual({ values: [expect.any(Object)] });
    });

    test.each(WE_REFUSE)('%s: kubectl reads it, we refuse', (_, text, objects, error) => {
      expect(kubectlReads(text)).toEqual({ values: Array(objects).fill(expect.any(Object)) });
      expect(weRead(text)).toEqual({ refused: expect.stringMatching(error) });
    });

    test('what the manifest writer writes, kubectl reads as the very object (every tricky scalar as key and value, and random documents)', () => {
      const { random, pick } = seededRandom(7);
      const string = (): string =>
        Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SCALARS)).join(pick(['', '', ' ', '_', '.', ':', '-']));
      const scalar = (): unknown =>
        pick([
          string,
          string,
          () => pick(SCALARS),
          () => Math.floor(random() * 2e6) - 1e6,
          () => random() * 1e3,
          () => random() < 0.5,
          () => null,
        ])();
      const documents: Record<string, unknown>[] = [
        { apiVersion: 'v1', kind: 'ConfigMap', data: Object.fromEntries(SCALARS.map((text, i) => [`k${i}`, text])) },
        { apiVersion: 'v1', kind: 'ConfigMap', data: Object.fromEntries(SCALARS.map((text, i) => [text, `v${i}`])) },
        ...Array.from({ length: 300 }, () =>
          Object.fromEntries(
            Array.from({ length: 1 + Math.floor(random() * 5) }, () => [
              string(),
              random() < 0.3 ? Array.from({ length: Math.floor(random() * 3) }, scalar) : scalar(),
            ]),
          ),
        ),
      ];
      expect(documents.map((doc) => new ManifestYaml().write(doc).readsBack).every(Boolean)).toBe(true);
      // Documents the fast writer leaves to the YAML library whole (line breaks, markers, shared objects).
      const shared = { app: 'web', replicas: 2 };
      documents.push(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          data: {
            'run.sh': 'set -e\nyes\n0o17\n---\n...\n%YAML 1.1\n  indented: true\n',
            trailing: 'a\n\n',
            'no-newline': 'a\nb',
            crlf: 'a\r\nb',
            lead: '\n  x',
            tab: 'a\tb\nc',
          },
        },
        { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '--- x', b: 'x\n--- y', '<<': 'merge?', c: '# not a comment\n<<: {a: 1}' } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          data: { nel: 'a\u0085b', ls: 'a\u2028b: true', ps: 'x\u2029', 'lines\u2028key': 'v', multi: 'a\nb\u2028c\n' },
        },
        { a: shared, b: shared, c: [shared, shared] },
      );
      const yaml = new ManifestYaml();
      const written = documents.map((doc) => yaml.write(doc));
      const theirs = kubectlReads(written.map((w) => w.text).join('---\n'));
      expect(theirs).toEqual({ values: documents.map((doc) => JSON.parse(JSON.stringify(doc))) });
    });

    test('the reference platform as written: kubectl reads every file as the review read it', () => {
      const dist = path.join(tempDir('kubectl-yaml-'), 'dist');
      const app = new HardenedApp({
        outdir: dist,
        reviewDate: '2026-11-23',
        yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
      });
      buildReferencePlatform(app);
      app.synth();
      const files = manifestFiles(dist).filter((file) => /\.ya?ml$/.test(file));
      expect(files.length).toBeGreaterThan(40);
      const theirs = kubectlReadsAll(files.map((file) => fs.readFileSync(file, 'utf8')));
      files.forEach((file, i) =>
        expect({ file, objects: theirs[i] }).toEqual({ file, objects: { values: loadManifests([file]).map((m) => m.object) } }),
      );
    });

    test('3,000 generated documents of tricky tokens: where both read mappings, they read the same ones', () => {
      const { random, pick } = seededRandom(20261123);
      const tokens = [
        ...SCALARS,
        '-',
        '?',
        ':',
        '#',
        '"q"',
        "'s'",
        '&a',
        '*a',
        '!x',
        '!!str',
        '[',
        ']',
        '{',
        '}',
        ',',
        '|',
        '>',
        '%',
        '@',
        'a b',
        'a: b',
        'a #c',
        'é',
        '---',
        '...',
        'k8s.io/x',
      ];
      const piece = () =>
        pick([
          () => pick(tokens),
          () => pick(tokens) + pick(tokens),
          () => `"${pick(tokens)}"`,
          () => `'${pick(tokens)}'`,
          () => `[${pick(tokens)}, ${pick(tokens)}]`,
          () => `{${pick(tokens)}: ${pick(tokens)}}`,
        ])();
      const line = (indent: string) =>
        pick([
          () => `${indent}${piece()}: ${piece()}`,
          () => `${indent}- ${piece()}`,
          () => `${indent}${piece()}:`,
          () => `${indent}- ${piece()}: ${piece()}`,
          () => `${indent}# ${piece()}`,
          () => `${indent}${piece()}`,
          () => `${indent}${piece()}: |`,
          () => '---',
          () => '',
        ])();
      const texts = Array.from(
        { length: 3000 },
        () => `k: v\n${Array.from({ length: 1 + Math.floor(random() * 6) }, () => line(pick(['', '', '  ', '    ']))).join('\n')}\n`,
      );
      const theirs = kubectlReadsAll(texts);
      const isMappings = (values: unknown[]) => values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
      let compared = 0;
      texts.forEach((text, i) => {
        const ours = weRead(text);
        const kubectl = theirs[i];
        if (!('values' in ours) || !('values' in kubectl) || !isMappings(ours.values) || !isMappings(kubectl.values)) return;
        compared++;
        expect({ text, ours: ours.values }).toEqual({ text, ours: kubectl.values });
      });
      expect(compared).toBeGreaterThan(300);
    });

    test('the cases cover what matters: kubectl reads yes, on, Y and 0o octal as booleans and numbers', () => {
      expect(kubectlReads('a: yes\nb: on\nc: Y\nd: 0o17\n')).toEqual({ values: [{ a: true, b: true, c: true, d: 15 }] });
    });
  });
});
