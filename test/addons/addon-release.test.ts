import { App, Chart } from 'cdk8s';
import { buildAddOn, AddOnDefinition } from '../../lib/addons/addon-release';
import { VendoredRelease } from '../../lib/addons/vendored-release';

/**
 * buildAddOn accounts for every upstream object and trusts nothing of the release that would
 * widen what the review or the cluster accepts: what a tampered or careless upgrade could slip in.
 */
const FILE = 'vendor/addons/demo/install.yaml';
const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'demo', namespace: 'demo' } };
const role = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'demo' },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
};
const binding = (subjects: object[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'demo' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'demo' },
  subjects,
});

function build(objects: object[], extra: Partial<AddOnDefinition> = {}): void {
  const release: VendoredRelease = {
    source: {
      name: 'demo',
      repository: 'https://github.com/example/demo',
      tag: 'v1.0.0',
      commit: '0'.repeat(40),
      licence: { spdx: 'Apache-2.0', file: 'LICENSE' },
      files: [],
      images: [],
    },
    manifestPath: FILE,
    manifestSha256: 'a'.repeat(64),
    objects: objects.map((o) => structuredClone(o) as Record<string, unknown>),
  };
  buildAddOn(new Chart(new App(), 'demo'), { title: 'demo', release, namespace: { name: 'demo' }, workloads: [], ...extra });
}

test("a release of the add-on's own accounts and bindings builds", () => {
  expect(() => build([account, role, binding([{ kind: 'ServiceAccount', name: 'demo', namespace: 'demo' }])])).not.toThrow();
});

test.each([
  'exception.hardened.cdk8s.io/no-privileged',
  'checkov.io/skip1',
  'kube-score/ignore',
  'ignore-check.kube-linter.io/privileged-container',
  'polaris.fairwinds.com/runAsPrivileged-exempt',
  'trivy.hardened.cdk8s.io/ignore',
])('an upstream %s annotation is refused, naming the file, the object and the key', (annotation) => {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'demo', annotations: { [annotation]: 'because' } },
  };
  expect(() => build([configMap])).toThrow(`${FILE}: ConfigMap/x carries the annotation '${annotation}'`);
});

test('an exception annotation on a pod template is refused too', () => {
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'demo' },
    spec: { template: { metadata: { annotations: { 'exception.hardened.cdk8s.io/no-host-path': 'x' } }, spec: { containers: [] } } },
  };
  expect(() => build([job])).toThrow(/Job\/j carries the annotation 'exception\.hardened\.cdk8s\.io\/no-host-path'/);
});

test.each([
  ["another namespace's account", { kind: 'ServiceAccount', name: 'api', namespace: 'shop' }, 'ServiceAccount shop/api'],
  ['an account the release does not declare', { kind: 'ServiceAccount', name: 'other', namespace: 'demo' }, 'ServiceAccount demo/other'],
  ['a user', { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'mallory@example.com' }, 'User mallory@example.com'],
  ['a group', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }, 'Group system:authenticated'],
])("a binding to %s is refused: the binding's exceptions would cover it", (_what, subject, named) => {
  expect(() => build([account, role, binding([{ kind: 'ServiceAccount', name: 'demo', namespace: 'demo' }, subject])])).toThrow(
    `${FILE}: ClusterRoleBinding/demo binds ${named}, which is not a ServiceAccount of the add-on's namespace 'demo'`,
  );
});

test('people the add-on itself binds (its edits, from a prop) are allowed by name only', () => {
  const group = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'platform-admins' };
  expect(() => build([account, role, binding([group])], { boundPeople: ['Group:platform-admins'] })).not.toThrow();
  expect(() => build([account, role, binding([group])], { boundPeople: ['Group:other'] })).toThrow(/binds Group platform-admins/);
});

test("in a RoleBinding, an account without a namespace is the binding namespace's", () => {
  const roleBinding = {
    ...binding([{ kind: 'ServiceAccount', name: 'demo' }]),
    kind: 'RoleBinding',
    metadata: { name: 'demo', namespace: 'demo' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'demo' },
  };
  expect(() => build([account, role, roleBinding])).not.toThrow();
});

test('an object defined twice is refused with the file and the fix', () => {
  expect(() => build([account, account])).toThrow(`${FILE}: ServiceAccount/demo is defined twice.`);
});

test('a workload the add-on says nothing about is refused', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'demo' },
    spec: { template: { spec: { containers: [] } } },
  };
  expect(() => build([deployment])).toThrow(`${FILE}: Deployment/d runs pods, but the add-on says nothing of how to harden them.`);
});
