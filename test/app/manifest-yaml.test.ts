import { Yaml } from 'cdk8s';
import { ManifestYaml, readsBackAsItself, stringifyForKubectl } from '../../lib/app/manifest-yaml';
import { readDocuments } from '../../lib/review/load';
import { seededRandom } from '../support';

/** What `parseManifests` makes of one document's text (without the Kubernetes checks). */
function readBack(text: string): unknown {
  return readDocuments(text, 'doc.yaml')[0].value;
}

/** Deep equality that also compares key order, -0 and the difference between undefined and null. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k, i) => k === bk[i] && sameValue((a as any)[k], (b as any)[k]));
}

const shared = { app: 'web' };
const cyclic: any = { a: 1 };
cyclic.self = cyclic;

const DOCUMENTS: [string, unknown][] = [
  [
    'a Deployment',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/name': 'web' },
        annotations: { 'exception.hardened.cdk8s.io/x': 'needed: see SEC-1 (expires 2027-01-01)' },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: {},
          spec: {
            containers: [
              {
                name: 'main',
                image: 'ghcr.io/x/y:1@sha256:ab',
                ports: [{ containerPort: 8080 }],
                securityContext: { capabilities: { drop: ['ALL'] } },
              },
            ],
            volumes: [],
          },
        },
      },
    },
  ],
  [
    'every scalar YAML 1.1 reads specially',
    {
      values: [
        'e5',
        'E0',
        'e-5',
        'E+5',
        'e',
        'E',
        '1e',
        'x1e5',
        'y',
        'Yes',
        'NO',
        'on',
        'Off',
        '~',
        'null',
        'NULL',
        '',
        ' ',
        '1',
        '-1',
        '+1',
        '1.5',
        '.5',
        '1e3',
        '0x1F',
        '0o17',
        '017',
        '1_000',
        '1:20',
        '2026-01-15',
        '2026-01-15T10:00:00Z',
        '.inf',
        '-.Inf',
        '.nan',
        '<<',
        '=',
        'true',
        'False',
      ],
    },
  ],
  [
    'strings that need quotes',
    {
      a: 'x: y',
      b: 'x #y',
      c: '#x',
      d: '- x',
      e: '-',
      f: '?',
      g: 'x:',
      h: ':x',
      i: '"q"',
      j: "it's",
      k: `"it's"`,
      l: '[a]',
      m: '{a}',
      n: 'a,b',
      o: '*a',
      p: '&a',
      q: '!a',
      r: '%a',
      s: '@a',
      t: '`a`',
      u: '|a',
      v: '>a',
      w: ' lead',
      x: 'trail ',
      y: '\ttab',
      z: 'a\tb',
    },
  ],
  [
    'keys that need quotes',
    { 'x: y': 1, '8080': 2, yes: 3, '': 4, ' ': 5, 'a#b': 6, '-a': 7, ['k'.repeat(1025)]: 8, '0o17': 9, __proto__x: 10 },
  ],
  [
    'unicode and controls',
    { a: 'café ünïcode', b: '日本語', c: 'emoji 🙂', d: '\u0007bell', e: '\u0085nel', f: '\u2028ls', g: '\ufeffbom', h: '\u00a0nbsp' },
  ],
  ['numbers', { a: 0, b: -1, c: 1.5, d: 1e21, e: 1e-7, f: 2 ** 53 + 2, g: -0, h: NaN, i: Infinity, j: -Infinity, k: 0.1 + 0.2 }],
  ['booleans and null', { a: true, b: false, c: null, d: [null, true] }],
  ['undefined', { a: undefined, b: [undefined, 1] }],
  ['nested collections', { a: [[1, [2, [3]]], [], [{}], [{ b: [], c: {} }]], d: { e: { f: { g: [{ h: [{ i: 1 }] }] } } } }],
  ['multi-line strings', { script: 'set -e\necho hi\n', keep: 'a\n\n', strip: 'a', crlf: 'a\r\nb', lead: '\nx', spaces: 'a \nb' }],
  ['document markers', { a: '--- x', b: '...', c: '%YAML', d: 'x\n---\ny' }],
  ['a shared object (written as an alias)', { a: shared, b: shared }],
  ['a cycle', cyclic],
  ['an empty document', {}],
  ['a list document', [1, 2]],
  ['a scalar document', 'hello'],
  ['a class instance', { a: new Date(0), b: new Map([['k', 1]]) }],
  // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test
  ['a sparse array', { a: [1, , 3] }],
];

describe('ManifestYaml.write', () => {
  test.each(DOCUMENTS)('%s: exactly what stringifyForKubectl writes, its line breaks counted', (_, doc) => {
    const written = new ManifestYaml().write(doc);
    expect(written.text).toBe(stringifyForKubectl(doc));
    expect(written.newlines).toBe(written.text.split('\n').length - 1);
  });

  test.each(DOCUMENTS)("%s: what cdk8s's Yaml.stringify writes, but for strings kubectl would misread", (_, doc) => {
    // cdk8s writes YAML 1.1, which has no 0o octal, no capital 0B and no underscores in
    // exponents: it leaves these plain, and kubectl (go-yaml) reads numbers. It also writes
    // NEL and LINE SEPARATOR as they are, which kubectl reads as line breaks: ours escapes them.
    const cdk8s = Yaml.stringify(doc);
    const ours = stringifyForKubectl(doc);
    const misread = ['0o17'];
    const expected = misread
      .reduce((text, s) => text.replace(new RegExp(`(^|[ -] )${s}(:|$)`, 'gm'), `$1"${s}"$2`), cdk8s)
      .replace(
        /^(\s*\w+: )"?([^"\n]*[\u0085\u2028][^"\n]*)"?$/gm,
        (_, key: string, value: string) => `${key}"${value.replace(/\u0085/g, '\\N').replace(/\u2028/g, '\\L')}"`,
      );
    expect(ours).toBe(expected);
  });

  test('strings kubectl reads as numbers are quoted; cdk8s leaves them plain', () => {
    for (const text of ['0o17', '0O17', '0B101', '1e1_0', '0o1_7']) {
      expect(Yaml.stringify({ a: text, [text]: 1 })).toBe(`a: ${text}\n${text}: 1\n`);
      const written = new ManifestYaml().write({ a: text, [text]: 1 });
      expect(written.text).toBe(`a: "${text}"\n"${text}": 1\n`);
      expect(written.readsBack).toBe(true);
      expect(sameValue(readBack(written.text), { a: text, [text]: 1 })).toBe(true);
    }
  });

  test('a << key is quoted, so it stays a key instead of a merge', () => {
    expect(stringifyForKubectl({ '<<': { a: 1 } })).toBe('"<<":\n  a: 1\n');
  });

  test.each(DOCUMENTS.filter(([name]) => name !== 'a cycle'))('%s: reads back as itself only when it really does', (_, doc) => {
    const written = new ManifestYaml().write(doc);
    expect(written.readsBack).toBe(readsBackAsItself(doc));
    if (written.readsBack) expect(sameValue(readBack(written.text), doc)).toBe(true);
  });

  test('documents that do not read back as themselves are recognized', () => {
    const yaml = new ManifestYaml();
    for (const doc of [
      { a: undefined },
      { a: [1, undefined] },
      { a: -0 },
      { a: NaN },
      { a: shared, b: shared },
      { a: 'x\u0007' },
      JSON.parse('{"__proto__": 1}'),
      { a: { [Symbol('s')]: 1, b: 1 } },
    ]) {
      expect(yaml.write(doc).readsBack).toBe(false);
      expect(readsBackAsItself(doc)).toBe(false);
    }
    expect(sameValue(readBack(yaml.write({ a: undefined }).text), { a: undefined })).toBe(false);
  });

  test('what YAML 1.2 would read as something else reads back, since the gate reads YAML 1.1 as kubectl does', () => {
    const yaml = new ManifestYaml();
    for (const doc of [{ a: '0o17' }, { '0o17': 1 }, { a: 'yes', b: 'on', c: '0b101', d: '017' }, { '<<': { a: 1 }, b: '<<' }]) {
      const written = yaml.write(doc);
      expect(written.readsBack).toBe(true);
      expect(sameValue(readBack(written.text), doc)).toBe(true);
    }
  });

  test('random documents: same bytes as stringifyForKubectl, and what reads back reads back equal', () => {
    const { random, pick } = seededRandom(42);
    const pieces = [
      'a',
      'Z',
      'e',
      'E',
      '0',
      '1',
      '5',
      '9',
      'e1',
      'E-2',
      'y',
      'Y',
      'o',
      'O',
      'n',
      'N',
      'f',
      't',
      'u',
      'l',
      's',
      '-',
      '_',
      '.',
      '/',
      ':',
      ' ',
      '#',
      '"',
      "'",
      '@',
      '`',
      '!',
      '&',
      '*',
      '%',
      '?',
      '|',
      '>',
      '[',
      ']',
      '{',
      '}',
      ',',
      '~',
      '=',
      '+',
      'o',
      'x',
      'e',
      'E',
      'y',
      'n',
      'true',
      'null',
      '0o',
      '0x',
      '\t',
      '\n',
      '\\',
      'é',
      '🙂',
      '\u0085',
      '<<',
      '---',
      '...',
    ];
    const string = (): string => Array.from({ length: Math.floor(random() * 6) }, () => pick(pieces)).join('');
    const scalar = (): unknown =>
      pick([string, string, string, () => Math.floor(random() * 2000) - 1000, () => random() * 100, () => random() < 0.5, () => null])();
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.5) return scalar();
      if (r < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [string(), value(depth + 1)]));
    };
    const yaml = new ManifestYaml();
    for (let i = 0; i < 3000; i++) {
      const doc = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [string(), value(0)]));
      const written = yaml.write(doc);
      expect(written.text).toBe(stringifyForKubectl(doc));
      expect(written.newlines).toBe(written.text.split('\n').length - 1);
      if (written.readsBack) expect(sameValue(readBack(written.text), doc)).toBe(true);
    }
  });
});
