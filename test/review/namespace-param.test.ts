import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_CODES, main } from '../../lib/review/cli';
import { reviewContextOf } from '../../lib/review/engine';
import { inNamespace } from '../../lib/review/namespace-param';
import { parseManifests } from '../../lib/review/load';
import { platformContractJson, platformContractOf } from '../../lib/review/platform-contract';
import { removeTempDirs, tempDir } from '../support';
import { hardenedNamespace } from './builders';

afterAll(removeTempDirs);

/** Upstream-style YAML meant for `kubectl apply -n shop`: no namespace anywhere. */
const NAMESPACELESS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: registry.example.com/shop/web@sha256:${'a1'.repeat(32)}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ""
data:
  mode: quiet
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
`;

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** A folder with the namespace-less YAML and the platform contract of a platform declaring `shop`. */
function workspace(yaml = NAMESPACELESS): { manifests: string; contract: string } {
  const dir = tempDir('namespace-param-');
  const manifests = path.join(dir, 'upstream.yaml');
  const contract = path.join(dir, 'platform.json');
  fs.writeFileSync(manifests, yaml);
  fs.writeFileSync(contract, platformContractJson(platformContractOf(reviewContextOf(hardenedNamespace('shop')))));
  return { manifests, contract };
}

describe('inNamespace: objects as kubectl apply -n reads them', () => {
  test('namespaced objects without a namespace (or with an empty one, which the reader drops) get it; cluster-scoped kinds keep none', () => {
    const objects = inNamespace(parseManifests(NAMESPACELESS, 'upstream.yaml'), 'shop', []).map((m) => m.object as any);
    expect(objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['Deployment', 'shop'],
      ['ConfigMap', 'shop'],
      ['ClusterRole', undefined],
    ]);
  });

  test('a custom kind a CRD declares cluster-scoped keeps none; one of a namespaced CRD gets it', () => {
    const crd = (scope: string, kind: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.example.com` },
      spec: { group: 'example.com', scope, names: { kind } },
    });
    const objects = [
      { object: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }, origin: 'x.yaml:1' },
      { object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, origin: 'x.yaml:5' },
    ];
    const read = inNamespace(objects, 'shop', [crd('Cluster', 'Gadget'), crd('Namespaced', 'Widget')]).map((m) => m.object as any);
    expect(read.map((o) => o.metadata.namespace)).toEqual([undefined, 'shop']);
  });

  test("an object in another namespace is refused in kubectl's words, at its file and line", () => {
    const yaml =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: a\n';
    expect(() => inNamespace(parseManifests(yaml, 'two.yaml'), 'b', [])).toThrow(
      `two.yaml:6: the namespace from the provided object "a" does not match the namespace "b". You must pass '--namespace=a' to perform this operation.`,
    );
  });
});

describe('cdk8s-hardened review --namespace and --platform', () => {
  test('without --namespace, the namespace-less workload lands in default and fails', () => {
    const { manifests } = workspace();
    const { code, stdout } = run('review', manifests, '--pack', 'namespaces');
    expect(code).toBe(EXIT_CODES.failed);
    expect(stdout).toContain('workload runs in the "default" namespace');
  });

  test('with --namespace shop and the contract declaring shop, it passes: no false default-namespace error', () => {
    const { manifests, contract } = workspace();
    const { code, stdout, stderr } = run('review', manifests, '--namespace', 'shop', '--platform', contract, '--pack', 'namespaces');
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/default/);
    expect(stdout).toMatch(new RegExp(`^platform contract ${contract.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(sha256 [0-9a-f]{64}\\)\n`));
    expect(code).toBe(EXIT_CODES.passed);
  });

  test('with --namespace shop but no contract, shop is undeclared and fails as before', () => {
    const { manifests } = workspace();
    const { code, stdout } = run('review', manifests, '--namespace', 'shop', '--pack', 'namespaces');
    expect(code).toBe(EXIT_CODES.failed);
    expect(stdout).toContain('workload runs in namespace "shop", which this output does not declare');
  });

  test('the JSON report names the contract', () => {
    const { manifests, contract } = workspace();
    const { stdout } = run('review', manifests, '--namespace', 'shop', '--platform', contract, '--pack', 'namespaces', '--format', 'json');
    expect(JSON.parse(stdout).platform).toEqual({ file: contract, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), namespaces: ['shop'] });
  });

  test('an object of another namespace is refused (exit 2), as kubectl refuses it', () => {
    const { manifests } = workspace(NAMESPACELESS + '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: a\n');
    const { code, stderr } = run('review', manifests, '--namespace', 'b');
    expect(code).toBe(EXIT_CODES.unusable);
    expect(stderr).toBe(
      `cdk8s-hardened: cannot review: ${manifests}:34: the namespace from the provided object "a" does not match the namespace "b". You must pass '--namespace=a' to perform this operation.\n`,
    );
  });

  test('a contract declaring a namespace the input declares too is refused (exit 2)', () => {
    const { contract } = workspace();
    const dir = tempDir('namespace-param-');
    const both = path.join(dir, 'ns.yaml');
    fs.writeFileSync(both, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
    const { code, stderr } = run('review', both, '--platform', contract);
    expect(code).toBe(EXIT_CODES.unusable);
    expect(stderr).toContain(
      `namespace "shop" is declared both by the reviewed objects (${both}:1) and by the platform contract ${contract}`,
    );
  });

  test.each([
    [['--namespace', 'Shop'], "--namespace 'Shop' is not a namespace name"],
    [['--namespace', 'a', '--namespace', 'b'], '--namespace can be given once (got 2).'],
    [['--platform', ''], '--platform needs a platform.json file'],
  ])('bad usage %j is refused', (args, message) => {
    const { manifests } = workspace();
    const { code, stderr } = run('review', manifests, ...args);
    expect(code).toBe(EXIT_CODES.unusable);
    expect(stderr).toContain(message);
  });

  test('a malformed contract is refused before anything is reviewed (exit 2)', () => {
    const { manifests, contract } = workspace();
    fs.writeFileSync(contract, JSON.stringify({ schemaVersion: 9, writtenBy: 'cdk8s-hardened 99.0.0', namespaces: [] }));
    const { code, stderr, stdout } = run('review', manifests, '--platform', contract);
    expect(code).toBe(EXIT_CODES.unusable);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot review: platform contract ${contract}: $.schemaVersion is 9, which cdk8s-hardened`);
    expect(stderr).toContain('written by cdk8s-hardened 99.0.0');
  });
});
