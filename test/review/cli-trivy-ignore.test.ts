import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { EXIT_CODES, main } from '../../lib/review/cli';
import { exceptionAnnotations } from '../../lib/policy/exception-routing';
import { NET_BIND_SERVICE_SKIPS } from '../../lib/policy/scanner-map';
import { deployment, hardenedNamespace } from './builders';

const REASON = 'the agent rewrites its config at start';
const POD_PACKS = ['--pack', 'pss-baseline,pss-restricted,workload-hardening'];

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
  });
  return { code, stdout, stderr };
}

interface Entry {
  readonly id: string;
  readonly paths?: string[];
  readonly statement: string;
}
const entries = (file: string) => (parse(fs.readFileSync(file, 'utf8')) as { misconfigurations: Entry[] }).misconfigurations;
const pathsOf = (file: string, id: string) =>
  entries(file)
    .filter((e) => e.id === id)
    .flatMap((e) => e.paths ?? []);

let tmp: string;
let out: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trivy-ignore-'));
  out = path.join(tmp, 'dist');
  fs.mkdirSync(path.join(out, 'shop'), { recursive: true });
  const write = (file: string, object: unknown) => fs.writeFileSync(path.join(out, file), stringify(object));
  hardenedNamespace().forEach((o, i) => write(`shop/${i}-${o.kind}.yaml`, o));
  // A writable root filesystem, accepted by its exception, and an object skip written as our constructs write it.
  const annotations = {
    ...exceptionAnnotations([{ rule: 'read-only-root-filesystem', reason: REASON }], 'Deployment', NET_BIND_SERVICE_SKIPS),
  };
  write(
    'shop/Deployment.agent.yaml',
    deployment((spec) => (spec.containers[0].securityContext.readOnlyRootFilesystem = false), { name: 'agent', annotations }),
  );
  write('shop/Deployment.web.yaml', deployment());
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('review --trivy-ignore FILE', () => {
  test("a passed review writes Trivy's ignore file: the exception's checks on its object's file, with its reason", () => {
    const file = path.join(tmp, 'trusted.yaml');
    const result = run('review', out, ...POD_PACKS, '--trust-annotations', '--trivy-ignore', file);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT_CODES.passed);
    expect(result.stdout).toContain(`Trivy ignore file: written to ${file} (trivy config --ignorefile ${file} ${out}).`);
    expect(pathsOf(file, 'KSV-0014')).toEqual(['shop/Deployment.agent.yaml']);
    expect(entries(file).find((e) => e.id === 'KSV-0014')?.statement).toBe(`our exception to read-only-root-filesystem: ${REASON}`);
    // The object skip its annotation names, trusted with the annotations.
    expect(pathsOf(file, 'KSV-0117')).toEqual(['shop/Deployment.agent.yaml']);
    expect(pathsOf(file, 'KSV-0049')).toEqual([]);
    expect(entries(file).find((e) => e.id === 'KSV-0049')?.paths).toBeUndefined();
  });

  test('without --trust-annotations the annotations grant nothing: the review fails and nothing is written', () => {
    const file = path.join(tmp, 'untrusted.yaml');
    const result = run('review', out, ...POD_PACKS, '--trivy-ignore', file);
    expect(result.code).toBe(EXIT_CODES.failed);
    expect(result.stdout).toContain(`Trivy ignore file: not written to ${file}: the review failed.`);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('an exceptions file entry is an applied exception too; the annotated object skip is not trusted without the flag', () => {
    const exceptions = path.join(tmp, 'exceptions.yaml');
    fs.writeFileSync(
      exceptions,
      stringify({
        exceptions: [
          {
            rule: 'read-only-root-filesystem',
            kind: 'Deployment',
            namespace: 'shop',
            name: 'agent',
            reason: 'granted by the platform team',
          },
        ],
      }),
    );
    const file = path.join(tmp, 'from-file.yaml');
    const result = run('review', out, ...POD_PACKS, '--exceptions', exceptions, '--trivy-ignore', file);
    expect(result.code).toBe(EXIT_CODES.passed);
    expect(entries(file).find((e) => e.id === 'KSV-0014')).toEqual({
      id: 'KSV-0014',
      paths: ['shop/Deployment.agent.yaml'],
      statement: 'our exception to read-only-root-filesystem: granted by the platform team',
    });
    expect(pathsOf(file, 'KSV-0117')).toEqual([]);
  });

  describe('a tenant cannot widen what the review accepted', () => {
    const role = (name: string, rules: unknown[]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: 'shop' },
      rules,
    });
    const READ_DB = { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] };
    const CREATE_PODS = { apiGroups: [''], resources: ['pods'], verbs: ['create'] };
    const accepting = (name: string) => {
      const file = path.join(tmp, `accept-${name}.yaml`);
      const entry = {
        rule: 'rbac-namespace-escalation-powers',
        kind: 'Role',
        namespace: 'shop',
        name,
        accepts: ['read secrets'],
        reason: 'reads the secret db',
      };
      fs.writeFileSync(file, stringify({ exceptions: [entry] }));
      return file;
    };
    const reviewed = (folder: string, exceptions: string) => {
      const file = path.join(tmp, `${path.basename(folder)}-${path.basename(exceptions)}`);
      const result = run('review', folder, '--pack', 'rbac', '--exceptions', exceptions, '--trivy-ignore', file);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(EXIT_CODES.passed);
      return { file, stdout: result.stdout };
    };

    test('an exception that accepts some values of a rule skips none of its checks while another value stays open', () => {
      const folder = path.join(tmp, 'partly');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'reader.yaml'), stringify(role('reader', [READ_DB, CREATE_PODS])));
      fs.writeFileSync(path.join(folder, 'only-reads.yaml'), stringify(role('only-reads', [READ_DB])));
      const { file } = reviewed(folder, accepting('reader'));
      expect(pathsOf(file, 'KSV-0113')).toEqual([]);
      expect(pathsOf(file, 'KSV-0048')).toEqual([]);
      const whole = reviewed(folder, accepting('only-reads')).file;
      expect(pathsOf(whole, 'KSV-0113')).toEqual(['only-reads.yaml']);
    });

    test("objects that share an origin (a List) keep their own exceptions: one's does not cover the other", () => {
      const folder = path.join(tmp, 'listed');
      fs.mkdirSync(folder);
      const list = { apiVersion: 'v1', kind: 'List', items: [role('reader', [READ_DB]), role('evil', [READ_DB])] };
      fs.writeFileSync(path.join(folder, 'roles.yaml'), stringify(list));
      const { file } = reviewed(folder, accepting('reader'));
      expect(pathsOf(file, 'KSV-0113')).toEqual([]);
    });

    test('a file named like a pattern is left out, and said so', () => {
      const folder = path.join(tmp, 'globbed');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, '*.yaml'), stringify(role('reader', [READ_DB])));
      fs.writeFileSync(path.join(folder, 'evil.yaml'), stringify(role('evil', [READ_DB])));
      const { file, stdout } = reviewed(folder, accepting('reader'));
      expect(pathsOf(file, 'KSV-0113')).toEqual([]);
      expect(stdout).toContain('Left out, as Trivy would read their names as patterns (rename them to skip there): *.yaml.');
    });
  });

  test("a file inside a published output is refused, though the folder reviewed is one chart's below it", () => {
    const published = path.join(tmp, 'published');
    fs.mkdirSync(path.join(published, 'shop'), { recursive: true });
    fs.writeFileSync(path.join(published, '.cdk8s-hardened'), 'Written by cdk8s-hardened (HardenedApp)\n');
    fs.copyFileSync(path.join(out, 'shop', 'Deployment.web.yaml'), path.join(published, 'shop', 'Deployment.web.yaml'));
    const file = path.join(published, 'trivyignore.yaml');
    const result = run('review', path.join(published, 'shop'), '--trivy-ignore', file);
    expect(result.code).toBe(EXIT_CODES.unusable);
    expect(result.stderr).toContain(
      `--trivy-ignore ${file} is inside ${published}, an output a synth published (it holds .cdk8s-hardened)`,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  test.each([
    [
      'a file inside the folder',
      () => ['review', out, '--trivy-ignore', path.join(out, 'trivyignore.yaml')],
      /is inside .*write it outside/,
    ],
    ['two paths', () => ['review', out, out, '--trivy-ignore', path.join(tmp, 'x.yaml')], /needs exactly one folder as PATH/],
    ['standard input', () => ['review', '-', '--trivy-ignore', path.join(tmp, 'x.yaml')], /needs exactly one folder as PATH/],
    ['a file that is not YAML', () => ['review', out, '--trivy-ignore', path.join(tmp, 'x.txt')], /ending \.yaml or \.yml/],
  ])('%s is refused before anything is reviewed', (_, args, message) => {
    const result = run(...args());
    expect(result.code).toBe(EXIT_CODES.unusable);
    expect(result.stderr).toMatch(message);
  });
});
