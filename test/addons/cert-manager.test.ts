import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { HardenedApp } from '../../lib';
import { CertManager, CertManagerProps } from '../../lib/addons/cert-manager';
import { readVendoredRelease } from '../../lib/addons/vendored-release';
import { podSpec, removeTempDirs, tempDir } from '../support';

const API_SERVER = { cidrs: ['10.0.0.0/28'], port: 6443 };
const EXCEPTION = 'exception.hardened.cdk8s.io/';
const DIGEST = /^quay\.io\/jetstack\/cert-manager-[a-z]+:v1\.21\.1@sha256:[0-9a-f]{64}$/;

/** Synthesizes CertManager in a HardenedApp (admission policies on) and returns the written objects and REVIEW.md. */
function synth(props: Partial<CertManagerProps> = {}): { objects: any[]; review: string; passed: boolean } {
  const outdir = path.join(tempDir('cert-manager-'), 'dist');
  const app = new HardenedApp({ outdir, allowedRegistries: ['quay.io/jetstack'], admissionPolicies: true });
  new CertManager(new Chart(app, 'cert-manager'), 'cert-manager', { apiServer: API_SERVER, ...props });
  app.synth();
  const text = fs.readFileSync(path.join(outdir, 'cert-manager.k8s.yaml'), 'utf8');
  return {
    objects: parseAllDocuments(text).map((d) => d.toJSON()),
    review: fs.readFileSync(path.join(outdir, 'REVIEW.md'), 'utf8'),
    passed: JSON.parse(fs.readFileSync(path.join(outdir, 'review.json'), 'utf8')).passed,
  };
}

/** Props that fail, synthesized in a plain chart: the error it throws. */
function refused(props: Partial<CertManagerProps>): () => void {
  return () => new CertManager(new Chart(Testing.app(), 'c'), 'cert-manager', { apiServer: API_SERVER, ...props });
}

const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const WORKLOADS = ['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook'];

let out: ReturnType<typeof synth>;
beforeAll(() => {
  out = synth();
});
afterAll(removeTempDirs);

describe('CertManager', () => {
  test('the review passes and every pod is restricted, read-only, pinned by digest, with a token only where it calls the API', () => {
    expect(out.passed).toBe(true);
    const workloads = out.objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(WORKLOADS);
    for (const workload of workloads) {
      const pod = podSpec(workload);
      const annotations = workload.metadata.annotations ?? {};
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(`${EXCEPTION}no-service-account-token` in annotations);
      for (const container of pod.containers) {
        expect(container.image).toMatch(DIGEST);
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext.capabilities.add).toBeUndefined();
        expect(container.resources.limits.memory).toBeDefined();
      }
    }
  });

  test('the exceptions are exactly the reviewed ones', () => {
    const present = out.objects.flatMap((o) =>
      Object.keys(o.metadata.annotations ?? {})
        .filter((k) => k.startsWith(EXCEPTION))
        .map((k) => `${o.kind}/${o.metadata.name} ${k.slice(EXCEPTION.length)}`),
    );
    const controllerRoles = ['issuers', 'clusterissuers', 'certificates', 'orders', 'challenges'].map(
      (r) => `cert-manager-controller-${r}`,
    );
    const clusterWide = [...controllerRoles, 'cert-manager-controller-ingress-shim', 'cert-manager-controller-approve:cert-manager-io'];
    expect(present.sort()).toEqual(
      [
        ...WORKLOADS.map((w) => `Deployment/${w} no-service-account-token`),
        'Deployment/cert-manager readiness-probe',
        'Deployment/cert-manager-cainjector readiness-probe',
        'Deployment/cert-manager-cainjector liveness-probe',
        ...controllerRoles.map((r) => `ClusterRole/${r} rbac-namespace-escalation-powers`),
        ...controllerRoles.map((r) => `ClusterRoleBinding/${r} rbac-no-cluster-secret-read`),
        ...[...clusterWide, 'cert-manager-webhook:subjectaccessreviews', 'cert-manager-cainjector'].map(
          (r) => `ClusterRoleBinding/${r} rbac-cluster-scope`,
        ),
        'ClusterRole/cert-manager-cainjector rbac-no-cluster-takeover-powers',
        'Role/cert-manager-cainjector:leaderelection rbac-namespace-escalation-powers',
        'Role/cert-manager-webhook:dynamic-serving rbac-namespace-escalation-powers',
      ].sort(),
    );
  });

  test('the cainjector may patch only cert-manager-webhook and read Secrets only in its namespace', () => {
    const clusterRole = find(out.objects, 'ClusterRole', 'cert-manager-cainjector');
    const resources = clusterRole.rules.flatMap((r: any) => r.resources);
    for (const gone of ['secrets', 'certificates', 'apiservices', 'customresourcedefinitions']) expect(resources).not.toContain(gone);
    const writes = clusterRole.rules.filter((r: any) => r.verbs.some((v: string) => ['update', 'patch', 'create', 'delete'].includes(v)));
    for (const rule of writes.filter((r: any) => !r.resources.includes('events')))
      expect(rule.resourceNames).toEqual(['cert-manager-webhook']);
    const role = find(out.objects, 'Role', 'cert-manager-cainjector:leaderelection');
    expect(role.metadata.namespace).toBe('cert-manager');
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] });
    const args = podSpec(find(out.objects, 'Deployment', 'cert-manager-cainjector')).containers[0].args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--namespace=cert-manager',
        '--leader-election-namespace=cert-manager',
        '--enable-apiservices-injectable=false',
        '--enable-customresourcedefinitions-injectable=false',
        '--enable-certificates-data-source=false',
      ]),
    );
  });

  test('leader election stays in cert-manager, the solver image is pinned, hooks and unused CSR powers are left out', () => {
    expect(out.objects.filter((o) => o.metadata.namespace === 'kube-system')).toEqual([]);
    const args: string[] = podSpec(find(out.objects, 'Deployment', 'cert-manager')).containers[0].args;
    expect(args).toContain('--leader-election-namespace=cert-manager');
    expect(args).toContain('--dns01-recursive-nameservers-only=true');
    const solver = args.find((a) => a.startsWith('--acme-http01-solver-image='))!.split('=')[1];
    expect(solver).toMatch(DIGEST);
    const names = out.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.filter((n) => /startupapicheck|certificatesigningrequests/.test(n))).toEqual([]);
    expect(names.filter((n) => n.startsWith('PodSecurityPolicy'))).toEqual([]);
    expect(find(out.objects, 'Deployment', 'cert-manager-webhook').spec.replicas).toBe(2);
    expect(find(out.objects, 'PodDisruptionBudget', 'cert-manager-webhook')).toBeDefined();
  });

  test('traffic: the API server only, the webhook called on 10250, ACME and HTTP-01 blocks only when given', () => {
    const policy = (objects: any[], name: string) => find(objects, 'NetworkPolicy', `${name}-traffic`).spec;
    for (const workload of WORKLOADS) {
      expect(policy(out.objects, workload).egress).toEqual([
        { ports: [{ port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.0/28' } }] },
      ]);
    }
    expect(policy(out.objects, 'cert-manager-webhook').ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ port: 10250, protocol: 'TCP' }] },
    ]);
    expect(policy(out.objects, 'cert-manager').ingress).toBeUndefined();
    const open = synth({ acmeCidrs: ['172.65.32.248/32'], http01SelfCheckCidrs: ['203.0.113.10/32'] });
    expect(policy(open.objects, 'cert-manager').egress).toEqual(
      expect.arrayContaining([
        { ports: [{ port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '172.65.32.248/32' } }] },
        { ports: [{ port: 80, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '203.0.113.10/32' } }] },
      ]),
    );
  });

  test('watchNamespace: the controller watches one namespace, its Secret and pod powers granted there only, ClusterIssuers off', () => {
    const scoped = synth({ watchNamespace: 'shop' });
    expect(scoped.passed).toBe(true);
    expect(podSpec(find(scoped.objects, 'Deployment', 'cert-manager')).containers[0].args).toContain('--namespace=shop');
    const bindings = scoped.objects.filter((o) => o.kind === 'ClusterRoleBinding').map((o) => o.metadata.name);
    expect(bindings.sort()).toEqual([
      'cert-manager-cainjector',
      'cert-manager-controller-approve:cert-manager-io',
      'cert-manager-webhook:subjectaccessreviews',
    ]);
    expect(find(scoped.objects, 'ClusterRole', 'cert-manager-controller-clusterissuers')).toBeUndefined();
    const inShop = scoped.objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === 'shop');
    expect(inShop.map((o) => o.roleRef.name).sort()).toEqual(
      ['certificates', 'challenges', 'ingress-shim', 'issuers', 'orders'].map((r) => `cert-manager-controller-${r}`),
    );
    for (const binding of inShop)
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cert-manager', namespace: 'cert-manager' }]);
    const secretReads = scoped.objects.filter((o) => `${EXCEPTION}rbac-no-cluster-secret-read` in (o.metadata.annotations ?? {}));
    expect(secretReads).toEqual([]);
    expect(scoped.review).not.toMatch(/ClusterRoleBinding\/cert-manager-controller-issuers \| `rbac-cluster-scope`/);
  });

  test("REVIEW.md has the add-on's section: provenance, what was left out and why, every change", () => {
    const section = out.review.slice(out.review.indexOf('## Add-on: cert-manager'));
    expect(section).toContain('https://github.com/cert-manager/cert-manager at v1.21.1');
    expect(section).toContain('| Job cert-manager-startupapicheck | a Helm post-install hook');
    expect(section).toContain('| Role/cert-manager:leaderelection | `metadata.namespace` | "kube-system" | "cert-manager" |');
    expect(section).toContain('| ClusterRole/cert-manager-cainjector | `rules` |');
    expect(section).toMatch(/\| ClusterRole\/cert-manager-cainjector \| `rbac-no-cluster-takeover-powers` \|/);
  });

  test('a release other than the reviewed one is refused, naming the file', () => {
    expect(() => readVendoredRelease(new Chart(Testing.app(), 'c'), 'cert-manager', 'rendered.yaml', '0'.repeat(64))).toThrow(
      /vendor\/addons\/cert-manager\/rendered\.yaml \(sha256 [0-9a-f]{64}\) is not the release this add-on was reviewed for/,
    );
  });

  test('props errors name the field', () => {
    expect(refused({ webhookReplicas: 0 })).toThrow(/'webhookReplicas' must be a whole number of at least 1 \(got 0\)/);
    expect(refused({ controllerReplicas: 1.5 })).toThrow(/'controllerReplicas'/);
    expect(refused({ acmeCidrs: ['not-a-cidr'] })).toThrow(/acmeCidrs\[0\]/);
    expect(refused({ apiServer: { cidrs: [] } })).toThrow(/'apiServer\.cidrs' is empty/);
    expect(refused({ watchNamespace: 'Not_A_Namespace' })).toThrow(/watchNamespace/);
  });
});
