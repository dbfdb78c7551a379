import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { HardenedApp } from '../../lib';
import { ArgoCd, ArgoCdProps } from '../../lib/addons/argo-cd';
import { readVendoredRelease } from '../../lib/addons/vendored-release';
import { podSpec, removeTempDirs, tempDir } from '../support';
import { expectRestrictedPods, keptExceptions, named } from './addon-support';

const API_SERVER = { cidrs: ['10.0.0.0/28'], port: 6443 };
const GITHUB = '140.82.112.0/20';
const PROPS: ArgoCdProps = { apiServer: API_SERVER, gitServers: [{ cidr: GITHUB }, { cidr: GITHUB, port: 22 }] };
const REGISTRIES = ['quay.io/argoproj', 'public.ecr.aws/docker/library', 'ghcr.io/dexidp'];
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

interface Output {
  readonly objects: any[];
  readonly review: any;
  readonly reviewMd: string;
}

/** Synthesizes `props` in a HardenedApp (admission policies on) and reads back what it published. */
function synth(props: ArgoCdProps): Output {
  const outdir = path.join(tempDir('argo-cd-'), 'dist');
  const app = new HardenedApp({ outdir, reviewDate: '2026-12-03', allowedRegistries: REGISTRIES, admissionPolicies: true });
  new ArgoCd(new Chart(app, 'argo-cd'), 'argo-cd', props);
  app.synth();
  return {
    objects: yaml.loadAll(fs.readFileSync(path.join(outdir, 'argo-cd.k8s.yaml'), 'utf8')) as any[],
    review: JSON.parse(fs.readFileSync(path.join(outdir, 'review.json'), 'utf8')),
    reviewMd: fs.readFileSync(path.join(outdir, 'REVIEW.md'), 'utf8'),
  };
}

const workloads = (objects: any[]) => objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));

/** Exceptions of the default add-on (no dex, no notifications). */
const DEFAULT_EXCEPTIONS = [
  'ClusterRole/argocd-application-controller: rbac-namespace-escalation-powers',
  'ClusterRole/argocd-application-controller: rbac-no-cluster-takeover-powers',
  'ClusterRole/argocd-application-controller: rbac-no-escalation-verbs',
  'ClusterRole/argocd-application-controller: rbac-no-exec-attach-portforward',
  'ClusterRole/argocd-application-controller: rbac-no-wildcards',
  'ClusterRole/argocd-server: rbac-namespace-escalation-powers',
  'ClusterRole/argocd-server: rbac-no-cluster-takeover-powers',
  'ClusterRole/argocd-server: rbac-no-exec-attach-portforward',
  'ClusterRole/argocd-server: rbac-no-wildcards',
  'ClusterRoleBinding/argocd-application-controller: rbac-cluster-scope',
  'ClusterRoleBinding/argocd-application-controller: rbac-no-cluster-admin-binding',
  'ClusterRoleBinding/argocd-application-controller: rbac-no-cluster-secret-read',
  'ClusterRoleBinding/argocd-server: rbac-cluster-scope',
  'ClusterRoleBinding/argocd-server: rbac-no-cluster-secret-read',
  'Deployment/argocd-applicationset-controller: liveness-probe',
  'Deployment/argocd-applicationset-controller: no-service-account-token',
  'Deployment/argocd-applicationset-controller: readiness-probe',
  'Deployment/argocd-redis: no-service-account-token',
  'Deployment/argocd-redis: secret-as-file',
  'Deployment/argocd-repo-server: high-user-group-ids',
  'Deployment/argocd-server: no-service-account-token',
  'Role/argocd-application-controller: rbac-namespace-escalation-powers',
  'Role/argocd-applicationset-controller: rbac-namespace-escalation-powers',
  'Role/argocd-redis: rbac-namespace-escalation-powers',
  'Role/argocd-server: rbac-namespace-escalation-powers',
  'StatefulSet/argocd-application-controller: liveness-probe',
  'StatefulSet/argocd-application-controller: no-service-account-token',
];

let plain: Output;
let full: Output;
beforeAll(() => {
  plain = synth(PROPS);
  full = synth({
    ...PROPS,
    sso: true,
    identityProviders: [{ cidr: '203.0.113.0/24' }],
    notificationServices: [{ cidr: '198.51.100.0/24' }],
  });
});
afterAll(removeTempDirs);

describe('ArgoCd: review and pods', () => {
  test.each([
    ['without dex and notifications', () => plain, 5],
    ['with dex and notifications', () => full, 7],
  ])('%s, the review passes and every pod is restricted with a read-only root', (_what, output, count) => {
    const { objects, review } = output();
    expect(review.passed).toBe(true);
    expect(review.counts.bySeverity).toEqual({ error: 0, warning: 0, info: 0 });
    expect(workloads(objects)).toHaveLength(count);
    // The repo server runs as the image's user (its exception says why), and is checked as the others are otherwise.
    const repoServer = named(objects, 'Deployment', 'argocd-repo-server');
    expect(podSpec(repoServer).securityContext.runAsUser).toBe(999);
    expectRestrictedPods(objects.filter((o) => o !== repoServer));
    const butTheUser = structuredClone(repoServer);
    podSpec(butTheUser).securityContext.runAsUser = 10999;
    expectRestrictedPods([butTheUser]);
    for (const workload of workloads(objects)) {
      for (const container of [...(podSpec(workload).initContainers ?? []), ...podSpec(workload).containers]) {
        expect(container.image).toMatch(/^(quay\.io\/argoproj|public\.ecr\.aws\/docker\/library|ghcr\.io\/dexidp)\//);
      }
    }
  });

  test('only the pods that call the API get a token; the repo server alone runs as the image user 999', () => {
    const tokens = Object.fromEntries(workloads(full.objects).map((w) => [w.metadata.name, podSpec(w).automountServiceAccountToken]));
    expect(tokens).toEqual({
      'argocd-application-controller': true,
      'argocd-applicationset-controller': true,
      'argocd-dex-server': true,
      'argocd-notifications-controller': true,
      'argocd-redis': true,
      'argocd-repo-server': false,
      'argocd-server': true,
    });
    const users: Array<[string, number]> = workloads(full.objects).map((w) => [w.metadata.name, podSpec(w).securityContext.runAsUser]);
    expect(users.filter(([, user]) => user < 10000)).toEqual([['argocd-repo-server', 999]]);
  });

  test('every namespaced object is in argocd, as kubectl apply -n argocd would place it', () => {
    const namespaced = plain.objects.filter(
      (o) => !['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'Namespace'].includes(o.kind),
    );
    expect(namespaced.length).toBeGreaterThan(30);
    expect(namespaced.filter((o) => o.metadata.namespace !== 'argocd')).toEqual([]);
  });
});

describe('ArgoCd: departures', () => {
  test('the exceptions kept are exactly the expected ones', () => {
    expect(keptExceptions(plain.objects)).toEqual(DEFAULT_EXCEPTIONS);
    expect(plain.review.exceptions.every((e: any) => e.status === 'applied')).toBe(true);
  });

  test('dex and notifications add their token, Secret-reading Role and probe exceptions only when asked for', () => {
    const added = keptExceptions(full.objects).filter((e) => !DEFAULT_EXCEPTIONS.includes(e));
    expect(added).toEqual([
      'Deployment/argocd-dex-server: no-service-account-token',
      'Deployment/argocd-notifications-controller: no-service-account-token',
      'Deployment/argocd-notifications-controller: readiness-probe',
      'Role/argocd-dex-server: rbac-namespace-escalation-powers',
      'Role/argocd-notifications-controller: rbac-namespace-escalation-powers',
    ]);
    for (const name of ['argocd-dex-server', 'argocd-notifications-controller']) {
      expect(plain.objects.filter((o) => o.metadata.name === name)).toEqual([]);
    }
  });
});

describe('ArgoCd: narrowed from upstream', () => {
  test('the default AppProject is locked: no repository, no destination, no kind', () => {
    expect(named(plain.objects, 'AppProject', 'default').spec).toEqual({
      description: 'Locked: every Application names a project of its own',
      sourceRepos: [],
      destinations: [],
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
    });
  });

  test("the controller's non-resource URLs are discovery, read-only; the server cannot submit Workflows", () => {
    const controller = named(plain.objects, 'ClusterRole', 'argocd-application-controller');
    expect(controller.rules[1]).toEqual({
      nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/version', '/version/'],
      verbs: ['get'],
    });
    const server = named(plain.objects, 'ClusterRole', 'argocd-server');
    expect(server.rules.some((r: any) => r.resources?.includes('workflows'))).toBe(false);
    expect(server.rules[0]).toEqual({ apiGroups: ['*'], resources: ['*'], verbs: ['delete', 'get', 'patch'] });
  });

  test('the cluster-wide ApplicationSet grant and the upstream NetworkPolicies are left out', () => {
    expect(named(plain.objects, 'ClusterRole', 'argocd-applicationset-controller')).toBeUndefined();
    expect(named(plain.objects, 'ClusterRoleBinding', 'argocd-applicationset-controller')).toBeUndefined();
    expect(named(plain.objects, 'Role', 'argocd-applicationset-controller')).toBeDefined();
    const policies = plain.objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(policies.filter((n) => n.endsWith('-network-policy'))).toEqual([]);
  });

  test('the Argo CD components read the redis password from a mounted file, not the environment', () => {
    for (const [kind, name] of [
      ['StatefulSet', 'argocd-application-controller'],
      ['Deployment', 'argocd-server'],
      ['Deployment', 'argocd-repo-server'],
    ]) {
      const pod = podSpec(named(plain.objects, kind, name));
      const container = pod.containers[0];
      expect(container.env.map((e: any) => e.name)).not.toContain('REDIS_PASSWORD');
      expect(container.env).toContainEqual({ name: 'REDIS_CREDS_DIR_PATH', value: '/app/config/redis-credentials' });
      expect(container.volumeMounts).toContainEqual({
        name: 'redis-credentials',
        mountPath: '/app/config/redis-credentials',
        readOnly: true,
      });
      expect(pod.volumes).toContainEqual({
        name: 'redis-credentials',
        secret: { secretName: 'argocd-redis', items: [{ key: 'auth', path: 'auth' }] },
      });
    }
  });

  test('the repo server sends only to the Git servers and redis; redis is reached only by its three clients', () => {
    const repoServer = named(plain.objects, 'NetworkPolicy', 'argocd-repo-server-traffic');
    expect(repoServer.spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: GITHUB } }],
        ports: [
          { port: 22, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-redis' } } }], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
    const redis = named(plain.objects, 'NetworkPolicy', 'argocd-redis-traffic');
    const clients = redis.spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name']);
    expect(clients).toEqual(['argocd-application-controller', 'argocd-repo-server', 'argocd-server']);
    const server = named(plain.objects, 'NetworkPolicy', 'argocd-server-traffic');
    expect(server.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
          },
        ],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  test("REVIEW.md has the add-on's section: provenance, what was left out, the changes and the departures", () => {
    const section = plain.reviewMd.slice(plain.reviewMd.indexOf('## Add-on: Argo CD'));
    expect(section).toContain('https://github.com/argoproj/argo-cd at v3.5.1');
    expect(section).toContain('sha256 `795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3`');
    expect(section).toMatch(/\| NetworkPolicy argocd-server-network-policy \| replaced by the add-on's own/);
    expect(section).toMatch(/\| ClusterRole\/argocd-server \| `rules\[5\]` \| .*workflows.* \| \(removed\) \|/);
    expect(section).toMatch(/\| Deployment\/argocd-repo-server \| `high-user-group-ids` \| the repo server runs git, ssh and gpg/);
  });
});

describe('ArgoCd: refusals', () => {
  const construct = (props: Partial<ArgoCdProps>) => () =>
    new ArgoCd(new Chart(Testing.app(), 'argo-cd'), 'argo-cd', { ...PROPS, ...props } as ArgoCdProps);

  test('a release other than the reviewed one fails, naming the file', () => {
    const wrong = 'f'.repeat(64);
    expect(() => readVendoredRelease(new Chart(Testing.app(), 'c'), 'argo-cd', 'install.yaml', wrong)).toThrow(
      /vendor\/addons\/argo-cd\/install\.yaml \(sha256 795a3a97[0-9a-f]+\) is not the release this add-on was reviewed for \(f{64}\)/,
    );
  });

  test.each([
    [{ gitServers: [] }, /'gitServers' is empty, so the repo server can fetch from no repository/],
    [{ sso: true }, /'identityProviders' is empty, so dex can reach no identity provider/],
    [{ identityProviders: [{ cidr: '203.0.113.0/24' }] }, /'identityProviders' is set but 'sso' is off/],
    [{ serverReplicas: 0 }, /'serverReplicas' must be a whole number of at least 1/],
    [{ ingressControllerNamespace: 'Ingress_Nginx' }, /ingressControllerNamespace/],
    [{ ingressControllerPodLabels: {} }, /'ingressControllerPodLabels' is empty/],
    [{ gitServers: [{ cidr: 'github.com' }] }, /gitServers\[0\]\.cidr/],
  ])('%j is refused, naming the field', (props, message) => {
    expect(construct(props)).toThrow(message);
  });
});
