import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseManifests, readDocuments } from '../../lib/review/load';
import { loadManifests } from '../../lib/review/manifest-files';
import { ManifestYaml } from '../../lib/app/manifest-yaml';
import { review } from '../../lib/review/engine';

/** The `data` of a ConfigMap whose data block is `lines`, as the review reads it. */
function dataOf(lines: string): unknown {
  const [manifest] = parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n${lines}`, 'cm.yaml');
  return manifest.object.data;
}

describe('parseManifests reads YAML as kubectl does (YAML 1.1, as sigs.k8s.io/yaml resolves it)', () => {
  test.each<[string, unknown]>([
    ['yes', true],
    ['Yes', true],
    ['y', true],
    ['on', true],
    ['ON', true],
    ['true', true],
    ['no', false],
    ['N', false],
    ['off', false],
    ['False', false],
    ['0b101', 5],
    ['017', 15],
    ['0x1F', 31],
    ['-0x1', -1],
    ['1_000', 1000],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['1.5e-3', 0.0015],
    ['.5E2', 50],
    ['08', 8],
    // Go's integer syntax, which go-yaml hands plain scalars to: 0o octal, capital prefixes, underscores anywhere.
    ['0o17', 15],
    ['0B101', 5],
    ['0x_1F', 31],
    ['1e1_0', 1e10],
    ['~', null],
    ['null', null],
  ])('plain %s is %p', (text, value) => {
    expect(dataOf(`  k: ${text}\n`)).toEqual({ k: value });
  });

  test.each([
    ['a date, which go-yaml v2 keeps as text', '2026-01-15'],
    ['a time stamp', '2001-12-14t21:59:43.10-05:00'],
    ['a base-60 number, which go-yaml v2 does not know', '1:30'],
    ['an exponent without digits (go-yaml keeps it; the yaml library alone reads NaN)', 'e5'],
    ['a capital one', 'E0'],
    ['a lone point', '.'],
    ['a signed point', '-.'],
    ['a quoted yes', '"yes"'],
  ])('%s stays a string', (_, text) => {
    expect(dataOf(`  k: ${text}\n`)).toEqual({ k: text.replace(/"/g, '') });
  });

  test('a merge key merges, as kubectl applies it', () => {
    const [manifest] = parseManifests(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: p',
        'x-defaults: &defaults',
        '  privileged: true',
        'spec:',
        '  containers:',
        '  - name: main',
        '    image: nginx',
        '    securityContext:',
        '      <<: *defaults',
        '      runAsNonRoot: true',
        '',
      ].join('\n'),
      'pod.yaml',
    );
    expect((manifest.object.spec as any).containers[0].securityContext).toEqual({ privileged: true, runAsNonRoot: true });
  });

  test('explicit !!set, !!omap and !!timestamp give the plain value under the tag, !!binary its decoded text', () => {
    expect(dataOf('  a: !!binary aGVsbG8=\n  b: !!timestamp 2001-01-01\n')).toEqual({ a: 'hello', b: '2001-01-01' });
    const [manifest] = parseManifests('apiVersion: v1\nkind: X\nset: !!set {a, b}\nomap: !!omap [a: 1]\n', 'x.yaml');
    expect([manifest.object.set, manifest.object.omap]).toEqual([{ a: null, b: null }, [{ a: 1 }]]);
  });

  test('a duplicate key is an error with its line (go-yaml would keep the last value silently)', () => {
    expect(() => dataOf('  k: a\n  k: b\n')).toThrow(
      /^cm\.yaml:7: a key is given twice in one mapping \(kubectl would keep the last value silently\) \(column 3\)$/,
    );
  });
});

describe('what the reading closes: a value kubectl reads as true is judged as true', () => {
  const pod = (securityContext: string) =>
    parseManifests(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: p',
        '  namespace: shop',
        'spec:',
        '  containers:',
        '  - name: main',
        '    image: nginx',
        '    securityContext:',
        `      ${securityContext}`,
        '',
      ].join('\n'),
      'pod.yaml',
    );

  test.each(['privileged: yes', 'privileged: on', 'privileged: Y'])('%s is privileged', (line) => {
    const result = review(pod(line), { packs: ['pss-baseline'] });
    expect(result.findings.map((f) => f.ruleId)).toContain('no-privileged');
  });

  test('a merge after privileged: false overrides it, as in go-yaml (a YAML 1.2 reader keeps false)', () => {
    const [manifest] = parseManifests(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: p',
        '  namespace: shop',
        'x-base: &base',
        '  privileged: true',
        'spec:',
        '  containers:',
        '  - name: main',
        '    image: nginx',
        '    securityContext:',
        '      privileged: false',
        '      <<: *base',
        '',
      ].join('\n'),
      'pod.yaml',
    );
    expect((manifest.object.spec as any).containers[0].securityContext).toEqual({ privileged: true });
    expect(review([manifest], { packs: ['pss-baseline'] }).findings.map((f) => f.ruleId)).toContain('no-privileged');
  });

  test('a LINE SEPARATOR that ends a comment for kubectl cannot hide hostPID: true: the file is refused', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: false # note\u2028  hostPID: true\n  containers:\n  - name: c\n    image: nginx\n';
    expect(() => parseManifests(text, 'pod.yaml')).toThrow(
      /^pod\.yaml:6: contains the character LINE SEPARATOR \(U\+2028\), which kubectl reads as a line break/,
    );
    expect(() => parseManifests(text.replace('\u2028', '\n'), 'pod.yaml')).not.toThrow();
  });

  test('privileged: "yes" (quoted) is the string kubectl sends too, and not read as privileged', () => {
    expect((pod('privileged: "yes"')[0].object.spec as any).containers[0].securityContext.privileged).toBe('yes');
  });
});

/** A privileged Pod in the namespace `shop`, as YAML lines. */
const PRIVILEGED_POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: hidden',
  '  namespace: shop',
  'spec:',
  '  containers:',
  '  - name: main',
  '    image: nginx',
  '    securityContext:',
  '      privileged: true',
];

/** The kinds read from `text`, and whether the review finds the privileged container. */
function readAndJudge(text: string): { kinds: string[]; privileged: boolean } {
  const manifests = parseManifests(text, 'bypass.yaml');
  return {
    kinds: manifests.map((m) => String(m.object.kind)),
    privileged: review(manifests, { packs: ['pss-baseline'] }).findings.some((f) => f.ruleId === 'no-privileged'),
  };
}

describe('what kubectl creates is what the review judges (issue #16 bypasses)', () => {
  const configMapWithBlock = (separator: string) =>
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: notes',
      'data:',
      '  readme: |',
      '    just text',
      separator,
      ...PRIVILEGED_POD,
      '',
    ].join('\n');

  test.each([['---#x'], ['--- #x'], ['---\u00a0'], ['---\u3000# note'], ['---\t']])(
    'a line %j starts a new document, as in kubectl: the Pod after it is judged',
    (separator) => {
      expect(readAndJudge(configMapWithBlock(separator))).toEqual({ kinds: ['ConfigMap', 'Pod'], privileged: true });
    },
  );

  test('text after --- on its line is refused, as kubectl refuses it', () => {
    expect(() => parseManifests(configMapWithBlock('--- x'), 'bypass.yaml')).toThrow(
      /^bypass\.yaml:8: text after the document separator ---/,
    );
  });

  test('items on any kind are what kubectl creates: the items, not the object', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: harmless',
      'items:',
      ...PRIVILEGED_POD.map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`)),
      '',
    ].join('\n');
    expect(readAndJudge(text)).toEqual({ kinds: ['Pod'], privileged: true });
  });

  test("an item without kind and apiVersion takes the list's (kind without List), as kubectl does", () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: outer',
      'items:',
      ...PRIVILEGED_POD.slice(2).map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`)),
      '',
    ].join('\n');
    const manifests = parseManifests(text, 'bypass.yaml');
    expect(manifests.map((m) => [m.object.apiVersion, m.object.kind, (m.object.metadata as any).name])).toEqual([['v1', 'Pod', 'hidden']]);
    expect(readAndJudge(text).privileged).toBe(true);
    const podList = text.replace('kind: Pod', 'kind: PodList');
    expect(parseManifests(podList, 'bypass.yaml').map((m) => m.object.kind)).toEqual(['Pod']);
  });

  test('items: null makes a list of nothing, as in kubectl; items that are not a list are refused', () => {
    expect(parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nitems: null\n', 'x.yaml')).toEqual([]);
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nitems: {a: 1}\n', 'x.yaml')).toThrow(
      /^x\.yaml:1: items is a mapping: kubectl reads every object with an items field as a list/,
    );
  });

  test('a List with a null item is a clear error, not a crash', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: List\nitems:\n- null\n', 'x.yaml')).toThrow(
      /^x\.yaml:1: items\[0\] is null, not an object \(kubectl would send an object with nothing but a kind\); remove it$/,
    );
    expect(() => parseManifests('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n', 'x.yaml')).toThrow(
      /items\[0\] is itself a list/,
    );
  });

  test.each(['!!merge <<', '! <<', '!<tag:yaml.org,2002:merge> <<', '! "<<"'])('a merge key written %s merges, as in go-yaml', (key) => {
    const text = [
      ...PRIVILEGED_POD.slice(0, 5),
      'x-base: &base',
      '  privileged: true',
      ...PRIVILEGED_POD.slice(5, 10),
      '      privileged: false',
      `      ${key}: *base`,
      '',
    ].join('\n');
    expect(readAndJudge(text)).toEqual({ kinds: ['Pod'], privileged: true });
  });

  test('an alias used as a key that stands for << is refused (go-yaml reads the key "<<", no merge)', () => {
    const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: m', 'x: &m <<', 'data:', '  *m : {a: b}', ''].join('\n');
    expect(() => parseManifests(text, 'x.yaml')).toThrow(/^x\.yaml:7: an alias \(\*m\) used as a key stands for <</);
  });

  test('flow content less indented than YAML 1.2 allows is read, as kubectl reads it', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  containers:',
      '  - name: main',
      '    image: nginx',
      '    args: ["--a",',
      '    "--b"]',
      '    command: ["sh",',
      '"-c"]',
      '',
    ].join('\n');
    const [manifest] = parseManifests(text, 'x.yaml');
    expect((manifest.object.spec as any).containers[0]).toEqual({
      name: 'main',
      image: 'nginx',
      args: ['--a', '--b'],
      command: ['sh', '-c'],
    });
  });

  test('a list item whose flow mapping holds a tab is not taken into the block scalar above it (it is refused)', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: a}',
      '    data:',
      '      script: |-',
      "  - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}, x: 'a'\t}",
      '',
    ].join('\n');
    expect(() => parseManifests(text, 'x.yaml')).toThrow(/^x\.yaml:9: deficient indentation/);
  });

  test('a JSON object followed by YAML is read as kubectl reads it: both objects', () => {
    const text = `${JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })}\n${PRIVILEGED_POD.join('\n')}\n`;
    expect(readAndJudge(text)).toEqual({ kinds: ['ConfigMap', 'Pod'], privileged: true });
  });
});

describe('what kubectl refuses after decoding is refused (found by the fuzz against kubectl create)', () => {
  test.each([
    [
      'a label that is not a string',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: yes\n',
      /metadata\.labels\.app is a boolean, not a string \(quote it\), which kubectl refuses/,
    ],
    ['a name that is a number', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 5\n', /metadata\.name is an integer, not a string/],
    ['metadata that is a list', 'apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n', /metadata is a list, not a mapping/],
    [
      'a creation time that is not RFC 3339',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  creationTimestamp: 2026-13-01T00:00:00Z\n',
      /metadata\.creationTimestamp is "2026-13-01T00:00:00Z", not an RFC 3339 time/,
    ],
    [
      'an apiVersion with two slashes',
      'apiVersion: apps/v1/x\nkind: ConfigMap\n',
      /apiVersion "apps\/v1\/x" is not GROUP\/VERSION or VERSION, which kubectl refuses/,
    ],
    ['a kind that is not a string', 'apiVersion: v1\nkind: 5\n', /kind is an integer, not a string/],
    ['a list without apiVersion', 'kind: PodList\nitems: []\n', /apiVersion not set, which kubectl refuses/],
    ['a list whose kind is empty', 'apiVersion: v1\nkind: ""\nitems: []\n', /kind is empty, which kubectl refuses/],
    [
      'a list item whose apiVersion has no version',
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1/\n  kind: Pod\n',
      /items\[0\] apiVersion "v1\/" has no version/,
    ],
    [
      'an indented --- first',
      ' ---\napiVersion: v1\nkind: ConfigMap\n',
      /^x\.yaml:1: an indented --- before the document has begun, which kubectl reads as the text ---/,
    ],
  ])('%s', (_, text, error) => {
    expect(() => parseManifests(text, 'x.yaml')).toThrow(error);
  });

  test('a namespace that is not a non-empty string is dropped, as kubectl drops it (the object goes where kubectl is pointed)', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    namespace: 0\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: ""}\n';
    expect(parseManifests(list, 'x.yaml').map((m) => m.object.metadata)).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(
      parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: null\n', 'x.yaml')[0].object.metadata,
    ).toEqual({ name: 'c' });
  });

  test('a creation time kubectl accepts is read', () => {
    expect(
      parseManifests(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  creationTimestamp: "2026-02-28T23:59:59.5+01:00"\n  labels: {app: "yes", b: null}\n',
        'x.yaml',
      ),
    ).toHaveLength(1);
  });

  test('a byte order mark at the start of the text is dropped before kubectl looks for JSON or a directive', () => {
    expect(() => parseManifests('\ufeff%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\n', 'x.yaml')).toThrow(/x\.yaml:\d+: /);
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    expect(parseManifests(`\ufeff${cm}\n${cm}\n`, 'x.yaml')).toHaveLength(2);
  });

  test('a float -0.0 is the integer 0 kubectl sends (its decoder reads numbers as int64 first); in JSON, -0.0 stays -0', () => {
    const [yaml] = parseManifests('apiVersion: v1\nkind: Pod\nspec:\n  securityContext:\n    runAsUser: -0.0\n', 'x.yaml');
    expect(Object.is((yaml.object.spec as any).securityContext.runAsUser, 0)).toBe(true);
    const [json] = parseManifests(
      '{"apiVersion": "v1", "kind": "Pod", "spec": {"securityContext": {"runAsUser": -0.0, "runAsGroup": -0}}}',
      'x.json',
    );
    expect([
      Object.is((json.object.spec as any).securityContext.runAsUser, -0),
      Object.is((json.object.spec as any).securityContext.runAsGroup, 0),
    ]).toEqual([true, true]);
  });
});

describe('origins', () => {
  test('each object names the line its document starts on, past empty documents, comments and markers', () => {
    const text =
      '# header\napiVersion: v1\nkind: A\n---\n---\n# note\n\napiVersion: v1\nkind: B\n...\n--- # third\n---\n  apiVersion: v1\n  kind: C\n';
    expect(parseManifests(text, 'f.yaml').map((m) => [m.object.kind, m.origin])).toEqual([
      ['A', 'f.yaml:2'],
      ['B', 'f.yaml:8'],
      ['C', 'f.yaml:13'],
    ]);
  });
});

describe('our own reports next to the manifests', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('are skipped when they hold no Kubernetes object, and reviewed when they do: kubectl applies a Pod saved as review.json', () => {
    fs.writeFileSync(path.join(dir, 'reachability.json'), JSON.stringify({ analysis: 'reachability', formatVersion: 1, workloads: [] }));
    fs.mkdirSync(path.join(dir, 'hidden'));
    fs.writeFileSync(
      path.join(dir, 'hidden', 'review.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'shop' },
        spec: { hostPID: true, containers: [{ name: 'c', image: 'nginx' }] },
      }),
    );
    fs.writeFileSync(path.join(dir, 'permissions.json'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-in-a-report-name\n');
    expect(loadManifests([dir]).map((m) => [m.object.kind, m.origin])).toEqual([
      ['Pod', path.join(dir, 'hidden', 'review.json:1')],
      ['ConfigMap', path.join(dir, 'permissions.json:1')],
    ]);
  });
});

describe('a byte order mark at the start of a later document', () => {
  test('is dropped, as go-yaml drops it from each document kubectl cuts: a merge hidden behind it reaches the review', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n\ufeff<<: {spec: {hostPID: true}}\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n';
    const [, podObject] = parseManifests(text, 'x.yaml').map((m) => m.object);
    expect(podObject).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostPID: true } });
  });

  test('is kept where kubectl keeps it: after a leading --- of the first document, and inside a document', () => {
    expect(Object.keys(parseManifests('---\n\ufeffx: 1\napiVersion: v1\nkind: ConfigMap\n', 'x.yaml')[0].object)).toContain('\ufeffx');
    expect(Object.keys(parseManifests('apiVersion: v1\nkind: ConfigMap\n\ufeffx: 1\n', 'x.yaml')[0].object)).toContain('\ufeffx');
  });
});

describe('file encodings, as kubectl decodes them', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\ndata:\n  a: yes\n';
  const utf16be = (s: string) => {
    const le = Buffer.from(s, 'utf16le');
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
    return le;
  };

  test.each([
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['UTF-16LE with a byte order mark (PowerShell 5)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
  ])('%s reads as the same objects', (_, bytes) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encoding-'));
    try {
      fs.writeFileSync(path.join(dir, 'cm.yaml'), bytes);
      expect(loadManifests([dir]).map((m) => m.object)).toEqual([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'café' }, data: { a: true } },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bytes kubectl would decode by other rules than ours are refused', () => {
  const load = (bytes: Buffer) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encoding-'));
    try {
      fs.writeFileSync(path.join(dir, 'cm.yaml'), bytes);
      return loadManifests([dir]).map((m) => m.object);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test('invalid UTF-8 is refused with its line and byte', () => {
    const bytes = Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\n'),
    ]);
    expect(() => load(bytes)).toThrow(
      /cm\.yaml:4: byte 50 is not valid UTF-8 \(kubectl would read it as U\+FFFD\); save the file as UTF-8$/,
    );
  });

  test('UTF-16 with an odd number of bytes is refused', () => {
    expect(() => load(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le'), Buffer.from([0x41])]))).toThrow(
      /cm\.yaml: is not valid UTF-16LE after its byte order mark/,
    );
  });

  test('a UTF-8 byte order mark is dropped before kubectl looks for JSON: two JSON objects are two objects', () => {
    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    expect(load(Buffer.from(`\ufeff${pod}\n${pod.replace('"a"', '"b"')}\n`, 'utf8')).map((o) => (o.metadata as any).name)).toEqual([
      'a',
      'b',
    ]);
  });
});

describe('one parse of a whole file gives what parsing each document alone gives', () => {
  const texts = [
    PRIVILEGED_POD.join('\n'),
    `${PRIVILEGED_POD.join('\n')}\n---\n---\n# c\n--- # d\n${PRIVILEGED_POD.join('\n')}\n---\n`,
    'a: &x {b: 1}\nc: *x\n---\nd: *x\n',
    'a: "x\n---\ny"\n',
    'a: [1,\n---\n2]\n',
    'a: |\n  x\n---\nb: 1\n',
    'a: 1\n--- b: 2\n',
    'a: b\n  c\n---\nd: e\n',
    'a: 1\r\n---\r\nb: 2\r\n',
    '<<: {a: 1}\na: 2\n---\n! <<: {b: 1}\n',
  ];
  const read = (text: string, eachDocumentAlone: boolean) => {
    try {
      return readDocuments(text, 'f.yaml', { eachDocumentAlone }).filter((d) => d.value !== null && d.value !== undefined);
    } catch (error) {
      return (error as Error).message.replace(/ \(column \d+\)$/, '');
    }
  };
  test.each(texts)('%j', (text) => {
    expect(read(text, false)).toEqual(read(text, true));
  });

  test('and for what our writer writes, markers and directives inside values included', () => {
    const yaml = new ManifestYaml();
    const documents = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'a.sh': 'set -e\n---\n...\n%YAML\n' } }];
    const text = documents.map((d) => yaml.write(d).text).join('---\n');
    expect(read(text, false)).toEqual(read(text, true));
  });
});

test('an escaped merge key under the tag ! merges, as in go-yaml (its source is not the text <<)', () => {
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: p, namespace: shop}',
    'x-base: &base',
    '  privileged: true',
    'spec:',
    '  containers:',
    '  - name: main',
    '    image: nginx',
    '    securityContext:',
    '      privileged: false',
    '      ! "\\x3c\\x3c": *base',
    '',
  ].join('\n');
  expect((parseManifests(text, 'x.yaml')[0].object.spec as any).containers[0].securityContext).toEqual({ privileged: true });
});

describe("found by an attacker's review: tokens libyaml reads otherwise inside flow collections are refused", () => {
  const pod =
    '{apiVersion: v1, kind: Pod, metadata: {name: evil}, spec: {hostPID: true, containers: [{name: c, image: busybox, securityContext: {privileged: true}}]}}';
  test.each([
    [
      'a tag running into a comma, before a merge key',
      `{apiVersion: v1, kind: List, items: [${pod}], !x, <<: {items: []}}\n`,
      /the tag !x, runs into ","/,
    ],
    ['a tag running into [', 'a: [!a[b] , true]\n', /the tag !a\[ runs into "\["/],
    [
      '?key in a flow mapping',
      `{apiVersion: v1, kind: List, items: [], ?items: [${pod}]}\n`,
      /a plain value starting with \? inside a flow collection/,
    ],
  ])('%s', (_, text, error) => {
    expect(() => parseManifests(text, 'x.yaml')).toThrow(error);
  });

  test('a tag with a space after it, and ? in block context or inside text, still read', () => {
    expect(
      parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {q: !!str 1, r: "?q"}\nu: a?b\nw: ?plain\n', 'x.yaml')[0]
        .object,
    ).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { q: '1', r: '?q' }, u: 'a?b', w: '?plain' });
  });

  test("a file named .yaml in a folder is read, as kubectl's walk (Go's filepath.Ext) reads it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotfile-'));
    try {
      fs.writeFileSync(path.join(dir, '.yaml'), `${pod}\n`);
      fs.writeFileSync(path.join(dir, '.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
      expect(loadManifests([dir]).map((m) => m.object.kind)).toEqual(['ConfigMap', 'Pod']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
