import { Chart } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import { ExternalSecretsOperator, ExternalSecretsOperatorProps } from '../../lib/addons/external-secrets';
import { readVendoredRelease } from '../../lib/addons/vendored-release';
import { CONTAINER, removeTempDirs, tempDir } from '../support';
import { expectRestrictedPods, keptExceptions, named, podsOf, publishAddOn } from './addon-support';

const API_SERVER = { cidrs: ['10.0.0.0/28'], port: 6443 };
const IMAGE = `ghcr.io/external-secrets/external-secrets:v2.9.0@sha256:${'e5'.repeat(32)}`;
const REQUIRED = { apiServer: API_SERVER, storeCidrs: ['52.94.0.0/16'], image: IMAGE };
const publish = (
  props: Partial<ExternalSecretsOperatorProps> = {},
  more: (chart: Chart, eso: ExternalSecretsOperator) => void = () => {},
) =>
  publishAddOn('external-secrets', ['ghcr.io/external-secrets', 'registry.example.com'], (chart) => {
    more(chart, new ExternalSecretsOperator(chart, 'external-secrets', { ...REQUIRED, ...props }));
  });
const rulesOf = (objects: any[], name: string) => named(objects, 'ClusterRole', name).rules;
const argsOf = (objects: any[]) => named(objects, 'Deployment', 'external-secrets').spec.template.spec.containers[0].args;

afterAll(removeTempDirs);

describe('ExternalSecretsOperator', () => {
  const { objects, review } = publish();

  test('three pods, restricted, read-only root, pinned to the image given, each with a token and the reason', () => {
    expect(podsOf(objects).map((p) => p.name)).toEqual([
      'external-secrets-cert-controller',
      'external-secrets',
      'external-secrets-webhook',
    ]);
    expectRestrictedPods(objects);
    for (const { spec } of podsOf(objects)) {
      expect(spec.containers[0].image).toBe(IMAGE);
      expect(spec.containers[0].livenessProbe.httpGet.path).toBe('/healthz');
      expect(spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    }
  });

  test('the departures kept are exactly these, each an exception on its object', () => {
    expect(keptExceptions(objects)).toEqual(
      [
        'ClusterRole/external-secrets-cert-controller: rbac-no-cluster-takeover-powers',
        'ClusterRole/external-secrets-controller: rbac-namespace-escalation-powers',
        'ClusterRoleBinding/external-secrets-cert-controller: rbac-cluster-scope',
        'ClusterRoleBinding/external-secrets-controller: rbac-cluster-scope',
        'ClusterRoleBinding/external-secrets-controller: rbac-no-cluster-secret-read',
        'Deployment/external-secrets-cert-controller: no-service-account-token',
        'Deployment/external-secrets-webhook: no-service-account-token',
        'Deployment/external-secrets: no-service-account-token',
        'Role/external-secrets-cert-controller-secret: rbac-namespace-escalation-powers',
      ].sort(),
    );
  });

  test('the cert-controller keeps only its own Secret (a Role in its namespace), its own webhook configurations, and no Lease or CRD writes', () => {
    const rules = rulesOf(objects, 'external-secrets-cert-controller');
    expect(rules.filter((r: any) => r.resources.includes('secrets') || r.resources.includes('leases'))).toEqual([]);
    expect(rules.filter((r: any) => r.verbs.includes('update'))).toEqual([
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations'],
        resourceNames: ['secretstore-validate', 'externalsecret-validate'],
        verbs: ['update', 'patch'],
      },
    ]);
    expect(named(objects, 'Role', 'external-secrets-cert-controller-secret')).toMatchObject({
      metadata: { namespace: 'external-secrets' },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['external-secrets-webhook'], verbs: ['get', 'update', 'patch'] }],
    });
    expect(named(objects, 'RoleBinding', 'external-secrets-cert-controller-secret').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'external-secrets-cert-controller', namespace: 'external-secrets' },
    ]);
  });

  test("no namespace's edit or admin role may create SecretStores, ExternalSecrets or PushSecrets (an uncredentialed store would use the operator's own identity)", () => {
    expect(named(objects, 'ClusterRole', 'external-secrets-edit')).toBeUndefined();
    const aggregated = objects.filter(
      (o) =>
        o.kind === 'ClusterRole' &&
        (o.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'] ||
          o.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin']),
    );
    // What stays aggregated only reads.
    expect(aggregated.map((o) => o.metadata.name)).toEqual(['external-secrets-view']);
    expect(
      aggregated.flatMap((o) => o.rules.flatMap((r: any) => r.verbs)).filter((v: string) => !['get', 'list', 'watch'].includes(v)),
    ).toEqual([]);
    expect(review).toMatch(/\| ClusterRole external-secrets-edit \| it aggregates create on SecretStores/);
  });

  test('by default the controller neither updates namespaces nor mints tokens, and serves no ClusterExternalSecret', () => {
    const resources = rulesOf(objects, 'external-secrets-controller').flatMap((r: any) =>
      r.verbs.map((v: string) => `${v} ${r.resources}`),
    );
    expect(resources).not.toContain('update namespaces');
    expect(resources.filter((r: string) => r.includes('serviceaccounts/token'))).toEqual([]);
    expect(argsOf(objects)).toContain('--enable-cluster-external-secret-reconciler=false');
    expect(argsOf(objects)).not.toContain('--enable-leader-election=true');
  });

  test('the CustomResourceDefinitions the packaged chart installs are in the output, unchanged', () => {
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
    expect(crds).toHaveLength(25);
    expect(crds).toEqual(expect.arrayContaining(['externalsecrets.external-secrets.io', 'secretstores.external-secrets.io']));
  });

  test('the controller sends to the API server and the stores only, the cert-controller to the API server only, the webhook takes calls from the API server only', () => {
    const policy = (name: string) => named(objects, 'NetworkPolicy', `${name}-traffic`).spec;
    const apiServer = { to: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ protocol: 'TCP', port: 6443 }] };
    expect(policy('external-secrets').egress).toEqual([
      apiServer,
      { to: [{ ipBlock: { cidr: '52.94.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(policy('external-secrets').ingress).toBeUndefined();
    expect(policy('external-secrets-cert-controller').egress).toEqual([apiServer]);
    expect(policy('external-secrets-cert-controller').ingress).toBeUndefined();
    expect(policy('external-secrets-webhook').ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ protocol: 'TCP', port: 10250 }] },
    ]);
    expect(policy('external-secrets-webhook').egress).toBeUndefined();
  });

  test('REVIEW.md says where the release comes from, what changed and what was accepted', () => {
    expect(review).toContain('## Add-on: External Secrets Operator');
    expect(review).toContain('https://github.com/external-secrets/external-secrets at helm-chart-2.9.0');
    expect(review).toMatch(
      /\| ClusterRole\/external-secrets-cert-controller \| `rules\[9\]` \| .*leases.* \| \(removed: unused: the cert-controller runs without --enable-leader-election\) \|/,
    );
    expect(review).toMatch(
      /\| ClusterRole\/external-secrets-controller \| `rbac-namespace-escalation-powers` \| the controller writes the target Secret/,
    );
  });
});

describe('ExternalSecretsOperator props', () => {
  test('watchNamespace binds the controller in that namespace only and serves none of the cluster-wide kinds', () => {
    const { objects } = publish({ watchNamespace: 'shop' });
    expect(named(objects, 'ClusterRoleBinding', 'external-secrets-controller')).toBeUndefined();
    expect(named(objects, 'RoleBinding', 'external-secrets-controller')).toMatchObject({
      metadata: { namespace: 'shop' },
      roleRef: { kind: 'ClusterRole', name: 'external-secrets-controller' },
      subjects: [{ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' }],
    });
    expect(argsOf(objects)).toEqual(
      expect.arrayContaining([
        '--namespace=shop',
        '--enable-cluster-store-reconciler=false',
        '--enable-cluster-external-secret-reconciler=false',
        '--enable-cluster-push-secret-reconciler=false',
      ]),
    );
    expect(keptExceptions(objects).filter((e) => e.startsWith('ClusterRoleBinding/external-secrets-controller'))).toEqual([]);
  });

  test('clusterExternalSecrets and serviceAccountTokens keep those powers, each with its exception; replicas are spread with budgets', () => {
    const { objects } = publish({ clusterExternalSecrets: true, serviceAccountTokens: true, replicas: 2, webhookReplicas: 3 });
    const resources = rulesOf(objects, 'external-secrets-controller').map((r: any) => `${r.verbs} ${r.resources}`);
    expect(resources).toEqual(expect.arrayContaining(['update,patch namespaces', 'create serviceaccounts/token']));
    expect(argsOf(objects)).not.toContain('--enable-cluster-external-secret-reconciler=false');
    expect(argsOf(objects)).toContain('--enable-leader-election=true');
    expect(keptExceptions(objects)).toEqual(
      expect.arrayContaining([
        'ClusterRole/external-secrets-controller: rbac-no-cluster-takeover-powers',
        'ClusterRole/external-secrets-controller: rbac-no-exec-attach-portforward',
      ]),
    );
    expect(named(objects, 'Deployment', 'external-secrets').spec.replicas).toBe(2);
    expect(named(objects, 'Deployment', 'external-secrets-webhook').spec.replicas).toBe(3);
    expect(named(objects, 'PodDisruptionBudget', 'external-secrets-webhook').spec.maxUnavailable).toBe(1);
    expect(named(objects, 'PodDisruptionBudget', 'external-secrets-cert-controller')).toBeUndefined();
  });

  test('allowToStore opens the controller to a store in the cluster', () => {
    const { objects } = publish({}, (chart, eso) => {
      const vault = new HardenedDeployment(new HardenedNamespace(chart, 'vault'), 'vault', { containers: [CONTAINER] });
      eso.allowToStore(vault, 8200);
    });
    expect(named(objects, 'NetworkPolicy', 'external-secrets-traffic').spec.egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } },
          podSelector: { matchLabels: expect.any(Object) },
        },
      ],
      ports: [{ protocol: 'TCP', port: 8200 }],
    });
  });

  test.each([
    [{ storeCidrs: [] }, /\[external-secrets\/external-secrets\] 'storeCidrs' is empty/],
    [{ storeCidrs: ['52.94.0.0/33'] }, /storeCidrs\[0\]/],
    [{ image: 'ghcr.io/external-secrets/external-secrets:v2.9.0' }, /'image' .* has no digest/],
    [
      { image: `ghcr.io/external-secrets/external-secrets:v2.8.0@sha256:${'e5'.repeat(32)}` },
      /'image' .* is tag v2\.8\.0, but the add-on was reviewed for v2\.9\.0/,
    ],
    [{ replicas: 0 }, /'replicas' must be a whole number of at least 1/],
    [{ webhookReplicas: 1.5 }, /'webhookReplicas' must be a whole number of at least 1/],
    [{ watchNamespace: 'Shop' }, /watchNamespace/],
    [{ watchNamespace: 'shop', clusterExternalSecrets: true }, /'clusterExternalSecrets' cannot be served with 'watchNamespace'/],
    [{ apiServer: { cidrs: [] } }, /'apiServer\.cidrs' is empty/],
  ])('a wrong prop names the field (%#)', (props, message) => {
    expect(() => publish(props as Partial<ExternalSecretsOperatorProps>)).toThrow(message);
  });
});

describe('the vendored release', () => {
  test.each([
    ['rendered.yaml', 'b27a785d'],
    ['crds.yaml', '08b08d88'],
  ])('%s other than the one reviewed fails, naming the file', (file, sha) => {
    const app = new HardenedApp({ outdir: tempDir('external-secrets-'), printErrors: false });
    expect(() => readVendoredRelease(app, 'external-secrets', file, '0'.repeat(64))).toThrow(
      new RegExp(
        `vendor/addons/external-secrets/${file.replace('.', '\\.')} \\(sha256 ${sha}[0-9a-f]+\\) is not the release this add-on was reviewed for`,
      ),
    );
  });
});
