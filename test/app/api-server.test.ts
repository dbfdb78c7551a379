/**
 * Proof against a real API server: the output is created on kube-apiserver itself
 * (k8s.io/kubernetes at a release, run by test/peers/api-server on an embedded etcd), and the
 * reference platform's control-plane files are the ones that server starts with.
 *
 * - Every object is created with strict field validation (an unknown or duplicate field is
 *   refused) and must come back without a warning, custom resources against their projects'
 *   own CRDs (the vendored add-on releases'); only the
 *   control-plane configuration files are not served.
 * - A Pod made from each workload's template is created as a dry run, so Pod Security
 *   admission enforces on it what it only warns about on the workload.
 * - A privileged Pod must be refused in every namespace that enforces a level: the proof that
 *   the admission above was really enforcing.
 * - permissions.json must answer as the server's RBAC authorizer does: thousands of
 *   SubjectAccessReviews (each subject, verb, resource and namespace worth asking).
 * - With the control-plane folder: the server runs with kubeadm-config.yaml's apiServer flags
 *   (TLS settings, admission plugins and their configuration, audit, authentication,
 *   encryption with the KMS v2 plugin the peer serves), a Secret must be stored encrypted by
 *   that provider, and the audit log must hold Secrets at Metadata level, never their value.
 *
 * The peer is built by `scripts/install-peers.sh` into `.tools/bin/`, (`npm test` runs it first).
 * Without it the tests fail and say how to install it. Each server run takes 10 to 30 seconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, YamlOutputType } from 'cdk8s';
import { parse } from 'yaml';
import { buildReferencePlatform } from '../../apps/platform';
import { ControlPlaneHardening, HardenedApp } from '../../lib';
import { resourceEntryCovers } from '../../lib/policy/rbac-wildcards';
import { alertSelectors, familyOf, selects, seriesOf } from '../monitoring/alert-metrics';
import { loadManifests } from '../../lib/review/manifest-files';
import { KubeObject } from '../../lib/review/model';
import { TEMPLATE_EXAMPLES } from '../../templates/examples';
import {
  AccessReview,
  API_SERVER_PEER,
  ApiServerReport,
  manifestFolder,
  ObjectResult,
  onApiServer,
  SERVER_TIMEOUT,
} from '../api-server-peer';
import { expectPinnedToKubernetesRelease, removeTempDirs, tempDir, withInstalledTool } from '../support';
import { PLATFORM_NAMESPACES } from './platform-namespaces';

const ROOT = path.resolve(__dirname, '../..');

afterAll(removeTempDirs);

/** Kinds the server serves no resource for: configuration files, and custom resources when their CRDs are not installed. */
const CUSTOM_RESOURCES = ['AppProject', 'Application', 'ClusterSecretStore', 'ExternalSecret', 'PrometheusRule', 'SealedSecret'];
const CONFIGURATION_FILES = [
  'AdmissionConfiguration',
  'AuthenticationConfiguration',
  'ClusterConfiguration',
  'EncryptionConfiguration',
  'KubeletConfiguration',
  'Policy',
];
const WORKLOAD_KINDS = ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'StatefulSet'];
const describeObject = (o: ObjectResult) =>
  `${o.kind} ${o.namespace ?? ''}/${o.name}${o.file ? ` (${o.file})` : ''}: ${o.error ?? ''}${o.warnings.join('; ')}`;

/**
 * What must hold for any output: every object created and every workload's pod admitted, without
 * a warning but those `expectedWarnings` match (one object, and one pod, each).
 */
function expectAcceptedWithoutWarnings(
  report: ApiServerReport,
  notServed: readonly string[],
  expectedWarnings: { readonly objects: readonly RegExp[]; readonly pods: readonly RegExp[] } = { objects: [], pods: [] },
): void {
  expect(report.objects.filter((o) => o.outcome === 'refused').map(describeObject)).toEqual([]);
  expect(report.objects.filter((o) => o.outcome === 'created' && o.warnings.length > 0).map(describeObject)).toEqual(
    expectedWarnings.objects.map((warning) => expect.stringMatching(warning)),
  );
  expect(
    [...new Set(report.objects.filter((o) => o.outcome === 'not-served').map((o) => o.kind))].filter((k) => !notServed.includes(k)),
  ).toEqual([]);
  const workloads = report.objects.filter((o) => o.outcome === 'created' && WORKLOAD_KINDS.includes(o.kind));
  expect(report.pods.map((p) => p.name).sort()).toEqual(workloads.map((w) => `${w.kind}/${w.name}`).sort());
  expect(report.pods.filter((p) => p.outcome !== 'created' || p.warnings.length > 0).map(describeObject)).toEqual(
    expectedWarnings.pods.map((warning) => expect.stringMatching(warning)),
  );
}

/** The Namespaces of the manifests under `dir` (read as the review reads them), and which of them carry a Pod Security enforce label. */
function namespacesOf(dir: string): { all: string[]; enforcing: string[] } {
  const namespaces = loadManifests([dir])
    .map((m) => m.object as KubeObject)
    .filter((o) => o.kind === 'Namespace');
  return {
    all: namespaces.map((o) => o.metadata!.name!).sort(),
    enforcing: namespaces
      .filter((o) => o.metadata?.labels?.['pod-security.kubernetes.io/enforce'])
      .map((o) => o.metadata!.name!)
      .sort(),
  };
}

/** An access review and what permissions.json says its answer must be. */
interface ExpectedAccess {
  readonly subject: string;
  readonly review: AccessReview;
  readonly allowed: boolean;
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate'];
/** Resources asked about besides those granted: what an attacker wants (secrets, exec, tokens, RBAC, nodes). */
const SENSITIVE = [
  { group: '', resource: 'secrets' },
  { group: '', resource: 'pods/exec' },
  { group: '', resource: 'pods/attach' },
  { group: '', resource: 'pods/portforward' },
  { group: '', resource: 'serviceaccounts/token' },
  { group: '', resource: 'configmaps' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
];
const SENSITIVE_CLUSTER = [
  { group: '', resource: 'nodes' },
  { group: '', resource: 'namespaces' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests' },
];

/**
 * Every question worth asking of each subject of a permissions.json: each verb on each
 * resource granted to anyone and on the sensitive ones, in every namespace granted to anyone
 * and in `default`, on the cluster-scoped ones, and by name where a grant names resources
 * (the named one and another); with the answer permissions.json implies.
 */
function accessReviewsFor(permissions: any): ExpectedAccess[] {
  const grants: any[] = permissions.subjects.flatMap((s: any) => s.grants);
  const namespaces = [...new Set(['default', ...grants.filter((g) => g.scope === 'namespace').map((g) => g.namespace as string)])].sort();
  const resources = new Map<string, { group: string; resource: string }>();
  for (const r of [
    ...grants.filter((g) => g.resource).map((g) => ({ group: g.apiGroup as string, resource: g.resource as string })),
    ...SENSITIVE,
  ]) {
    resources.set(`${r.group}/${r.resource}`, r);
  }
  const reviews: ExpectedAccess[] = [];
  for (const subject of permissions.subjects) {
    const who =
      subject.kind === 'Group'
        ? { user: 'someone@example.com', groups: [subject.name, 'system:authenticated'] }
        : subject.kind === 'User'
          ? { user: subject.name, groups: ['system:authenticated'] }
          : {
              user: `system:serviceaccount:${subject.namespace ?? subject.name.split('/')[0]}:${subject.name.split('/').pop()}`,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${subject.namespace ?? subject.name.split('/')[0]}`,
                'system:authenticated',
              ],
            };
    // As the RBAC authorizer matches a rule: '*' covers every group, resource (and '*/sub' every subresource) and verb.
    const allows = (verb: string, group: string, resource: string, namespace: string | undefined, name: string | undefined) =>
      subject.grants.some(
        (g: any) =>
          g.resource !== undefined &&
          resourceEntryCovers(g.resource, resource) &&
          (g.apiGroup === '*' || g.apiGroup === group) &&
          (g.verbs.includes('*') || g.verbs.includes(verb)) &&
          (g.scope === 'cluster' || g.namespace === namespace) &&
          (g.resourceNames.length === 0 || (name !== undefined && g.resourceNames.includes(name))),
      );
    const ask = (verb: string, group: string, resourcePath: string, namespace?: string, name?: string) => {
      const [resource, subresource] = resourcePath.split('/');
      reviews.push({
        subject: subject.subject,
        review: {
          ...who,
          verb,
          group,
          resource,
          ...(subresource ? { subresource } : {}),
          ...(namespace ? { namespace } : {}),
          ...(name ? { name } : {}),
        },
        allowed: allows(verb, group, resourcePath, namespace, name),
      });
    };
    for (const namespace of namespaces) {
      for (const { group, resource } of resources.values()) for (const verb of VERBS) ask(verb, group, resource, namespace);
    }
    for (const { group, resource } of SENSITIVE_CLUSTER) for (const verb of VERBS) ask(verb, group, resource);
    for (const grant of subject.grants.filter((g: any) => g.resourceNames?.length > 0)) {
      for (const name of [...grant.resourceNames, `not-${grant.resourceNames[0]}`]) {
        for (const verb of VERBS) ask(verb, grant.apiGroup, grant.resource, grant.namespace, name);
      }
    }
  }
  return reviews;
}

/** The server answered every review as permissions.json implies; both answers occur for every subject. */
function expectAuthorizerAgrees(report: ApiServerReport, expected: readonly ExpectedAccess[]): void {
  expect(report.accessReviews.length).toBe(expected.length);
  const mismatches = report.accessReviews.flatMap((answer, i) =>
    answer.allowed === expected[i].allowed
      ? []
      : [
          `${expected[i].subject} ${answer.verb} ${answer.group || 'core'}/${answer.resource}${answer.subresource ? `/${answer.subresource}` : ''}` +
            `${answer.name ? ` "${answer.name}"` : ''} in ${answer.namespace || '(cluster)'}: server ${answer.allowed ? 'allows' : 'denies'}, permissions.json ${expected[i].allowed ? 'allows' : 'denies'}`,
        ],
  );
  expect(mismatches).toEqual([]);
  // The comparison is not one-sided: every subject is denied something, but the one granted everything.
  for (const subject of new Set(expected.map((r) => r.subject))) {
    const answers = report.accessReviews.filter((_, i) => expected[i].subject === subject).map((r) => r.allowed);
    expect(answers).toContain(true);
    if (!GRANTED_EVERYTHING.includes(subject)) expect([subject, answers.includes(false)]).toEqual([subject, true]);
  }
}

/** Argo CD's application controller deploys whatever Git holds: `*` on `*` (its exception says why). */
const GRANTED_EVERYTHING = ['ServiceAccount argocd/argocd-application-controller'];

const POD_SECURITY_REFUSAL =
  /violates PodSecurity "restricted:latest": privileged \(container "main" must not set securityContext\.privileged=true\)/;

test("the peer is pinned: k8s.io/kubernetes and etcd at releases, the staging modules replaced by that release's, a go.sum", () => {
  const peer = path.join(ROOT, 'test/peers/api-server');
  expectPinnedToKubernetesRelease(peer, [
    'k8s.io/api',
    'k8s.io/apiserver',
    'k8s.io/client-go',
    'k8s.io/kms',
    'k8s.io/pod-security-admission',
  ]);
  expect(fs.readFileSync(path.join(peer, 'go.mod'), 'utf8')).toMatch(/^\tgo\.etcd\.io\/etcd\/server\/v3 v3\.\d+\.\d+$/m);
});

withInstalledTool(API_SERVER_PEER, 'real API server proof', 'scripts/install-peers.sh', () => {
  describe('the reference platform on kube-apiserver started with its own control-plane files', () => {
    let dist: string;
    let report: ApiServerReport;
    let accessReviews: ExpectedAccess[];
    beforeAll(async () => {
      dist = path.join(tempDir('api-server-platform-'), 'dist');
      // As apps/main.ts builds it: the platform and its control-plane folder.
      const app = new HardenedApp({
        outdir: dist,
        reviewDate: '2026-11-23',
        yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
      });
      buildReferencePlatform(app);
      new ControlPlaneHardening(app, 'control-plane');
      app.synth();
      accessReviews = accessReviewsFor(JSON.parse(fs.readFileSync(path.join(dist, 'permissions.json'), 'utf8')));
      // `dist` as `kubectl apply -f dist` names it: the default layout publishes a plain folder, which a
      // Go walk enters (a PublishLayout.LINK output would have to be named `dist/`: see test/app/publish.test.ts).
      report = await onApiServer([dist], {
        controlPlane: path.join(dist, 'control-plane'),
        accessReviews: accessReviews.map((r) => r.review),
        metrics: [...new Set(alertSelectors('api-server').map((s) => familyOf(s.metric)))],
      });
    }, SERVER_TIMEOUT);

    test('the metrics the security alerts read are the ones this API server exposes, with the labels and values they select', () => {
      const series = seriesOf(report.metrics ?? []);
      expect(series.length).toBeGreaterThan(10);
      // This run provoked each of these: a token the server does not know, a user without rights,
      // privileged Pods refused by Pod Security, and its own audit, client certificates and encryption at work.
      const provoked = new Set([
        'KubeApiServerAuthenticationFailures',
        'KubeApiServerAuthorizationDenials',
        'PodSecurityAdmissionRefusals',
        'KubeApiServerAuditRequestsRejected',
        'KubeApiServerAuditStopped',
        'KubeApiServerClientCertificateExpiring',
      ]);
      // A vector has no series before its first event.
      const unseen: Record<string, string> = {
        apiserver_audit_error_total: 'no audit backend lost an event in this run',
        apiserver_validating_admission_policy_check_total:
          'no admission policy in this run: test/app/admission-policies-server.test.ts reads it',
      };
      const checked = alertSelectors('api-server').filter((s) => !(s.metric in unseen));
      expect(checked.length).toBeGreaterThan(8);
      for (const selector of checked) {
        const family = series.filter((s) => s.name === selector.metric);
        const labels = new Set(family.flatMap((s) => Object.keys(s.labels)));
        expect({
          ...selector,
          exposed: family.length > 0,
          labels: selector.matchers.filter((m) => !labels.has(m.name)).map((m) => m.name),
        }).toEqual({
          ...selector,
          exposed: true,
          labels: [],
        });
        if (provoked.has(selector.alert))
          expect({ ...selector, selected: family.some((s) => selects(selector.matchers, s)) }).toEqual({ ...selector, selected: true });
      }
    });

    test('the server runs with every apiServer flag of kubeadm-config.yaml', () => {
      const kubeadm = fs
        .readFileSync(path.join(dist, 'control-plane/kubeadm-config.yaml'), 'utf8')
        .split(/^---$/m)
        .map((d) => parse(d));
      const extraArgs: { name: string; value: string }[] = kubeadm.find((d) => d?.kind === 'ClusterConfiguration').apiServer.extraArgs;
      expect(extraArgs.length).toBeGreaterThan(10);
      // etcd-servers, secure-port and bind-address are the run's own (where etcd and the server listen).
      for (const { name, value } of extraArgs) expect(report.flags).toContain(`--${name}=${value}`);
      expect(report.server).toMatch(/^v1\.\d+\.\d+$/);
    });

    test("every object is created, strictly validated, without a warning; every workload's pod is admitted", () => {
      // The audit log shipper's namespace enforces privileged (its reasoned exception) and warns at
      // restricted, as every HardenedNamespace does: its DaemonSet is created with that one warning.
      const shipperWarning = (subject: string) =>
        new RegExp(
          `^${subject}: would violate PodSecurity "restricted:latest": restricted volume types \\(volume "audit-log" uses restricted volume type "hostPath"\\), runAsNonRoot != true .*, runAsUser=0 `,
        );
      expectAcceptedWithoutWarnings(report, CONFIGURATION_FILES, {
        objects: [
          shipperWarning(
            'DaemonSet audit-log-shipping/audit-log-shipper \\(audit-log-shipping/DaemonSet\\.audit-log-shipper\\.k8s\\.yaml\\)',
          ),
        ],
        pods: [shipperWarning('Pod audit-log-shipping/DaemonSet/audit-log-shipper')],
      });
      // Everything the platform defines except custom resources and configuration files was created.
      expect(report.objects.filter((o) => o.outcome === 'created').length).toBeGreaterThan(40);
      // The tenants' workloads and every add-on's, Jobs included.
      expect(report.pods.map((p) => p.name).sort()).toEqual([
        'CronJob/nightly-report',
        'DaemonSet/audit-log-shipper',
        'Deployment/api',
        'Deployment/argocd-applicationset-controller',
        'Deployment/argocd-redis',
        'Deployment/argocd-repo-server',
        'Deployment/argocd-server',
        'Deployment/cert-manager',
        'Deployment/cert-manager-cainjector',
        'Deployment/cert-manager-webhook',
        'Deployment/external-secrets',
        'Deployment/external-secrets-cert-controller',
        'Deployment/external-secrets-webhook',
        'Deployment/ingress-nginx-controller',
        'Deployment/order-worker',
        'Deployment/sealed-secrets',
        'Deployment/storefront',
        'Job/ingress-nginx-admission-create',
        'Job/ingress-nginx-admission-patch',
        'StatefulSet/argocd-application-controller',
        'StatefulSet/database',
        'StatefulSet/orders-queue',
      ]);
    });

    test("SealedSecrets, ExternalSecrets, Argo CD objects and the PrometheusRule are created against their projects' own CRDs, strictly", () => {
      // The output holds the add-ons' CRDs itself: created first, strictly. The one left to --crds
      // (vendor/addons/prometheus-operator) is the PrometheusRule's: the cluster's Prometheus
      // Operator brings it, the platform does not install one.
      expect(report.crds).toEqual(['prometheusrules.monitoring.coreos.com']);
      const crds = report.objects.filter((o) => o.kind === 'CustomResourceDefinition');
      expect(crds.map((o) => o.name)).toEqual(
        expect.arrayContaining([
          'applications.argoproj.io',
          'appprojects.argoproj.io',
          'certificates.cert-manager.io',
          'clustersecretstores.external-secrets.io',
          'externalsecrets.external-secrets.io',
          'sealedsecrets.bitnami.com',
        ]),
      );
      expect(crds.filter((o) => o.outcome !== 'created').map(describeObject)).toEqual([]);
      const custom = report.objects.filter((o) => CUSTOM_RESOURCES.includes(o.kind));
      expect(custom.map((o) => o.kind).sort()).toEqual([
        'AppProject',
        'AppProject',
        'AppProject',
        'AppProject',
        'AppProject',
        'Application',
        'Application',
        'Application',
        'Application',
        'Application',
        'Application',
        'Application',
        'Application',
        'Application',
        'ClusterSecretStore',
        'ExternalSecret',
        'PrometheusRule',
        'SealedSecret',
      ]);
      expect(custom.filter((o) => o.outcome !== 'created' || o.warnings.length > 0).map(describeObject)).toEqual([]);
    });

    test('a privileged Pod is refused by Pod Security restricted in every namespace (the manifests declare each one) but the one excepted', () => {
      expect(report.namespacesAdded).toEqual([]);
      // The audit log shipper's namespace enforces privileged, so Pod Security admits it there; the
      // platform's admission policies refuse it (test/app/admission-policies-server.test.ts).
      const shipping = report.controls.filter((c) => c.namespace === 'audit-log-shipping');
      expect(shipping.map((c) => c.outcome)).toEqual(['created']);
      const restricted = report.controls.filter((c) => c.namespace !== 'audit-log-shipping');
      expect(restricted.map((c) => c.namespace)).toEqual(PLATFORM_NAMESPACES.filter((n) => n !== 'audit-log-shipping'));
      for (const control of restricted) {
        expect(control.outcome).toBe('refused');
        expect(control.error).toMatch(POD_SECURITY_REFUSAL);
      }
    });

    test('a Secret is stored encrypted by the KMS v2 provider of the encryption configuration, its value nowhere in etcd', () => {
      const encryption = parse(fs.readFileSync(path.join(dist, 'control-plane/encryption-configuration.yaml'), 'utf8'));
      const provider = encryption.resources[0].providers[0].kms;
      expect(provider.apiVersion).toBe('v2');
      expect(report.secretAtRest).toEqual({ prefix: `k8s:enc:kms:v2:${provider.name}`, plaintextFound: false });
    });

    test("permissions.json says what the API server's RBAC authorizer allows, and nothing more", () => {
      expect(accessReviews.length).toBeGreaterThan(5000);
      expectAuthorizerAgrees(report, accessReviews);
    });

    test('the audit log records Secrets at Metadata level only and never their value', () => {
      expect(report.audit!.events).toBeGreaterThan(0);
      expect(report.audit!.secretEventLevels).toEqual(['Metadata']);
      expect(report.audit!.secretValueLogged).toBe(false);
    });
  });

  describe("every template's example on kube-apiserver", () => {
    const reports = new Map<string, ApiServerReport>();
    const outputs = new Map<string, string>();
    const expectedAccess = new Map<string, ExpectedAccess[]>();
    beforeAll(async () => {
      const work = tempDir('api-server-templates-');
      for (const example of TEMPLATE_EXAMPLES) {
        const app = new HardenedApp({ outdir: path.join(work, example.name), reviewDate: '2026-11-23' });
        example.build(new Chart(app, example.name));
        app.synth();
        outputs.set(example.name, path.join(work, example.name)); // a plain folder: see `dist` above
        expectedAccess.set(
          example.name,
          accessReviewsFor(JSON.parse(fs.readFileSync(path.join(work, example.name, 'permissions.json'), 'utf8'))),
        );
      }
      // The examples share a namespace, so each gets a server of its own; two at a time.
      const names = [...outputs.keys()];
      for (let i = 0; i < names.length; i += 2) {
        const batch = names.slice(i, i + 2);
        const results = await Promise.all(
          batch.map((name) => onApiServer([outputs.get(name)!], { accessReviews: expectedAccess.get(name)!.map((r) => r.review) })),
        );
        batch.forEach((name, j) => reports.set(name, results[j]));
      }
    }, 3 * SERVER_TIMEOUT);

    test.each(TEMPLATE_EXAMPLES.map((e) => e.name))('%s: its permissions.json answers as the RBAC authorizer does', (name) => {
      expectAuthorizerAgrees(reports.get(name)!, expectedAccess.get(name)!);
    });

    test.each(TEMPLATE_EXAMPLES.map((e) => e.name))(
      '%s: created without a warning, its pods admitted, privileged pods refused where it enforces',
      (name) => {
        const report = reports.get(name)!;
        expectAcceptedWithoutWarnings(report, []);
        // Every namespace the example defines enforces a level (the Argo CD example defines none: it is custom resources only).
        const { all, enforcing } = namespacesOf(outputs.get(name)!);
        expect(enforcing).toEqual(all);
        for (const ns of enforcing) {
          const control = report.controls.find((c) => c.namespace === ns);
          expect(control?.outcome).toBe('refused');
          expect(control?.error).toMatch(POD_SECURITY_REFUSAL);
        }
      },
    );
  });

  describe('the peer sees what is wrong', () => {
    let report: ApiServerReport;
    beforeAll(async () => {
      const pod = (extra: Record<string, unknown>) => ({
        containers: [{ name: 'main', image: 'registry.example.com/app@sha256:' + 'ab'.repeat(32), ...extra }],
      });
      const documents = [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: 'strict',
            labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
          },
        },
        // Runs as root with every default: created with a warning, its pod refused.
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'loose', namespace: 'strict' },
          spec: { selector: { matchLabels: { app: 'loose' } }, template: { metadata: { labels: { app: 'loose' } }, spec: pod({}) } },
        },
        // A custom resource with a misspelt field: refused against its CRD's schema (when the CRDs are installed).
        {
          apiVersion: 'bitnami.com/v1alpha1',
          kind: 'SealedSecret',
          metadata: { name: 'misspelt-sealed', namespace: 'strict' },
          spec: { encryptedDatas: { password: 'AgB' }, template: { metadata: { name: 'misspelt-sealed', namespace: 'strict' } } },
        },
        // A misspelt field: refused by strict validation (a lenient server would drop it silently).
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'misspelt', namespace: 'strict' },
          spec: {
            selector: { matchLabels: { app: 'm' } },
            template: { metadata: { labels: { app: 'm' } }, spec: pod({ securityContxt: { runAsNonRoot: true } }) },
          },
        },
      ];
      report = await onApiServer([manifestFolder('api-server-broken-', documents)]);
    }, SERVER_TIMEOUT);

    test('a field the API does not have is refused, not dropped', () => {
      const misspelt = report.objects.find((o) => o.name === 'misspelt')!;
      expect(misspelt.outcome).toBe('refused');
      expect(misspelt.error).toMatch(/unknown field "spec\.template\.spec\.containers\[0\]\.securityContxt"/);
    });

    test(
      'a control plane whose flags the server refuses does not start (the flags are really applied)',
      async () => {
        const dir = tempDir('api-server-bad-control-plane-');
        const app = new HardenedApp({ outdir: path.join(dir, 'dist'), reviewDate: '2026-11-23' });
        new ControlPlaneHardening(app, 'control-plane');
        app.synth();
        const controlPlane = path.join(dir, 'dist/control-plane');
        const kubeadm = path.join(controlPlane, 'kubeadm-config.yaml');
        const text = fs.readFileSync(kubeadm, 'utf8');
        expect(text).toContain('value: DenyServiceExternalIPs,');
        fs.writeFileSync(kubeadm, text.replace('value: DenyServiceExternalIPs,', 'value: NoSuchAdmissionPlugin,DenyServiceExternalIPs,'));
        await expect(onApiServer([path.join(dir, 'dist')], { controlPlane })).rejects.toThrow(/NoSuchAdmissionPlugin/);
      },
      SERVER_TIMEOUT,
    );

    test('a custom resource with a field its CRD does not have is refused', () => {
      const sealed = report.objects.find((o) => o.name === 'misspelt-sealed')!;
      expect(sealed.outcome).toBe('refused');
      expect(sealed.error).toMatch(/unknown field "spec\.encryptedDatas"/);
    });

    test('a workload that breaks restricted is warned about, and its pod refused', () => {
      const loose = report.objects.find((o) => o.name === 'loose')!;
      expect(loose.outcome).toBe('created');
      expect(loose.warnings.join('\n')).toMatch(/would violate PodSecurity "restricted:latest"/);
      const pod = report.pods.find((p) => p.name === 'Deployment/loose')!;
      expect(pod.outcome).toBe('refused');
      expect(pod.error).toMatch(/violates PodSecurity "restricted:latest"/);
    });
  });
});
