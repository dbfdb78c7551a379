/**
 * `cdk8s-hardened review --allowed-registry` and `--admission-policies DIR`: a CI gate on YAML
 * someone else wrote judges images against an allowlist and, once the review passes, writes the
 * admission policies generated from that same review (as HardenedApp does at synth).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { admissionPolicyFiles } from '../../lib/review/admission/admission-report';
import { clusterPolicies } from '../../lib/review/admission/cluster-policies';
import { EXIT_CODES, main } from '../../lib/review/cli';
import { review } from '../../lib/review/engine';
import { readExceptionsFile } from '../../lib/review/exceptions-file';
import { readManifests } from '../../lib/review/manifest-files';
import { KubeObject } from '../../lib/review/model';

const PACKS = ['pss-baseline', 'pss-restricted', 'workload-hardening'];
const TODAY = '2026-03-15';
const COMMON = ['--pack', PACKS.join(','), '--today', TODAY];
/** How the policies name the Deployment the exceptions are for (`request.kind.group/kind/namespace/name`). */
const EXCEPTION_KEY = 'apps/Deployment/shop/legacy-agent';

function run(...argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = main(argv, { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } });
  return { code, ...out };
}

let tmp: string;
/** A Namespace and a Deployment with a writable root filesystem and imagePullPolicy IfNotPresent. */
let input: string;
/** The platform team's exception for the writable root filesystem (an error-level rule). */
let exceptionsFile: string;
/** A path in `tmp` that does not exist yet. */
let counter = 0;
const newPath = (name: string) => path.join(tmp, `${name}-${++counter}`);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-admission-'));
  input = path.join(tmp, 'input');
  fs.mkdirSync(input);
  const deployment = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'bad-manifests', '06-excepted.json'), 'utf8'));
  // A claim anyone could write: it excepts the warning image-pull-always, so the review passes
  // without trusting it, and the policies must not let it through either.
  deployment.metadata.annotations = {
    'exception.hardened.cdk8s.io/image-pull-always': 'the node cache pulls the vendor image; tracked in SEC-143',
  };
  fs.writeFileSync(path.join(input, 'legacy-agent.json'), JSON.stringify(deployment, null, 2));
  fs.writeFileSync(path.join(input, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
  exceptionsFile = path.join(tmp, 'exceptions.yaml');
  fs.writeFileSync(
    exceptionsFile,
    'exceptions:\n  - { rule: read-only-root-filesystem, kind: Deployment, namespace: shop, name: legacy-agent, reason: "the vendor agent rewrites its config at start; SEC-142" }\n',
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The files of `dir`, by name. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
  );
}

/** The review the command runs for `input`, done in-process, and the policy files it stands for. */
function expectedPolicyFiles(options: { trustAnnotations: boolean; exemptNamespaces?: string[] }) {
  const manifests = readManifests([input]).manifests;
  const result = review(manifests, {
    packs: PACKS,
    today: TODAY,
    exceptions: readExceptionsFile(exceptionsFile),
    trustAnnotations: options.trustAnnotations,
  });
  const { policies } = clusterPolicies(
    manifests.map((m) => m.object as KubeObject),
    result,
    { exemptNamespaces: options.exemptNamespaces ?? ['kube-system'] },
  );
  const files = Object.fromEntries(admissionPolicyFiles(policies).map((f) => [f.file, f.text]));
  /** The files of the policies enforcing any of `ruleIds`. */
  const filesOfRules = (...ruleIds: string[]) =>
    policies
      .filter((p) => p.ruleIds.some((id) => ruleIds.includes(id)))
      .map((p) => `${p.name}.yaml`)
      .sort();
  return { files, filesOfRules, result };
}

const withKey = (files: Record<string, string>) =>
  Object.keys(files)
    .filter((name) => files[name].includes(EXCEPTION_KEY))
    .sort();

describe('review --admission-policies DIR: the policies of a passed review', () => {
  test('writes one file per policy, equal to admissionPolicyFiles for the same review, and says so at the end', () => {
    const dir = newPath('policies');
    const { code, stdout, stderr } = run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--admission-policies', dir);
    expect([code, stderr]).toEqual([EXIT_CODES.passed, '']);
    const expected = expectedPolicyFiles({ trustAnnotations: false });
    const written = filesOf(dir);
    expect(written).toEqual(expected.files);
    expect(Object.keys(written).length).toBeGreaterThan(1);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `Admission policies: ${Object.keys(written).length} ValidatingAdmissionPolicies written to ${dir}, one file each (apply them before the workloads).`,
    );
    // The Namespace among the objects is bound by name; kube-system is exempt by default.
    expect(written['cdk8s-hardened-pods-deny.yaml']).toMatch(/name: cdk8s-hardened-pods-deny\.declared\n[\s\S]*values:\n\s+- shop\n/);
    expect(written['cdk8s-hardened-pods-deny.yaml']).toMatch(/operator: NotIn\n\s+values:\n\s+- kube-system\n\s+- shop\n/);
  });

  test('the --exceptions entry is written in; the untrusted annotation is not (with --trust-annotations it is)', () => {
    const untrusted = newPath('untrusted');
    expect(run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--admission-policies', untrusted).code).toBe(EXIT_CODES.passed);
    const expected = expectedPolicyFiles({ trustAnnotations: false });
    expect(expected.result.exceptions.map((e) => [e.ruleId, e.source, e.status])).toEqual([
      ['image-pull-always', 'annotation', 'untrusted'],
      ['read-only-root-filesystem', 'exceptions-file', 'applied'],
    ]);
    const rorfs = expected.filesOfRules('read-only-root-filesystem');
    expect(rorfs.length).toBeGreaterThan(0);
    expect(withKey(filesOf(untrusted))).toEqual(rorfs);

    const trusted = newPath('trusted');
    const args = ['--exceptions', exceptionsFile, '--trust-annotations', '--admission-policies', trusted];
    expect(run('review', input, ...COMMON, ...args).code).toBe(EXIT_CODES.passed);
    const expectedTrusted = expectedPolicyFiles({ trustAnnotations: true });
    expect(filesOf(trusted)).toEqual(expectedTrusted.files);
    expect(withKey(filesOf(trusted))).toEqual(expectedTrusted.filesOfRules('read-only-root-filesystem', 'image-pull-always'));
    expect(withKey(filesOf(trusted)).length).toBeGreaterThan(rorfs.length);
  });

  test('--admission-exempt replaces kube-system; an existing empty DIR is used; json output stays the report alone', () => {
    const dir = newPath('empty');
    fs.mkdirSync(dir);
    const args = ['--admission-policies', dir, '--admission-exempt', 'monitoring-system', '--admission-exempt', 'kube-public'];
    const { code, stdout } = run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--format', 'json', ...args);
    expect(code).toBe(EXIT_CODES.passed);
    expect(JSON.parse(stdout).passed).toBe(true);
    const written = filesOf(dir);
    expect(written).toEqual(expectedPolicyFiles({ trustAnnotations: false, exemptNamespaces: ['monitoring-system', 'kube-public'] }).files);
    expect(written['cdk8s-hardened-pods-deny.yaml']).toMatch(
      /operator: NotIn\n\s+values:\n\s+- kube-public\n\s+- monitoring-system\n\s+- shop\n/,
    );
  });
});

describe('review --admission-policies DIR: nothing written', () => {
  test('when the review fails, DIR is not created and the text says why', () => {
    const dir = newPath('failed');
    const { code, stdout } = run('review', input, ...COMMON, '--admission-policies', dir);
    expect(code).toBe(EXIT_CODES.failed);
    expect(fs.existsSync(dir)).toBe(false);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`Admission policies: none written to ${dir}: the review failed.`);
  });

  test('when it fails at the chosen --fail-on (warnings), though no error is open', () => {
    const dir = newPath('fail-on');
    const { code } = run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--fail-on', 'warning', '--admission-policies', dir);
    expect(code).toBe(EXIT_CODES.failed);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('a DIR that holds anything, or a file, is refused before the review (exit 2), and left as it was', () => {
    const used = newPath('used');
    fs.mkdirSync(used);
    fs.writeFileSync(path.join(used, 'notes.txt'), 'mine\n');
    const refused = run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--admission-policies', used);
    expect([refused.code, refused.stdout]).toEqual([EXIT_CODES.unusable, '']);
    expect(refused.stderr).toBe(
      `cdk8s-hardened: --admission-policies ${used} is not empty (notes.txt): give a new or empty folder, so the policies are all it holds. Nothing was reviewed.\n`,
    );
    expect(filesOf(used)).toEqual({ 'notes.txt': 'mine\n' });

    const file = path.join(used, 'notes.txt');
    const notFolder = run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--admission-policies', file);
    expect([notFolder.code, notFolder.stdout]).toEqual([EXIT_CODES.unusable, '']);
    expect(notFolder.stderr).toBe(
      `cdk8s-hardened: --admission-policies ${file} is not a folder: give a new or empty folder. Nothing was reviewed.\n`,
    );
  });
});

describe('review --allowed-registry', () => {
  const registryFindings = (...entries: string[]) => {
    const { code, stdout } = run('review', input, ...COMMON, '--exceptions', exceptionsFile, '--format', 'json', ...entries);
    return { code, findings: JSON.parse(stdout).findings.filter((f: any) => f.ruleId === 'image-registry-allowed') };
  };

  test('repeated or comma-separated, the entries are the allowlist the review judges images against', () => {
    // The image is registry.example.com/vendor/agent.
    expect(registryFindings()).toEqual({ code: EXIT_CODES.passed, findings: [] });
    const outside = registryFindings('--allowed-registry', 'ghcr.io/example,docker.io/library');
    expect(outside.code).toBe(EXIT_CODES.failed);
    expect(outside.findings.map((f: any) => f.message)).toEqual([expect.stringContaining('registry.example.com/vendor/agent')]);
    expect(registryFindings('--allowed-registry', 'ghcr.io/example', '--allowed-registry', 'registry.example.com/vendor')).toEqual({
      code: EXIT_CODES.passed,
      findings: [],
    });
  });

  test('the allowlist is written into the policies', () => {
    const dir = newPath('registries');
    const args = ['--allowed-registry', 'ghcr.io/example,registry.example.com/vendor', '--admission-policies', dir];
    expect(run('review', input, ...COMMON, '--exceptions', exceptionsFile, ...args).code).toBe(EXIT_CODES.passed);
    const withAllowlist = Object.keys(filesOf(dir)).filter((name) =>
      filesOf(dir)[name].includes('"ghcr.io/example", "registry.example.com/vendor"'),
    );
    expect(withAllowlist).toEqual(expect.arrayContaining(['cdk8s-hardened-pods-deny.yaml', 'cdk8s-hardened-workloads-deny.yaml']));
  });
});

describe('exit 2: bad usage of the new options, nothing reviewed or written', () => {
  test.each([
    [
      ['--allowed-registry', 'ghcr.io/example,registry.example.com/app:1.0'],
      /^cdk8s-hardened: --allowed-registry 'registry\.example\.com\/app:1\.0' is not a registry entry: an entry names a registry or a repository prefix, without tag or digest\. For example ghcr\.io\/example or docker\.io\/library\.$/,
    ],
    [
      ['--allowed-registry', 'example/app'],
      /^cdk8s-hardened: --allowed-registry 'example\/app' is not a registry entry: the first part must be a registry host .*docker\.io\/library for official Docker Hub images\. /,
    ],
    [['--allowed-registry', ','], /^cdk8s-hardened: --allowed-registry needs a registry entry, such as ghcr\.io\/example\.$/],
    [
      ['--admission-policies', 'DIR', '--admission-exempt', 'shop'],
      /^cdk8s-hardened: --admission-exempt must name a system namespace \(kube-system, kube-\*, \*-system; got 'shop'\): the policies judge every other namespace\.$/,
    ],
    [
      ['--admission-exempt', 'kube-system'],
      /^cdk8s-hardened: --admission-exempt is given without --admission-policies DIR: add it, or drop --admission-exempt\.$/,
    ],
    [['--admission-policies', 'a', '--admission-policies', 'b'], /^cdk8s-hardened: --admission-policies can be given once \(got 2\)\.$/],
    [
      ['--admission-policies', ''],
      /^cdk8s-hardened: --admission-policies needs a folder to write the policies to, such as dist\/admission-policies\.$/,
    ],
  ])('%j', (args, message) => {
    const dir = args.includes('DIR') ? newPath('usage') : undefined;
    const { code, stdout, stderr } = run('review', input, ...COMMON, ...args.map((a) => (a === 'DIR' ? dir! : a)));
    expect([code, stdout]).toEqual([EXIT_CODES.unusable, '']);
    const [first, ...rest] = stderr.split('\n');
    expect(first).toMatch(message);
    expect(rest.join('\n')).toContain('Usage: cdk8s-hardened review PATH...');
    if (dir) expect(fs.existsSync(dir)).toBe(false);
  });

  test('the usage text lists the options', () => {
    const { stdout } = run('--help');
    for (const option of ['--allowed-registry ENTRY', '--admission-policies DIR', '--admission-exempt NS'])
      expect(stdout).toContain(option);
  });
});
