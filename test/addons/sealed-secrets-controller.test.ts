import { Chart } from 'cdk8s';
import { HardenedApp } from '../../lib';
import { SealedSecretsController, SealedSecretsControllerProps } from '../../lib/addons/sealed-secrets-controller';
import { readVendoredRelease } from '../../lib/addons/vendored-release';
import { removeTempDirs, tempDir } from '../support';
import { expectRestrictedPods, keptExceptions, named, podsOf, publishAddOn } from './addon-support';

const API_SERVER = { cidrs: ['10.0.0.0/28'], port: 6443 };
const IMAGE = `docker.io/bitnami/sealed-secrets-controller:0.36.6@sha256:${'5e'.repeat(32)}`;
const publish = (props: Partial<SealedSecretsControllerProps> = {}) =>
  publishAddOn('sealed-secrets', ['docker.io/bitnami'], (chart: Chart) => {
    new SealedSecretsController(chart, 'sealed-secrets', { apiServer: API_SERVER, image: IMAGE, ...props });
  });

afterAll(removeTempDirs);

describe('SealedSecretsController', () => {
  const { objects, review } = publish();

  test('one controller pod, restricted, read-only root, pinned to the image given, with a token (it calls the API)', () => {
    expect(podsOf(objects).map((p) => p.name)).toEqual(['sealed-secrets']);
    expectRestrictedPods(objects);
    const pod = podsOf(objects)[0].spec;
    expect(pod.containers[0].image).toBe(IMAGE);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(named(objects, 'Deployment', 'sealed-secrets').spec.replicas).toBe(1);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }]);
  });

  test('the departures kept are exactly these, each an exception on its object', () => {
    expect(keptExceptions(objects)).toEqual(
      [
        'ClusterRole/secrets-unsealer: rbac-namespace-escalation-powers',
        'ClusterRoleBinding/sealed-secrets: rbac-cluster-scope',
        'ClusterRoleBinding/sealed-secrets: rbac-no-cluster-secret-read',
        'Deployment/sealed-secrets: distinct-probes',
        'Deployment/sealed-secrets: no-service-account-token',
        'Role/sealed-secrets-key-admin: rbac-namespace-escalation-powers',
      ].sort(),
    );
  });

  test('the controller may not delete Secrets (only --old-gc-behavior does), and nobody is bound to the service proxier', () => {
    const secrets = named(objects, 'ClusterRole', 'secrets-unsealer').rules.find((r: any) => r.resources.includes('secrets'));
    expect(secrets.verbs).toEqual(['get', 'list', 'create', 'update', 'watch']);
    expect(named(objects, 'Role', 'sealed-secrets-service-proxier')).toBeDefined();
    expect(named(objects, 'RoleBinding', 'sealed-secrets-service-proxier')).toBeUndefined();
  });

  test('the controller takes 8080 from the API server only (the service proxy kubeseal uses) and sends only to the API server', () => {
    const policy = named(objects, 'NetworkPolicy', 'sealed-secrets-traffic');
    expect(policy.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  });

  test("upstream's objects are in the HardenedNamespace sealed-secrets, which allows only the controller's repository", () => {
    const namespace = named(objects, 'Namespace', 'sealed-secrets');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(namespace.metadata.annotations['hardened.cdk8s.io/allowed-registries']).toBe('docker.io/bitnami/sealed-secrets-controller');
    expect(named(objects, 'Service', 'sealed-secrets').metadata.namespace).toBe('sealed-secrets');
  });

  test('REVIEW.md says where the release comes from, what changed and what was accepted', () => {
    expect(review).toContain('## Add-on: Sealed Secrets');
    expect(review).toContain('https://github.com/bitnami-labs/sealed-secrets at helm-v2.18.5');
    expect(review).toMatch(/\| RoleBinding sealed-secrets-service-proxier \| upstream lets every authenticated user proxy/);
    expect(review).toMatch(
      /\| ClusterRole\/secrets-unsealer \| `rules\[2\]\.verbs` \| .*"delete".* \| \["get","list","create","update","watch"\] \|/,
    );
    expect(review).toMatch(/\| Deployment\/sealed-secrets \| `no-service-account-token` \| watches SealedSecrets in every namespace/);
  });

  test('kubeseal is told the controller by these names', () => {
    const app = new HardenedApp({ outdir: tempDir('sealed-secrets-'), printErrors: false });
    const controller = new SealedSecretsController(new Chart(app, 'c'), 'ss', { apiServer: API_SERVER, image: IMAGE });
    expect([controller.controllerName, controller.controllerNamespace]).toEqual(['sealed-secrets', 'sealed-secrets']);
    expect(named(objects, 'Service', controller.controllerName).spec.ports[0].port).toBe(8080);
  });
});

describe('SealedSecretsController props', () => {
  test('certificateReaderGroups bind the service proxier to those groups instead of every authenticated user', () => {
    const { objects, review } = publish({ certificateReaderGroups: ['platform-admins'] });
    expect(named(objects, 'RoleBinding', 'sealed-secrets-service-proxier').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'platform-admins' },
    ]);
    expect(review).toMatch(/\| RoleBinding\/sealed-secrets-service-proxier \| `subjects` \| .*system:authenticated.* \| .*platform-admins/);
  });

  test('every authenticated user as a certificate reader is what the review refuses', () => {
    expect(() => publish({ certificateReaderGroups: ['system:authenticated'] })).toThrow(/rbac-no-broad-subjects/);
  });

  test('resources replace the defaults', () => {
    const { objects } = publish({ resources: { memory: '128Mi', cpuLimit: '500m' } });
    expect(podsOf(objects)[0].spec.containers[0].resources).toEqual({
      requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test.each([
    [{ image: 'docker.io/bitnami/sealed-secrets-controller:0.36.6' }, /\[sealed-secrets\/sealed-secrets\] 'image' .* has no digest/],
    [{ image: `docker.io/bitnami/sealed-secrets-controller:0.36.6@sha256:${'5E'.repeat(32)}` }, /'image' .*not all lowercase/],
    [
      { image: `docker.io/bitnami/sealed-secrets-controller:0.35.0@sha256:${'5e'.repeat(32)}` },
      /'image' .* is tag 0\.35\.0, but the add-on was reviewed for 0\.36\.6/,
    ],
    [{ certificateReaderGroups: [' admins'] }, /'certificateReaderGroups\[0\]' " admins" is not a group name/],
    [{ apiServer: { cidrs: [] } }, /'apiServer\.cidrs' is empty/],
  ])('a wrong prop names the field (%#)', (props, message) => {
    expect(() => publish(props)).toThrow(message);
  });

  test('a mirror without a tag is taken, and its repository is the one the namespace allows', () => {
    const mirrored = `registry.example.com/mirror/sealed-secrets-controller@sha256:${'5e'.repeat(32)}`;
    const { objects } = publishAddOn('sealed-secrets', ['registry.example.com/mirror'], (chart) => {
      new SealedSecretsController(chart, 'sealed-secrets', { apiServer: API_SERVER, image: mirrored });
    });
    expect(podsOf(objects)[0].spec.containers[0].image).toBe(mirrored);
    expect(named(objects, 'Namespace', 'sealed-secrets').metadata.annotations['hardened.cdk8s.io/allowed-registries']).toBe(
      'registry.example.com/mirror/sealed-secrets-controller',
    );
  });
});

describe('the vendored release', () => {
  test('a release other than the one reviewed fails, naming the file', () => {
    const app = new HardenedApp({ outdir: tempDir('sealed-secrets-'), printErrors: false });
    expect(() => readVendoredRelease(app, 'sealed-secrets', 'rendered.yaml', '0'.repeat(64))).toThrow(
      /vendor\/addons\/sealed-secrets\/rendered\.yaml \(sha256 8904edf6[0-9a-f]+\) is not the release this add-on was reviewed for/,
    );
  });
});
