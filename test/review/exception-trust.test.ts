/**
 * Issue #17, part 1: exceptions that cannot be self-granted. Each attack tried against the
 * review before (a hand-written annotation, an exception wider than what it named, an expiry
 * written slightly wrong, an invisible reason) is closed here; each test failed on the code
 * before it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, Include, Testing } from 'cdk8s';
import type { ValidationViolation } from 'cdk8s-cli/plugins';
import { HardenedApp, HardenedDeployment, HardenedNamespace, review } from '../../lib';
import { exceptionAnnotationValue, exceptionsFromAnnotations, parseExceptionAnnotation, visibleLength } from '../../lib/core/exceptions';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { ExceptionPolicy } from '../../lib/policy/exception-policy';
import { EXIT_CODES, main } from '../../lib/review/cli';
import { ExceptionsFileError, parseExceptionsFile } from '../../lib/review/exceptions-file';
import { HardenedReviewPlugin } from '../../lib/review/plugin';
import { container, deployment, inHardenedNamespace } from './builders';
import { CONTAINER, IMAGE, PROBES } from '../support';

const TODAY = '2026-03-15';
const KEY = 'exception.hardened.cdk8s.io';
const REASON = 'the node agent must load kernel modules';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exception-trust-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `text` to a new file in the scratch folder and returns its path. */
function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: {
      write: (t: string) => {
        stdout += t;
      },
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
      },
    },
  });
  return { code, stdout, stderr };
}

/** A privileged pod in pull-request YAML, with a hand-written exception claiming it is fine. */
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: shop
  annotations:
    ${KEY}/no-privileged: "${REASON}"
spec:
  containers:
    - name: agent
      image: ${IMAGE}
      securityContext:
        privileged: true
`;

describe('a hand-written exception annotation in reviewed YAML is a claim, not a permission', () => {
  const pod = () => write('pr/pod.yaml', PRIVILEGED_POD);
  const BASELINE = ['--pack', 'pss-baseline', '--today', TODAY];

  test('review fails with exit 1 and lists the claim, in text', () => {
    const { code, stdout } = run('review', pod(), ...BASELINE);
    expect(code).toBe(EXIT_CODES.failed);
    expect(stdout).toContain('error   no-privileged: container "agent" is privileged');
    expect(stdout).toContain(
      `warning exception-not-trusted: exception to "no-privileged" is claimed by an annotation in the reviewed input, which is not trusted, so it accepts nothing (claimed reason: "${REASON}")`,
    );
  });

  test('json lists it as "untrusted" with the finding, and accepts nothing', () => {
    const json = JSON.parse(run('review', pod(), ...BASELINE, '--format', 'json').stdout);
    expect(json.passed).toBe(false);
    expect(json.counts.suppressed).toBe(0);
    expect(json.exceptions).toMatchObject([
      { ruleId: 'no-privileged', status: 'untrusted', source: 'annotation', reason: REASON, findings: 0 },
    ]);
    expect(json.findings.map((f: any) => [f.ruleId, f.severity, !!f.exception])).toEqual([
      ['exception-not-trusted', 'warning', false],
      ['no-privileged', 'error', false],
    ]);
  });

  test('sarif carries the claim as a result and suppresses nothing', () => {
    const sarif = JSON.parse(run('review', pod(), ...BASELINE, '--format', 'sarif').stdout);
    const results = sarif.runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.level, r.suppressions])).toEqual([
      ['exception-not-trusted', 'warning', undefined],
      ['no-privileged', 'error', undefined],
    ]);
    expect(sarif.runs[0].tool.driver.rules.map((r: any) => r.id)).toContain('exception-not-trusted');
  });

  test('REVIEW.md lists it as claimed, not trusted', () => {
    const { reviewMarkdown } = require('../../lib/review/reports');
    const md: string = reviewMarkdown(
      review(
        [
          {
            object: deployment(
              (s) => {
                container(s).securityContext.privileged = true;
              },
              { annotations: { [`${KEY}/no-privileged`]: REASON } },
            ),
          },
        ],
        { today: TODAY, packs: ['pss-baseline'] },
      ),
    );
    expect(md).toContain(
      `| Deployment shop/web | no-privileged | - | ${REASON} | never | annotation | claimed, not trusted (warning) | 0 |`,
    );
    expect(md).toMatch(/\| warning \| exception-not-trusted \| Deployment shop\/web \|/);
  });

  test('with --trust-annotations (output your own synth wrote) the same file passes', () => {
    const { code, stdout } = run('review', pod(), ...BASELINE, '--trust-annotations');
    expect(code).toBe(EXIT_CODES.passed);
    expect(stdout).toContain('1 finding(s) accepted by exceptions');
  });

  test("with an entry of the platform team's exceptions file the same file passes, the annotation still a claim", () => {
    const exceptions = write(
      'platform/exceptions.yaml',
      [
        'exceptions:',
        '  - rule: no-privileged',
        '    kind: Pod',
        '    namespace: shop',
        '    name: agent',
        `    reason: ${REASON}, reviewed by the platform team`,
        '    expires: 2026-12-31',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(run('review', pod(), ...BASELINE, '--exceptions', exceptions, '--format', 'json').stdout);
    expect(json.passed).toBe(true);
    expect(json.findings.find((f: any) => f.ruleId === 'no-privileged').exception).toEqual({
      reason: `${REASON}, reviewed by the platform team`,
      expires: '2026-12-31',
      source: 'exceptions-file',
      entry: `${exceptions}:2`,
    });
    expect(json.exceptions.map((e: any) => [e.source, e.status])).toEqual([
      ['exceptions-file', 'applied'],
      ['annotation', 'untrusted'],
    ]);
    // SARIF: a suppression kept apart from the source.
    const sarif = JSON.parse(run('review', pod(), ...BASELINE, '--exceptions', exceptions, '--format', 'sarif').stdout);
    expect(sarif.runs[0].results.find((r: any) => r.ruleId === 'no-privileged').suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: `${REASON}, reviewed by the platform team (expires 2026-12-31)`,
      },
    ]);
  });

  test('an exceptions file entry names its object: another name, namespace or kind is not covered; * patterns are', () => {
    const entry = (fields: string) =>
      write(`platform/${fields.replace(/\W+/g, '-')}.yaml`, `exceptions:\n  - { rule: no-privileged, reason: "${REASON}", ${fields} }\n`);
    const passes = (fields: string) => run('review', pod(), ...BASELINE, '--exceptions', entry(fields)).code === EXIT_CODES.passed;
    expect(passes('kind: Pod, namespace: shop, name: agent')).toBe(true);
    expect(passes('kind: Pod, namespace: shop, name: "age*"')).toBe(true);
    expect(passes('kind: Pod, namespace: "*", name: "*"')).toBe(true);
    expect(passes('kind: Pod, namespace: shop, name: agent2')).toBe(false);
    expect(passes('kind: Pod, namespace: other, name: agent')).toBe(false);
    expect(passes('kind: Pod, name: agent')).toBe(false); // no namespace: cluster-scoped objects only
    expect(passes('kind: Deployment, namespace: shop, name: agent')).toBe(false);
  });

  test('where both accept a finding, the file entry is credited and the annotation reported unused', () => {
    const object = deployment(
      (s) => {
        container(s).securityContext.privileged = true;
      },
      { annotations: { [`${KEY}/no-privileged`]: REASON } },
    );
    const result = review([...inHardenedNamespace(), { object }], {
      today: TODAY,
      packs: ['pss-baseline'],
      trustAnnotations: true,
      exceptions: [
        { rule: 'no-privileged', kind: 'Deployment', namespace: 'shop', name: 'web', reason: REASON, origin: 'exceptions.yaml:2' },
      ],
    });
    expect(result.passed).toBe(true);
    expect(result.exceptions.map((e) => [e.source, e.status, e.findings])).toEqual([
      ['exceptions-file', 'applied', 1],
      ['annotation', 'unused', 0],
    ]);
    expect(result.findings.filter((f) => !f.exception).map((f) => f.message)).toEqual([
      'exception to "no-privileged" covers no finding: another exception accepted the rule\'s findings first',
    ]);
  });

  test('an entry naming no reviewed object is listed, not a finding (one file may serve many repositories)', () => {
    const exceptions = write(
      'platform/other.yaml',
      `exceptions:\n  - { rule: no-privileged, kind: Pod, namespace: web, name: x, reason: "${REASON}" }\n`,
    );
    const json = JSON.parse(
      run('review', pod(), ...BASELINE, '--trust-annotations', '--exceptions', exceptions, '--format', 'json').stdout,
    );
    expect(json.passed).toBe(true);
    // Not even a warning: a file that serves many apps would warn in each about the others' entries.
    expect(json.findings.filter((f: any) => f.ruleId.startsWith('exception-'))).toEqual([]);
    expect(json.exceptions.find((e: any) => e.source === 'exceptions-file')).toMatchObject({
      status: 'unmatched',
      object: { kind: 'Pod', namespace: 'web', name: 'x' },
    });
  });

  test('a long claimed reason is shortened in the message, kept whole in the record', () => {
    const reason = 'x'.repeat(5000);
    const object = deployment(undefined, { annotations: { [`${KEY}/no-privileged`]: reason } });
    const result = review([...inHardenedNamespace(), { object }], { today: TODAY });
    const claim = result.findings.find((f) => f.ruleId === 'exception-not-trusted')!;
    expect(claim.message).toContain(`(claimed reason: "${'x'.repeat(119)}…")`);
    expect(result.exceptions[0].reason).toBe(reason);
  });

  test('the library API trusts no annotation unless told, per review or per object', () => {
    const object = deployment(
      (s) => {
        container(s).securityContext.privileged = true;
      },
      { annotations: { [`${KEY}/no-privileged`]: REASON } },
    );
    const passed = (options: object, target: object = {}) =>
      review([...inHardenedNamespace(), { object, ...target }], { today: TODAY, ...options }).passed;
    expect(passed({})).toBe(false);
    expect(passed({ trustAnnotations: true })).toBe(true);
    expect(passed({}, { trustAnnotations: true })).toBe(true);
    expect(passed({ trustAnnotations: true }, { trustAnnotations: false })).toBe(false);
  });
});

describe('an exception accepts only the values it names', () => {
  const withCaps = (caps: string[], annotation?: string) =>
    deployment(
      (s) => {
        container(s).securityContext.capabilities.add = caps;
      },
      annotation === undefined ? {} : { annotations: { [`${KEY}/drop-all-capabilities`]: annotation } },
    );
  const reviewed = (object: any) =>
    review([...inHardenedNamespace(), { object }], { today: TODAY, packs: ['pss-restricted'], trustAnnotations: true });

  test('an exception for NET_ADMIN does not accept SYS_MODULE added later by a patch', () => {
    expect(reviewed(withCaps(['NET_ADMIN'], `${REASON} (accepts NET_ADMIN)`)).passed).toBe(true);
    const result = reviewed(withCaps(['NET_ADMIN', 'SYS_MODULE'], `${REASON} (accepts NET_ADMIN)`));
    expect(result.passed).toBe(false);
    expect(result.findings.filter((f) => f.ruleId === 'drop-all-capabilities').map((f) => [f.value, !!f.exception, f.message])).toEqual([
      ['NET_ADMIN', true, 'container "web" adds capability "NET_ADMIN", but only NET_BIND_SERVICE may be added'],
      [
        'SYS_MODULE',
        false,
        'container "web" adds capability "SYS_MODULE", but only NET_BIND_SERVICE may be added (exception to "drop-all-capabilities" accepts only "NET_ADMIN")',
      ],
    ]);
  });

  test('an exception without values accepts only findings without one', () => {
    const result = reviewed(withCaps(['NET_ADMIN'], REASON));
    expect(result.passed).toBe(false);
    expect(result.findings.map((f) => [f.ruleId, f.message])).toEqual([
      [
        'drop-all-capabilities',
        'container "web" adds capability "NET_ADMIN", but only NET_BIND_SERVICE may be added (exception to "drop-all-capabilities" accepts no value)',
      ],
      [
        'exception-unused',
        'exception to "drop-all-capabilities" covers no finding: it accepts no value, and the rule\'s findings name other values',
      ],
    ]);
  });

  test('"*" accepts every value, with a warning of its own', () => {
    const result = reviewed(withCaps(['NET_ADMIN', 'SYS_MODULE'], `${REASON} (accepts *)`));
    expect(result.passed).toBe(true);
    expect(result.findings.filter((f) => !f.exception).map((f) => [f.ruleId, f.severity])).toEqual([['exception-accepts-any', 'warning']]);
  });

  test.each<[string, (s: any) => void, string, string]>([
    [
      'no-host-ports',
      (s) => {
        container(s).ports = [{ containerPort: 9100, hostPort: 9100 }];
      },
      '9100',
      '9101',
    ],
    [
      'no-host-path',
      (s) => {
        s.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
      },
      '/var/log',
      '/etc',
    ],
    [
      'restricted-volume-types',
      (s) => {
        s.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
      },
      'hostPath:/var/log',
      'hostPath:/etc',
    ],
    [
      'no-unsafe-sysctls',
      (s) => {
        s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }];
      },
      'kernel.msgmax',
      'kernel.shmmax',
    ],
    [
      'no-host-namespaces',
      (s) => {
        s.hostNetwork = true;
      },
      'hostNetwork',
      'hostPID',
    ],
  ])('%s: its finding names its value, and an exception for another value does not accept it', (rule, mutate, value, other) => {
    const object = (annotation: string) => deployment(mutate, { annotations: { [`${KEY}/${rule}`]: annotation } });
    const run1 = (annotation: string) =>
      review([...inHardenedNamespace(), { object: object(annotation) }], { today: TODAY, trustAnnotations: true }).findings.filter(
        (f) => f.ruleId === rule,
      );
    expect(run1(`${REASON} (accepts ${value})`).map((f) => [f.value, !!f.exception])).toEqual([[value, true]]);
    expect(run1(`${REASON} (accepts ${other})`).map((f) => [f.value, !!f.exception])).toEqual([[value, false]]);
  });

  test('constructs record the values they were asked for, and refuse one their exception does not list', () => {
    const synth = (accepts?: string[]) => {
      const chart = Testing.chart();
      new HardenedDeployment(chart, 'web', {
        namespace: 'shop',
        containers: [{ ...CONTAINER, securityContext: { addCapabilities: ['NET_ADMIN', 'SYS_TIME'], allowPrivilegeEscalation: false } }],
        exceptions: [
          { rule: 'drop-all-capabilities', reason: REASON, accepts },
          { rule: 'baseline-capabilities', reason: REASON },
        ],
      });
      return Testing.synth(chart).find((o: any) => o.kind === 'Deployment');
    };
    expect(synth().metadata.annotations[`${KEY}/drop-all-capabilities`]).toBe(`${REASON} (accepts NET_ADMIN, SYS_TIME)`);
    expect(() => synth(['NET_ADMIN'])).toThrow(
      "'containers[0].securityContext.addCapabilities': adds 'SYS_TIME'; only NET_BIND_SERVICE is allowed by Pod Security restricted. " +
        "The exception to 'drop-all-capabilities' accepts only 'NET_ADMIN'. Remove 'SYS_TIME'. Or add 'SYS_TIME' to its 'accepts'.",
    );
  });
});

describe('the annotation format: one annotation per rule, read one way', () => {
  test.each<[string, { accepts?: string[]; expires?: string }]>([
    ['reason only', {}],
    ['values', { accepts: ['NET_ADMIN', 'SYS_TIME'] }],
    ['values and expiry', { accepts: ['NET_ADMIN'], expires: '2027-01-31' }],
    ['expiry only', { expires: '2027-01-31' }],
    [
      'values with separators, spaces, parentheses, % and non-ASCII',
      { accepts: ['/var/log (old), new; x', '100%', 'é/日本', 'a, b'], expires: '2027-01-31' },
    ],
  ])('writes and reads back: %s', (_case, fields) => {
    const exception = { rule: 'no-host-path', reason: 'a reason (with a parenthesis) that is long enough', ...fields };
    const value = exceptionAnnotationValue(exception);
    expect(parseExceptionAnnotation('no-host-path', value)).toEqual({ key: `${KEY}/no-host-path`, ...exception });
  });

  test('the written form is the documented one', () => {
    expect(exceptionAnnotationValue({ rule: 'r', reason: REASON, accepts: ['NET_ADMIN', 'SYS_TIME'], expires: '2027-01-31' })).toBe(
      `${REASON} (accepts NET_ADMIN, SYS_TIME; expires 2027-01-31)`,
    );
    expect(exceptionAnnotationValue({ rule: 'r', reason: REASON, accepts: ['/var/log (old)'] })).toBe(
      `${REASON} (accepts /var/log%20%28old%29)`,
    );
  });

  test('a reason that would read as a group is refused by constructs', () => {
    expect(
      () => new ExceptionPolicy(Testing.chart(), [{ rule: 'no-privileged', reason: 'needed until the migration (expires 2027-01-01)' }]),
    ).toThrow(
      "holds what reads as an expiry or accepted values (\"needed until the migration (expires 2027-01-01)\"). Give them in 'expires' and 'accepts' instead.",
    );
  });
});

describe('an expiry must be exactly YYYY-MM-DD, a real date, as documented; anything else is an error and the exception does not apply', () => {
  const privileged = (annotation: string) =>
    deployment(
      (s) => {
        container(s).securityContext.privileged = true;
      },
      { annotations: { [`${KEY}/no-privileged`]: annotation } },
    );
  const outcome = (annotation: string) =>
    review([...inHardenedNamespace(), { object: privileged(annotation) }], {
      today: TODAY,
      trustAnnotations: true,
      packs: ['pss-baseline'],
    }).findings.map((f) => [f.ruleId, f.severity, !!f.exception]);

  test('a well-formed expiry in the past is expired; in the future it applies', () => {
    expect(outcome(`${REASON} (expires 2020-01-01)`)).toEqual([
      ['exception-expired', 'error', false],
      ['no-privileged', 'error', false],
    ]);
    expect(outcome(`${REASON} (expires 2027-01-01)`)).toEqual([['no-privileged', 'error', true]]);
  });

  test.each([
    ['a trailing newline', `${REASON} (expires 2020-01-01)\n`],
    ['a trailing dot', `${REASON} (expires 2020-01-01).`],
    ['a trailing space', `${REASON} (expires 2020-01-01) `],
    ['no leading zeros', `${REASON} (expires 2020-1-1)`],
    ['Expires capitalised', `${REASON} (Expires 2020-01-01)`],
    ['EXPIRES', `${REASON} (EXPIRES 2020-01-01)`],
    ['an ISO date-time', `${REASON} (expires 2020-01-01T00:00:00Z)`],
    ['a date that does not exist', `${REASON} (expires 2027-02-30)`],
    ['expires: without parentheses', `${REASON}, expires: 2020-01-01`],
    ['another date format', `${REASON} (expires 01/01/2020)`],
    ['expiry before the values', `${REASON} (expires 2020-01-01; accepts X)`],
    ['two groups', `${REASON} (expires 2020-01-01) (expires 2030-01-01)`],
    ['an expiry word in the reason and a group', `${REASON}, expiry 2020-01-01 (expires 2030-01-01)`],
  ])('%s is exception-malformed, naming the annotation and the fix', (_case, annotation) => {
    const result = review([...inHardenedNamespace(), { object: privileged(annotation) }], {
      today: TODAY,
      trustAnnotations: true,
      packs: ['pss-baseline'],
    });
    expect(result.findings.map((f) => [f.ruleId, f.severity, !!f.exception])).toEqual([
      ['exception-malformed', 'error', false],
      ['no-privileged', 'error', false],
    ]);
    const [malformed] = result.findings;
    expect(malformed.path).toBe(`metadata.annotations["${KEY}/no-privileged"]`);
    expect(malformed.message).toMatch(/^exception to "no-privileged" is ignored: /);
    expect(malformed.message).toContain('(accepts VALUE, VALUE; expires YYYY-MM-DD)');
    expect(result.exceptions.map((e) => e.status)).toEqual(['malformed']);
  });

  test('the scanners read the same annotations: exceptionsFromAnnotations reports the malformed one', () => {
    expect(exceptionsFromAnnotations({ [`${KEY}/no-privileged`]: `${REASON} (expires 2020-1-1)` })[0].malformed).toContain(
      'not as documented',
    );
  });
});

describe('a reason counts only visible characters', () => {
  test.each([
    ['ten zero-width spaces', '\u200b'.repeat(10)],
    ['zero-width joiners and non-joiners', '\u200d\u200c'.repeat(6)],
    ['no-break and ideographic spaces', '\u00a0\u3000'.repeat(6)],
    ['bidi controls around three letters', '\u202eabc\u202c\u2066\u2069\u200e\u200f\u2060\ufeff'],
    ['Hangul fillers', '\u3164'.repeat(12)],
    ['one letter with many combining marks', `a${'\u0301'.repeat(20)}`],
    ['control characters', '\u0000\u0001\u0007\t\n\r'.repeat(3)],
  ])('%s is refused, in annotations, files and constructs', (_case, reason) => {
    expect(visibleLength(reason)).toBeLessThan(10);
    const object = deployment(
      (s) => {
        container(s).securityContext.privileged = true;
      },
      { annotations: { [`${KEY}/no-privileged`]: reason } },
    );
    const result = review([...inHardenedNamespace(), { object }], { today: TODAY, trustAnnotations: true, packs: ['pss-baseline'] });
    expect(result.findings.map((f) => [f.ruleId, !!f.exception])).toEqual([
      ['exception-without-reason', false],
      ['no-privileged', false],
    ]);
    expect(() =>
      parseExceptionsFile(
        `exceptions:\n  - { rule: no-privileged, kind: Pod, namespace: shop, name: agent, reason: ${JSON.stringify(reason)} }\n`,
        'x.yaml',
      ),
    ).toThrow('exceptions[0] (line 2).reason: must say why in at least 10 visible characters');
    expect(() => new ExceptionPolicy(Testing.chart(), [{ rule: 'no-privileged', reason }])).toThrow('in at least 10 visible characters');
  });

  test('letters of any script count, one per character as seen', () => {
    expect(visibleLength('needs it')).toBe(7);
    expect(visibleLength('日本語の理由です')).toBe(8);
    expect(visibleLength('e\u0301'.repeat(10))).toBe(10);
    expect(visibleLength('👩‍👩‍👧‍👦'.repeat(10))).toBe(10);
  });
});

describe('the exceptions file is checked strictly, one error per problem with its line', () => {
  const refused = (text: string) => {
    try {
      parseExceptionsFile(text, 'exceptions.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(ExceptionsFileError);
      return (e as ExceptionsFileError).problems;
    }
    throw new Error('not refused');
  };

  test('a good file: YAML or JSON, ports as numbers, origins with lines', () => {
    const yaml = parseExceptionsFile(
      [
        '# owned by the platform team',
        'exceptions:',
        '  - rule: no-host-ports',
        '    kind: DaemonSet',
        '    namespace: monitoring',
        '    name: node-exporter-*',
        '    accepts: [9100]',
        '    reason: node-exporter serves metrics on the node address',
        '    expires: 2027-01-31',
        '',
      ].join('\n'),
      'platform/exceptions.yaml',
    );
    expect(yaml).toEqual([
      {
        rule: 'no-host-ports',
        kind: 'DaemonSet',
        namespace: 'monitoring',
        name: 'node-exporter-*',
        accepts: ['9100'],
        reason: 'node-exporter serves metrics on the node address',
        expires: '2027-01-31',
        origin: 'platform/exceptions.yaml:3',
      },
    ]);
    const json = parseExceptionsFile(
      JSON.stringify({
        exceptions: [
          { rule: 'rbac-cluster-scope', kind: 'ClusterRole', name: 'collector', reason: 'the collector lists nodes cluster-wide' },
        ],
      }),
      'e.json',
    );
    expect(json).toEqual([
      {
        rule: 'rbac-cluster-scope',
        kind: 'ClusterRole',
        name: 'collector',
        reason: 'the collector lists nodes cluster-wide',
        origin: 'e.json:1',
      },
    ]);
  });

  test('every bad field of every entry is named', () => {
    expect(
      refused(
        [
          'exceptions:',
          '  - rule: no-privileged',
          '    kind: Pod',
          '    name: agent',
          '    reason: short',
          '    expires: 2020-1-1',
          '    expiry: 2027-01-01',
          '  - rule: no-such-rule',
          '    kind: pods/v1',
          '    namespace: Shop',
          '    name: x',
          '    accepts: []',
          '    reason: a reason long enough to count',
          '    expires: 2027-01-01T00:00:00Z',
          '  - kind: Pod',
          '    name: x',
          '    reason: a reason long enough to count',
          '    expires:',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'exceptions[0] (line 2).expiry: is not a field of an entry. The fields: rule, kind, namespace, name, accepts, reason, expires.',
      'exceptions[0] (line 2).reason: must say why in at least 10 visible characters (got "short"; spaces and invisible characters do not count).',
      'exceptions[0] (line 2).expires: must be a real date written exactly YYYY-MM-DD, such as 2027-01-31 (got "2020-1-1").',
      'exceptions[1] (line 8).rule: names no rule of the review (got "no-such-rule"). Use the id the review prints.',
      'exceptions[1] (line 8).kind: must be a kind as written in the manifest, such as "DaemonSet" (got "pods/v1").',
      'exceptions[1] (line 8).namespace: must be a namespace, or a pattern with * for any run of characters (got "Shop"). Leave it out for cluster-scoped objects.',
      'exceptions[1] (line 8).accepts: must be a value or a list of values, such as [NET_ADMIN] or [8080] (got []). Leave it out for rules whose findings have no value.',
      'exceptions[1] (line 8).expires: must be a real date written exactly YYYY-MM-DD, such as 2027-01-31 (got "2027-01-01T00:00:00Z").',
      'exceptions[2] (line 15).expires: is empty. Give a value, or leave the field out.',
      'exceptions[2] (line 15).rule: is required: the rule id the review prints, such as "drop-all-capabilities".',
    ]);
  });

  test.each([
    ['an empty file', ''],
    ['a list at the top', '- rule: x\n'],
    ['an unknown top-level key', 'exceptions: []\nexception: []\n'],
    ['two documents', 'exceptions: []\n---\nexceptions: []\n'],
    ['a duplicate key', 'exceptions: []\nexceptions: []\n'],
    [
      'the same entry twice',
      'exceptions:\n  - { rule: no-privileged, kind: Pod, name: a, reason: "a reason long enough" }\n  - { rule: no-privileged, kind: Pod, name: a, reason: "another reason, as long" }\n',
    ],
  ])('%s is refused', (_case, text) => {
    expect(refused(text).length).toBeGreaterThan(0);
  });

  test('the command refuses a bad file with exit 2, naming each problem, and reviews nothing', () => {
    const bad = write(
      'bad-exceptions.yaml',
      'exceptions:\n  - { rule: no-privileged, kind: Pod, name: a, reason: "a reason long enough", expires: 2020-1-1 }\n',
    );
    const { code, stdout, stderr } = run('review', write('pr/pod2.yaml', PRIVILEGED_POD), '--exceptions', bad);
    expect([code, stdout]).toEqual([EXIT_CODES.unusable, '']);
    expect(stderr).toBe(
      `cdk8s-hardened: cannot review: exceptions file ${bad} is refused (1 problem; nothing was reviewed):\n` +
        '  exceptions[0] (line 2).expires: must be a real date written exactly YYYY-MM-DD, such as 2027-01-31 (got "2020-1-1").\n',
    );
  });
});

describe("the cdk8s plugin reviews the app's own synth output", () => {
  async function validate(props: object, files: string[]) {
    const violations: ValidationViolation[] = [];
    let status = '';
    await new HardenedReviewPlugin({ packs: ['pss-baseline'], today: TODAY, ...props }).validate({
      manifests: files,
      report: {
        addViolation: (v) => {
          violations.push(v);
        },
        submit: (s) => {
          status = s;
        },
      },
    });
    return { status, rules: violations.map((v) => v.ruleName) };
  }

  test('trusts exception annotations by default, as --trust-annotations', async () => {
    expect(await validate({}, [write('synth/pod.k8s.yaml', PRIVILEGED_POD)])).toEqual({ status: 'success', rules: [] });
  });

  test('with trustAnnotations: false they are claims, and exceptions come from exceptionsFile', async () => {
    const file = write('synth/pod.k8s.yaml', PRIVILEGED_POD);
    expect(await validate({ trustAnnotations: false }, [file])).toEqual({
      status: 'failure',
      rules: ['no-privileged', 'exception-not-trusted'],
    });
    const exceptions = write(
      'synth/exceptions.yaml',
      `exceptions:\n  - { rule: no-privileged, kind: Pod, namespace: shop, name: agent, reason: "${REASON}" }\n`,
    );
    expect(await validate({ trustAnnotations: false, exceptionsFile: exceptions }, [file])).toEqual({
      status: 'success',
      rules: ['exception-not-trusted'],
    });
  });

  test('a bad exceptionsFile or trustAnnotations is refused when cdk8s.yaml is read', () => {
    expect(() => new HardenedReviewPlugin({ trustAnnotations: 'yes' } as any)).toThrow(
      "'trustAnnotations' must be true or false (got 'yes').",
    );
    const bad = write('synth/bad.yaml', 'exceptions: {}\n');
    expect(() => new HardenedReviewPlugin({ exceptionsFile: bad })).toThrow(ExceptionsFileError);
  });
});

describe('the HardenedApp gate trusts what its constructs wrote, and nothing else unless told', () => {
  let workdir: string;
  beforeEach(() => {
    workdir = fs.mkdtempSync(path.join(tmp, 'app-'));
  });

  const app = (props: object = {}) => new HardenedApp({ outdir: path.join(workdir, 'dist'), reviewDate: TODAY, ...props });
  /** A privileged pod with a hand-written exception, as in PRIVILEGED_POD. */
  const ownPod = (scope: Chart) =>
    new ApiObject(scope, 'agent', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'agent', namespace: 'shop', annotations: { [`${KEY}/no-privileged`]: REASON } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'agent',
            image: IMAGE,
            securityContext: { privileged: true, allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    });
  /** The review of a synth, passed or not (the Pod breaks other rules too: only its exceptions matter here). */
  const reviewOf = (a: HardenedApp) => {
    try {
      a.synth();
      return JSON.parse(fs.readFileSync(path.join(workdir, 'dist', 'review.json'), 'utf8'));
    } catch (e) {
      if (!(e instanceof ReviewFailedError)) throw e;
      return e.result;
    }
  };
  const blockedBy = (a: HardenedApp): string[] =>
    [
      ...new Set<string>(
        reviewOf(a)
          .findings.filter((f: any) => f.severity === 'error' && !f.exception)
          .map((f: any) => f.ruleId),
      ),
    ].sort();
  const withShop = (a: HardenedApp) => {
    const chart = new Chart(a, 'platform');
    new HardenedNamespace(chart, 'shop');
    return chart;
  };

  test("an annotation on an object the app's own code created is trusted", () => {
    const a = app();
    ownPod(withShop(a));
    expect(blockedBy(a)).not.toContain('no-privileged');
  });

  test('an annotation in a file added with addFile is a claim, unless the app trusts the file', () => {
    const untrusted = app();
    withShop(untrusted);
    untrusted.addFile('extra/pod.yaml', PRIVILEGED_POD);
    expect(blockedBy(untrusted)).toContain('no-privileged');

    const trusted = app();
    withShop(trusted);
    trusted.addFile('extra/pod.yaml', PRIVILEGED_POD, { trustExceptionAnnotations: true });
    expect(blockedBy(trusted)).not.toContain('no-privileged');
  });

  test('an annotation on an object of an Include is a claim, unless the app trusts the Include', () => {
    const yaml = write('include/pod.yaml', PRIVILEGED_POD);
    const untrusted = app();
    new Include(withShop(untrusted), 'vendor', { url: yaml });
    expect(blockedBy(untrusted)).toContain('no-privileged');

    const trusted = app();
    trusted.trustExceptionAnnotations(new Include(withShop(trusted), 'vendor', { url: yaml }));
    expect(blockedBy(trusted)).not.toContain('no-privileged');
  });

  test("exceptionsFile: the platform team's entries accept an Include's findings", () => {
    const yaml = write('include/pod-b.yaml', PRIVILEGED_POD);
    const exceptions = write(
      'include/exceptions.yaml',
      `exceptions:\n  - { rule: no-privileged, kind: Pod, namespace: shop, name: agent, reason: "${REASON}" }\n`,
    );
    const a = app({ exceptionsFile: exceptions });
    new Include(withShop(a), 'vendor', { url: yaml });
    const result = reviewOf(a);
    expect(result.findings.find((f: any) => f.ruleId === 'no-privileged').exception).toMatchObject({
      source: 'exceptions-file',
      entry: `${exceptions}:2`,
    });
    expect(result.exceptions.map((e: any) => [e.source, e.status])).toEqual(
      expect.arrayContaining([
        ['exceptions-file', 'applied'],
        ['annotation', 'untrusted'],
      ]),
    );
  });

  test('a bad exceptionsFile fails when the app is created, naming the prop and the problem', () => {
    const bad = write('include/bad.yaml', 'exceptions:\n  - { rule: no-privileged }\n');
    expect(() => app({ exceptionsFile: bad })).toThrow(
      /\[<root>\] 'exceptionsFile': exceptions file .*bad\.yaml is refused \(3 problems; nothing was reviewed\)/,
    );
  });

  test("a workload's constructs-written exception still passes, its values recorded", () => {
    const a = app();
    new HardenedDeployment(withShop(a), 'web', {
      namespace: 'shop',
      containers: [{ image: IMAGE, portNumber: 8080, ...PROBES, ports: [{ number: 9100, hostPort: 9100 }] }],
      exceptions: [{ rule: 'no-host-ports', reason: 'node-local metrics scraped on the node address' }],
    });
    expect(blockedBy(a)).toEqual([]);
    const result = reviewOf(a);
    expect(result.exceptions.find((e: any) => e.ruleId === 'no-host-ports')).toMatchObject({
      accepts: ['9100'],
      status: 'applied',
      source: 'annotation',
    });
  });
});
