import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_CODES, main } from '../../lib/review/cli';
import { hardenedNamespace, pod } from './builders';
import { WIDGET_CRD } from './custom-resource-cases';

const ROOT = path.resolve(__dirname, '../..');
/** The fixture folder as the user would type it: relative to where the command runs. */
const BAD = path.relative(process.cwd(), path.join(__dirname, 'fixtures', 'bad-manifests'));
const file = (name: string) => path.join(BAD, name);
/** Only the pod packs, so rules added to other packs do not change the expected findings. */
const POD_PACKS = ['--pack', 'pss-baseline,pss-restricted,workload-hardening'];
const TODAY = ['--today', '2026-03-15'];

/** Runs the command in-process and captures what it writes. */
function run(...argv: string[]) {
  return runWithStdin(undefined, ...argv);
}

/** `run`, with `stdin` as standard input (for the path `-`). */
function runWithStdin(stdin: string | undefined, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const readStdin = stdin === undefined ? undefined : () => stdin;
  const code = main(argv, {
    stdout: {
      write: (text: string) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
      },
    },
    readStdin,
  });
  return { code, stdout, stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The fixtures' exception annotations stand for our own synth output: trusted (test/review/exception-trust.test.ts covers the default). */
const TRUST = ['--trust-annotations'];

/** Every finding of the bad manifests under the pod packs: [rule id, object, origin, excepted]. */
const EXPECTED_FINDINGS = [
  ['image-digest', 'CronJob shop/nightly-report', file('05-cronjob-latest.yaml:2'), false],
  ['no-latest-tag', 'CronJob shop/nightly-report', file('05-cronjob-latest.yaml:2'), false],
  ['no-privilege-escalation', 'DaemonSet monitoring/node-agent', file('03-privileged-daemonset.yaml:2'), false],
  ['no-privileged', 'DaemonSet monitoring/node-agent', file('03-privileged-daemonset.yaml:2'), false],
  ['no-host-path', 'Deployment logging/log-shipper', file('04-hostpath-deployment.yml:2'), false],
  ['restricted-volume-types', 'Deployment logging/log-shipper', file('04-hostpath-deployment.yml:2'), false],
  // Both objects of the List carry the List's line.
  ['high-user-group-ids', 'Deployment shop/api', file('02-list.yaml:2'), false],
  ['no-root-user', 'Deployment shop/api', file('02-list.yaml:2'), false],
  ['run-as-non-root', 'Deployment shop/api', file('02-list.yaml:2'), false],
  ['image-pull-always', 'Deployment shop/legacy-agent', file('06-excepted.json:1'), false],
  ['read-only-root-filesystem', 'Deployment shop/legacy-agent', file('06-excepted.json:1'), true],
  // The third document of the file (after an empty one) starts on line 41.
  ['no-host-namespaces', 'Pod shop/debug', file('01-multi-doc.yaml:41'), false],
  ['no-host-ports', 'Pod shop/debug', file('01-multi-doc.yaml:41'), false],
];

describe('cdk8s-hardened review, exit 1: error findings', () => {
  test('text: findings grouped by object, one line each with its rules, each fix once, then the verdict', () => {
    const { code, stdout, stderr } = run('review', BAD, ...POD_PACKS, ...TODAY, ...TRUST);
    expect(code).toBe(EXIT_CODES.failed);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    const fixesAt = lines.indexOf('How to fix:');
    // `Kind namespace/name (origin)`, then `  severity rule[, rule]: message` per finding, a blank line after each object.
    const parsed: string[][] = [];
    let object: RegExpExecArray | null = null;
    for (const line of lines.slice(0, fixesAt)) {
      const finding = /^ {2}(error|warning|info) +([a-z0-9-]+(?:, [a-z0-9-]+)*): \S.*$/.exec(line);
      if (finding && object) {
        for (const rule of finding[2].split(', ')) parsed.push([rule, object[1], object[2], finding[1]]);
      } else if (line === '') {
        object = null;
      } else {
        object = /^(\S+ \S+) \((.+)\)$/.exec(line);
        if (!object) throw new Error(`unexpected line: ${line}`);
      }
    }
    const byText = (a: unknown[], b: unknown[]) => (a.join(' ') < b.join(' ') ? -1 : 1);
    expect(parsed.sort(byText)).toEqual(
      [
        ...EXPECTED_FINDINGS.filter(([, , , excepted]) => !excepted)
          .filter(([rule]) => rule !== 'image-pull-always')
          .map(([rule, object, origin]) => [rule, object, origin, 'error']),
        ['image-pull-always', 'Deployment shop/legacy-agent', file('06-excepted.json:1'), 'warning'],
      ].sort(byText),
    );
    const debug = lines.indexOf(`Pod shop/debug (${file('01-multi-doc.yaml:41')})`);
    expect(lines.slice(debug + 1, debug + 3)).toContain('  error   no-host-ports: container "shell" binds host port 8080');
    // Each rule's fix once, after the findings, and no finding line repeats it.
    expect(lines.filter((line) => line.startsWith('  no-host-ports: '))).toEqual([
      '  no-host-ports: Remove hostPort from the container port and expose the pod through a Service instead.',
    ]);
    expect(lines.slice(0, fixesAt).some((line) => line.includes('Fix:') || line.includes('Remove hostPort'))).toBe(false);
    expect(lines[lines.length - 1]).toBe('Failed: 11 error(s), 1 warning(s), 0 info in 8 object(s); 1 finding(s) accepted by exceptions.');
  });

  test('json: the review.json report, with every finding, the excepted one with its reason', () => {
    const { code, stdout, stderr } = run('review', BAD, ...POD_PACKS, ...TODAY, ...TRUST, '--format', 'json');
    expect([code, stderr]).toEqual([EXIT_CODES.failed, '']);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ tool: 'cdk8s-hardened', passed: false, packs: ['pss-baseline', 'pss-restricted', 'workload-hardening'] });
    expect(json.counts).toMatchObject({ objects: 8, bySeverity: { error: 11, warning: 1, info: 0 }, suppressed: 1 });
    const label = (o: any) => `${o.kind} ${o.namespace}/${o.name}`;
    expect(json.findings.map((f: any) => [f.ruleId, label(f.object), f.origin, f.exception !== undefined])).toEqual(EXPECTED_FINDINGS);
    expect(json.findings.find((f: any) => f.exception).exception).toEqual({
      reason: 'the vendor agent rewrites its config at start; tracked in SEC-142',
      expires: '2027-03-31',
      source: 'annotation',
    });
  });

  test('sarif: the review.sarif report, located by file and line', () => {
    const { code, stdout, stderr } = run('review', BAD, ...POD_PACKS, ...TODAY, ...TRUST, '--format', 'sarif');
    expect([code, stderr]).toEqual([EXIT_CODES.failed, '']);
    const results = JSON.parse(stdout).runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.suppressions !== undefined])).toEqual(
      EXPECTED_FINDINGS.map(([rule, , , excepted]) => [rule, excepted]),
    );
    expect(results.find((r: any) => r.ruleId === 'no-host-ports').locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: file('01-multi-doc.yaml').split(path.sep).join('/') },
      region: { startLine: 41 },
    });
  });

  test('every pack by default', () => {
    const { code, stdout } = run('review', BAD, ...TODAY, '--format', 'json');
    expect(code).toBe(EXIT_CODES.failed);
    expect(JSON.parse(stdout).packs).toEqual(expect.arrayContaining(['pss-baseline', 'pss-restricted', 'workload-hardening']));
  });
});

describe('cdk8s-hardened review, exit 0: no error finding without an exception', () => {
  test('an accepted finding and a warning pass', () => {
    const { code, stdout, stderr } = run('review', file('06-excepted.json'), ...POD_PACKS, ...TODAY, ...TRUST);
    expect([code, stderr]).toEqual([EXIT_CODES.passed, '']);
    expect(stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^Deployment shop\/legacy-agent \(.*06-excepted\.json:1\)$/),
      '  warning image-pull-always: container "agent" has imagePullPolicy "IfNotPresent", not Always',
      '',
      'How to fix:',
      '  image-pull-always: Set imagePullPolicy: Always on the container.',
      '',
      'Passed: 0 error(s), 1 warning(s), 0 info in 1 object(s); 1 finding(s) accepted by exceptions.',
    ]);
  });

  test('an expired exception accepts nothing', () => {
    const { code, stdout } = run('review', file('06-excepted.json'), ...POD_PACKS, '--today', '2027-04-01', ...TRUST, '--format', 'json');
    expect(code).toBe(EXIT_CODES.failed);
    expect(JSON.parse(stdout).findings.map((f: any) => f.ruleId)).toEqual([
      'exception-expired',
      'image-pull-always',
      'read-only-root-filesystem',
    ]);
  });

  test.each([['--help'], ['-h'], ['help'], ['review', '--help']])('%s prints the usage', (...argv) => {
    const { code, stdout, stderr } = run(...argv);
    expect([code, stderr]).toEqual([EXIT_CODES.passed, '']);
    expect(stdout).toMatch(/^Usage: cdk8s-hardened review PATH\.\.\. /);
    expect(stdout).toContain('Exit codes: 0 ');
  });
});

describe('cdk8s-hardened, exit 2: bad usage', () => {
  test.each([
    [[], /^cdk8s-hardened: missing command: 'review' or 'init'\.$/],
    [['lint', BAD], /^cdk8s-hardened: unknown command 'lint': the commands are 'review' and 'init'\.$/],
    [['review'], /^cdk8s-hardened: review needs at least one file or folder to read\.$/],
    [['review', BAD, '--frmat', 'json'], /^cdk8s-hardened: Unknown option '--frmat'\./],
    [['review', BAD, '--format'], /^cdk8s-hardened: Option '--format <value>' argument missing$/],
    [['review', BAD, '--format', 'html'], /^cdk8s-hardened: unknown format 'html': use text, json, sarif\.$/],
    [
      ['review', BAD, '--pack', 'pss-strict,workload-hardening', '--pack', 'cis'],
      /^cdk8s-hardened: unknown packs 'pss-strict', 'cis'\. Known packs: pss-baseline, pss-restricted, workload-hardening, .*\.$/,
    ],
    [['review', BAD, '--today', '15/03/2026'], /^cdk8s-hardened: --today must be a date written YYYY-MM-DD \(got '15\/03\/2026'\)\.$/],
  ])('%j: says what is wrong, then the usage', (argv, message) => {
    const { code, stdout, stderr } = run(...argv);
    expect([code, stdout]).toEqual([EXIT_CODES.unusable, '']);
    const [first, ...rest] = stderr.split('\n');
    expect(first).toMatch(message);
    expect(rest.join('\n')).toContain('Usage: cdk8s-hardened review PATH...');
  });
});

describe('cdk8s-hardened review, exit 2: unreadable input', () => {
  const write = (name: string, text: string) => {
    const target = path.join(tmp, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    return target;
  };

  test.each([
    [
      'invalid YAML, with its file and line',
      () => write('broken/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n'),
      (p: string) => `${p}:5: a key is given twice in one mapping (kubectl would keep the last value silently) (column 3)\n`,
    ],
    [
      'a document that is not an object',
      () => write('scalar/list.yaml', 'apiVersion: v1\nkind: Pod\n---\n- just\n- a list\n'),
      (p: string) => `${p}:4: expected a Kubernetes object (a mapping with apiVersion and kind)`,
    ],
    [
      'a document without kind',
      () => write('nokind/cm.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n'),
      (p: string) => `${p}:1: kind not set, which kubectl refuses`,
    ],
    ['a path that does not exist', () => path.join(tmp, 'missing'), (p: string) => `${p}: no such file or folder`],
    [
      'a folder without manifests',
      () => path.dirname(write('empty/notes.txt', 'no manifests here\n')),
      (p: string) => `${p}: no Kubernetes objects found (looked for .yaml, .yml and .json files).`,
    ],
  ])('%s', (_, make, expected) => {
    const target = make();
    const { code, stdout, stderr } = run('review', target);
    expect([code, stdout]).toEqual([EXIT_CODES.unusable, '']);
    expect(stderr.startsWith(`cdk8s-hardened: cannot review: ${expected(target)}`)).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('the installed command', () => {
  test('bin/cdk8s-hardened.js runs the same review as a process, without a build step', () => {
    const args = ['review', BAD, ...POD_PACKS, ...TODAY];
    const child = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-hardened.js'), ...args], { encoding: 'utf8' });
    expect([child.status, child.stderr]).toEqual([EXIT_CODES.failed, '']);
    expect(child.stdout).toBe(run(...args).stdout);
  });

  test("the reference app's output passes its review without a finding", () => {
    // Run apps/main.ts as `cdk8s synth` does, but in a scratch folder: it writes `dist/` there,
    // not into the repository. tsx is given by absolute URL since the scratch folder has no node_modules.
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
    const env: NodeJS.ProcessEnv = { ...process.env, JEST_WORKER_ID: '' };
    delete env.CDK8S_OUTDIR;
    delete env.CDK8S_RECORD_CONSTRUCT_METADATA;
    const work = fs.mkdtempSync(path.join(tmp, 'app-'));
    // A project like the user's: a git work tree that ignores secrets/, where the app's
    // generated database password is written.
    expect(spawnSync('git', ['init', '-q'], { cwd: work }).status).toBe(0);
    fs.writeFileSync(path.join(work, '.gitignore'), 'secrets/\n.sealed-secrets.cache*\n');
    const synth = spawnSync(process.execPath, ['--import', tsx, path.join(ROOT, 'apps', 'main.ts')], { cwd: work, env, encoding: 'utf8' });
    expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: '' });

    // Output our own synth wrote: its exception annotations are trusted when told so.
    const { code, stdout, stderr } = run('review', path.join(work, 'dist'), '--format', 'json', '--trust-annotations');
    expect([code, stderr]).toEqual([EXIT_CODES.passed, '']);
    const json = JSON.parse(stdout);
    expect(json.counts.objects).toBeGreaterThan(0);
    expect(json.findings.filter((f: any) => !f.exception)).toEqual([]);
    // Without --trust-annotations the same annotations are claims: listed, never applied.
    const untrusted = JSON.parse(run('review', path.join(work, 'dist'), '--format', 'json').stdout);
    expect(untrusted.counts.suppressed).toBe(0);
    expect(untrusted.exceptions.length).toBeGreaterThan(0);
    expect(untrusted.exceptions.every((e: any) => e.status === 'untrusted')).toBe(true);
    expect(untrusted.findings.filter((f: any) => f.ruleId === 'exception-not-trusted')).toHaveLength(untrusted.exceptions.length);
  });
});

describe('cdk8s-hardened review - (standard input)', () => {
  const POD =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: yes\n';

  test('reviews what is piped in, with <stdin>:line as the origin, alongside files', () => {
    const file = path.join(tmp, 'stdin-neighbour.yaml');
    fs.writeFileSync(file, POD.replace('name: p', 'name: q'));
    const { code, stdout } = runWithStdin(POD, 'review', '-', file, '--pack', 'pss-baseline');
    expect(code).toBe(EXIT_CODES.failed);
    expect(stdout).toContain('Pod shop/p (<stdin>:1)\n  error   no-privileged: ');
    expect(stdout).toContain(`Pod shop/q (${file}:1)\n  error   no-privileged: `);
  });

  test('the real command reads a pipe: helm template ... | cdk8s-hardened review -', () => {
    const child = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-hardened.js'), 'review', '-', '--pack', 'pss-baseline'], {
      input: POD,
      encoding: 'utf8',
    });
    expect([child.status, child.stdout]).toEqual([
      EXIT_CODES.failed,
      expect.stringContaining('Pod shop/p (<stdin>:1)\n  error   no-privileged: '),
    ]);
  });

  test('nothing on standard input, or - twice, is unusable input', () => {
    expect(runWithStdin('', 'review', '-').stderr).toBe('cdk8s-hardened: cannot review: <stdin>: no Kubernetes objects found.\n');
    expect(runWithStdin(POD, 'review', '-', '-').code).toBe(EXIT_CODES.unusable);
    expect(runWithStdin(POD, 'review', '-', '-').stderr).toContain('- (standard input) can be given once.');
  });
});

describe('cdk8s-hardened review --fail-on', () => {
  // A hardened pod (test builders), as JSON on standard input: compliant, or with only a warning.
  const compliant = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...hardenedNamespace(), pod()] });
  const warnedOnly = compliant.replace('"imagePullPolicy":"Always"', '"imagePullPolicy":"IfNotPresent"');

  test('errors fail by default; --fail-on warning also fails on warnings; --fail-on info on any open finding', () => {
    expect(warnedOnly).not.toBe(compliant);
    const byDefault = runWithStdin(warnedOnly, 'review', '-');
    expect([byDefault.code, byDefault.stdout]).toEqual([
      EXIT_CODES.passed,
      expect.stringMatching(/^Passed: 0 error\(s\), 1 warning\(s\)/m),
    ]);
    expect(byDefault.stdout).toMatch(/^Pod shop\/web \(<stdin>:1\)\n {2}warning image-pull-always: /m);
    for (const level of ['warning', 'info']) {
      const strict = runWithStdin(warnedOnly, 'review', '-', '--fail-on', level);
      expect([level, strict.code, strict.stdout]).toEqual([
        level,
        EXIT_CODES.failed,
        expect.stringMatching(/^Failed: 0 error\(s\), 1 warning\(s\)/m),
      ]);
    }
    expect(runWithStdin(compliant, 'review', '-', '--fail-on', 'info').code).toBe(EXIT_CODES.passed);
  });

  test('an unknown level is a usage error', () => {
    const { code, stderr } = run('review', 'x.yaml', '--fail-on', 'critical');
    expect(code).toBe(EXIT_CODES.unusable);
    expect(stderr).toContain("--fail-on must be one of error, warning, info (got 'critical').");
  });
});

/** Writes `files` below a fresh folder of `tmp`; returns the folder. */
function folderWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'repo-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const PRIVILEGED_POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: true\n';

describe('cdk8s-hardened review reads only regular files', () => {
  test('the real command refuses a FIFO named *.yaml in a folder at once (exit 2, one line) instead of hanging', () => {
    const dir = folderWith({ 'pod.yaml': PRIVILEGED_POD });
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status).toBe(0);
    // No writer ever comes: a blocking read would wait forever, so the timeout turns a hang into a failure.
    const child = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-hardened.js'), 'review', dir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: child.status, signal: child.signal, stdout: child.stdout }).toEqual({
      status: EXIT_CODES.unusable,
      signal: null,
      stdout: '',
    });
    expect(child.stderr).toBe(
      `cdk8s-hardened: cannot review: ${path.join(dir, 'pipe.yaml')}: not a regular file (a FIFO), so it is not read ` +
        '(it could block the review or never end); save the manifests to a regular file, or pipe them to standard input with the path -\n',
    );
  });

  test('a device, a link loop and a folder behind a *.yaml link are unusable input, named', () => {
    const dir = folderWith({ 'pod.yaml': PRIVILEGED_POD });
    fs.symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'z.yaml'));
    const cases: [string, string][] = [
      ['/dev/null', '/dev/null: not a regular file (a character device), '],
      [dir, `${path.join(dir, 'loop.yaml')}: cannot be read (ELOOP)`],
    ];
    for (const [target, message] of cases) {
      const { code, stdout, stderr } = run('review', target);
      expect([code, stdout, stderr.startsWith(`cdk8s-hardened: cannot review: ${message}`), stderr.split('\n')]).toEqual([
        EXIT_CODES.unusable,
        '',
        true,
        [expect.any(String), ''],
      ]);
    }
    fs.unlinkSync(path.join(dir, 'loop.yaml'));
    expect(run('review', dir).stderr).toContain(`${path.join(dir, 'z.yaml')}: not a regular file (a folder)`);
  });
});

describe('cdk8s-hardened review escapes control characters in what it prints', () => {
  test('text: a file name with a line break cannot forge a line; nor can an object name', () => {
    const forged = path.join(tmp, 'a.yaml\n  [x] all clear');
    fs.writeFileSync(forged, PRIVILEGED_POD.replace('name: p', 'name: "p\\u2028Passed: 0 error(s)"'));
    const { code, stdout } = run('review', forged, '--pack', 'pss-baseline');
    expect(code).toBe(EXIT_CODES.failed);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Pod shop/p\\u2028Passed: 0 error(s) (${tmp}/a.yaml\\n  [x] all clear:1)`);
    expect(lines[1]).toMatch(/^ {2}error {3}no-privileged: /);
    expect(lines.filter((line) => line.startsWith('  [x]') || /^(Passed|Failed):/.test(line))).toEqual([lines[lines.length - 1]]);
    expect(lines[lines.length - 1]).toMatch(/^Failed: 1 error\(s\)/);
    expect(stdout).not.toMatch(/\u2028/);
  });

  test('stderr: every message naming a file is one line, its control characters escaped', () => {
    const broken = path.join(tmp, 'evil\u202e\u001b[2J\nlmay.yaml');
    fs.writeFileSync(broken, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n');
    const escaped = `${tmp}/evil\\u202e\\u001b[2J\\nlmay.yaml`;
    for (const argv of [
      ['review', broken],
      ['review', path.join(tmp, 'missing\u2029x')],
      ['review', tmp, '--exclude', '**', '--exclude', 'x\u0085y'],
    ]) {
      const { code, stderr } = run(...argv);
      expect(code).toBe(EXIT_CODES.unusable);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u0085\u2028\u2029\u202e]/);
    }
    expect(run('review', broken).stderr).toBe(
      `cdk8s-hardened: cannot review: ${escaped}:5: a key is given twice in one mapping (kubectl would keep the last value silently) (column 3)\n`,
    );
    expect(run('review', path.join(tmp, 'missing\u2029x')).stderr).toBe(
      `cdk8s-hardened: cannot review: ${tmp}/missing\\u2029x: no such file or folder\n`,
    );
    expect(run('review', 'x.yaml', '--format', 'html\u202e').stderr).toMatch(
      /^cdk8s-hardened: unknown format 'html\\u202e': use text, json, sarif\.\n/,
    );
  });

  test('json and sarif: the names are escaped in the text and read back as they are', () => {
    const name = path.join(tmp, 'bidi\u202eyaml.\u2028\u0085.yaml');
    fs.writeFileSync(name, PRIVILEGED_POD);
    const json = run('review', name, '--pack', 'pss-baseline', '--format', 'json').stdout;
    const sarif = run('review', name, '--pack', 'pss-baseline', '--format', 'sarif').stdout;
    for (const out of [json, sarif]) expect(out).not.toMatch(/[\u0085\u2028\u202e]/);
    expect(json).toContain('bidi\\u202eyaml.\\u2028\\u0085.yaml:1');
    expect(JSON.parse(json).findings[0].origin).toBe(`${name}:1`);
    const logical = JSON.parse(sarif).runs[0].results[0].locations[0].logicalLocations;
    expect(logical.find((l: any) => l.kind === 'declaration').name).toBe(`${name}:1`);
  });
});

describe('cdk8s-hardened review --exclude and --skip-non-k8s', () => {
  const REPO = {
    '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
    'charts/app/values.yaml': 'replicas: 2\n',
    'charts/app/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\n{{- if .Values.debug }}\nspec: {}\n{{- end }}\n',
    'docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
    'k8s/pod.yaml': PRIVILEGED_POD,
  };

  test('without them, a repository with other YAML is unusable input', () => {
    const dir = folderWith(REPO);
    expect(run('review', dir).code).toBe(EXIT_CODES.unusable);
  });

  test('text: each path not read is listed with why, before the findings; the summary counts them', () => {
    const dir = folderWith(REPO);
    const { code, stdout, stderr } = run('review', dir, '--pack', 'pss-baseline', '--skip-non-k8s', '--exclude', 'charts/*/templates/**');
    expect([code, stderr]).toEqual([EXIT_CODES.failed, '']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `skipped [${dir}/.github/workflows/ci.yml] not-kubernetes: no document in it has both apiVersion and kind`,
      `skipped [${dir}/charts/app/templates/] excluded: matches the exclude glob 'charts/*/templates/**'`,
      `skipped [${dir}/charts/app/values.yaml] not-kubernetes: no document in it has both apiVersion and kind`,
      `skipped [${dir}/docker-compose.yml] not-kubernetes: no document in it has both apiVersion and kind`,
    ]);
    expect(lines.slice(4, 6)).toEqual([`Pod shop/p (${dir}/k8s/pod.yaml:1)`, expect.stringMatching(/^ {2}error {3}no-privileged: /)]);
    expect(lines[lines.length - 1]).toMatch(/^Failed: 1 error\(s\), .* 4 path\(s\) skipped\.$/);
  });

  test('json and sarif: a skipped list with the reasons (empty when nothing was skipped)', () => {
    const dir = folderWith(REPO);
    const args = [
      'review',
      dir,
      '--pack',
      'pss-baseline',
      '--exclude',
      '.github/**',
      '--exclude',
      'charts/**',
      '--exclude',
      'docker-compose.yml',
    ];
    const expected = [
      { path: `${dir}/.github/`, reason: 'excluded', detail: "matches the exclude glob '.github/**'" },
      { path: `${dir}/charts/`, reason: 'excluded', detail: "matches the exclude glob 'charts/**'" },
      { path: `${dir}/docker-compose.yml`, reason: 'excluded', detail: "matches the exclude glob 'docker-compose.yml'" },
    ];
    const json = JSON.parse(run(...args, '--format', 'json').stdout);
    expect([json.counts.objects, json.skipped]).toEqual([1, expected]);
    expect(JSON.parse(run(...args, '--format', 'sarif').stdout).runs[0].properties.skipped).toEqual(expected);
    expect(JSON.parse(run('review', path.join(dir, 'k8s'), '--format', 'json').stdout).skipped).toEqual([]);
  });

  test('a file given by name is read whatever --exclude says; an unparseable file is refused under --skip-non-k8s', () => {
    const dir = folderWith(REPO);
    expect(run('review', path.join(dir, 'k8s', 'pod.yaml'), '--exclude', '**', '--pack', 'pss-baseline').code).toBe(EXIT_CODES.failed);
    const template = run('review', path.join(dir, 'charts'), '--skip-non-k8s');
    expect([template.code, template.stderr]).toEqual([
      EXIT_CODES.unusable,
      expect.stringMatching(
        new RegExp(
          `^cdk8s-hardened: cannot review: ${dir}/charts/app/templates/pod\\.yaml:\\d+: .*; a file that cannot be read is never skipped as not Kubernetes: fix it, or exclude it if it is not a manifest\\n$`,
        ),
      ),
    ]);
  });

  test('when everything was skipped, nothing was reviewed: unusable input', () => {
    const dir = folderWith(REPO);
    const { code, stderr } = run('review', dir, '--exclude', '**');
    expect([code, stderr]).toEqual([
      EXIT_CODES.unusable,
      `cdk8s-hardened: cannot review: ${dir}: no Kubernetes objects found (looked for .yaml, .yml and .json files); 4 path(s) skipped by --exclude or --skip-non-k8s.\n`,
    ]);
  });

  test.each([
    [['--exclude', ''], /^cdk8s-hardened: --exclude needs a glob, such as 'charts\/\*\*'\.$/],
    [
      ['--exclude', '/charts/**'],
      /^cdk8s-hardened: --exclude globs match paths relative to the folder given \(got '\/charts\/\*\*'\): drop the leading \/\.$/,
    ],
  ])('%j is a usage error', (flags, message) => {
    const { code, stderr } = run('review', tmp, ...flags);
    expect(code).toBe(EXIT_CODES.unusable);
    expect(stderr.split('\n')[0]).toMatch(message);
  });
});

describe('cdk8s-hardened review --crd', () => {
  const WIDGETS = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  sise: 3\n';
  const NAMESPACES = ['--pack', 'namespaces'];

  test('judges custom resources against the CRDs of the files and folders given', () => {
    const crds = folderWith({ 'widget/crd.yaml': JSON.stringify(WIDGET_CRD) });
    const input = folderWith({ 'widget.yaml': WIDGETS });
    expect(run('review', input, ...NAMESPACES).code).toBe(EXIT_CODES.passed); // no CRD: not judged
    for (const crd of [crds, path.join(crds, 'widget/crd.yaml')]) {
      const { code, stdout } = run('review', input, ...NAMESPACES, '--format', 'json', '--crd', crd);
      expect(code).toBe(EXIT_CODES.failed);
      expect(JSON.parse(stdout).findings.map((f: any) => [f.ruleId, f.path, f.message])).toEqual([
        [
          'object-schema',
          'spec.sise',
          expect.stringMatching(
            /^unknown field "sise": Widget spec has no such field \(did you mean "size"\?\); .* \(CRD widgets\.example\.com, version v1\)$/,
          ),
        ],
      ]);
    }
  });

  test('a CRD in the input judges its custom resources without --crd', () => {
    const input = folderWith({ 'crd.yaml': JSON.stringify(WIDGET_CRD), 'widget.yaml': WIDGETS });
    const { code, stdout } = run('review', input, ...NAMESPACES, '--format', 'json');
    expect([code, JSON.parse(stdout).findings.map((f: any) => f.path)]).toEqual([EXIT_CODES.failed, ['spec.sise']]);
  });

  test('refuses anything but a CRD given with --crd, in one line (exit 2)', () => {
    const input = folderWith({ 'widget.yaml': WIDGETS });
    const { code, stdout, stderr } = run('review', input, '--crd', path.join(input, 'widget.yaml'));
    expect([code, stdout]).toEqual([EXIT_CODES.unusable, '']);
    expect(stderr).toBe(
      `cdk8s-hardened: cannot review: ${path.join(input, 'widget.yaml')}:1: example.com/v1 Widget is not a CustomResourceDefinition ` +
        '(apiextensions.k8s.io/v1): give only CRD files with --crd, and the objects to review as PATH.\n',
    );
  });
});

describe('a bug of ours is one line, not a stack trace', () => {
  test('an error the command does not expect says so in one line, and prints its stack only when asked', () => {
    const runBroken = () => {
      let stderr = '';
      const code = main(['review', BAD], {
        stdout: {
          write: () => {
            throw new Error('stdout is gone');
          },
        },
        stderr: {
          write: (text: string) => {
            stderr += text;
          },
        },
      });
      return { code, stderr };
    };
    const quiet = runBroken();
    expect(quiet.code).toBe(EXIT_CODES.unusable);
    expect(quiet.stderr).toBe(
      'cdk8s-hardened: unexpected error (a bug in cdk8s-hardened: please report it with the input; CDK8S_HARDENED_DEBUG=1 prints its stack): stdout is gone\n',
    );
    process.env.CDK8S_HARDENED_DEBUG = '1';
    try {
      expect(runBroken().stderr).toMatch(/stdout is gone\n\s+at /);
    } finally {
      delete process.env.CDK8S_HARDENED_DEBUG;
    }
  });
});
