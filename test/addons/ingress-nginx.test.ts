import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { HardenedApp, HardenedDeployment, HardenedNamespace, IngressNginx } from '../../lib';
import { readVendoredRelease } from '../../lib/addons/vendored-release';
import { CONTAINER, removeTempDirs, tempDir } from '../support';

/** ingress-nginx as HardenedApp publishes it: the review must pass (synth throws otherwise). */
function publish(configure: (chart: Chart) => void = () => {}): { objects: any[]; review: string } {
  const outdir = tempDir('ingress-nginx-');
  const app = new HardenedApp({ outdir, allowedRegistries: ['registry.k8s.io/ingress-nginx', 'registry.example.com'], printErrors: false });
  const chart = new Chart(app, 'ingress-nginx');
  configure(chart);
  app.synth();
  const yaml = fs.readFileSync(path.join(outdir, 'ingress-nginx.k8s.yaml'), 'utf8');
  return { objects: parseAllDocuments(yaml).map((d) => d.toJSON()), review: fs.readFileSync(path.join(outdir, 'REVIEW.md'), 'utf8') };
}
const API_SERVER = { cidrs: ['10.0.0.0/28'], port: 6443 };
const named = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const pods = (objects: any[]) =>
  objects.flatMap((o) => (o.kind === 'Deployment' || o.kind === 'Job' ? [{ name: o.metadata.name, spec: o.spec.template.spec }] : []));

afterAll(removeTempDirs);

describe('IngressNginx', () => {
  const { objects, review } = publish((chart) => new IngressNginx(chart, 'ingress-nginx', { apiServer: API_SERVER }));

  test('every pod runs restricted: non-root, RuntimeDefault seccomp, ALL dropped (NET_BIND_SERVICE kept by the controller), no escalation', () => {
    expect(pods(objects).map((p) => p.name)).toEqual([
      'ingress-nginx-controller',
      'ingress-nginx-admission-create',
      'ingress-nginx-admission-patch',
    ]);
    for (const { spec } of pods(objects)) {
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true });
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        expect(c.securityContext.capabilities.add ?? []).toEqual(c.name === 'controller' ? ['NET_BIND_SERVICE'] : []);
        expect(c.resources.limits.memory).toBeDefined();
        expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
      }
    }
  });

  test('the root filesystem is read-only except where an exception says why (the controller)', () => {
    for (const { name, spec } of pods(objects)) {
      expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(name !== 'ingress-nginx-controller');
    }
    expect(
      named(objects, 'Deployment', 'ingress-nginx-controller').metadata.annotations[
        'exception.hardened.cdk8s.io/read-only-root-filesystem'
      ],
    ).toMatch(/nginx\.conf/);
  });

  test('the departures kept are exactly these, each an exception on its object', () => {
    const kept = objects.flatMap((o) =>
      Object.keys(o.metadata.annotations ?? {})
        .filter((k) => k.startsWith('exception.hardened.cdk8s.io/'))
        .map((k) => `${o.kind}/${o.metadata.name}: ${k.slice('exception.hardened.cdk8s.io/'.length)}`),
    );
    expect(kept.sort()).toEqual(
      [
        'ClusterRole/ingress-nginx-admission: rbac-no-cluster-takeover-powers',
        'ClusterRole/ingress-nginx: rbac-namespace-escalation-powers',
        'ClusterRoleBinding/ingress-nginx-admission: rbac-cluster-scope',
        'ClusterRoleBinding/ingress-nginx: rbac-cluster-scope',
        'ClusterRoleBinding/ingress-nginx: rbac-no-cluster-secret-read',
        'Deployment/ingress-nginx-controller: distinct-probes',
        'Deployment/ingress-nginx-controller: high-user-group-ids',
        'Deployment/ingress-nginx-controller: no-service-account-token',
        'Deployment/ingress-nginx-controller: read-only-root-filesystem',
        'Job/ingress-nginx-admission-create: no-service-account-token',
        'Job/ingress-nginx-admission-patch: no-service-account-token',
        'NetworkPolicy/ingress-nginx-controller-traffic: network-ingress-from-anywhere',
        'Role/ingress-nginx-admission: rbac-namespace-escalation-powers',
        'Role/ingress-nginx: rbac-namespace-escalation-powers',
      ].sort(),
    );
  });

  test('the webhook patch Job may update only its own ValidatingWebhookConfiguration', () => {
    expect(named(objects, 'ClusterRole', 'ingress-nginx-admission').rules).toEqual([
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations'],
        verbs: ['get', 'update'],
        resourceNames: ['ingress-nginx-admission'],
      },
    ]);
  });

  test("upstream's Namespace is replaced by a HardenedNamespace enforcing restricted, with default deny", () => {
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces).toHaveLength(1);
    expect(namespaces[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(named(objects, 'NetworkPolicy', 'default-deny').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  test('the controller takes 80/443 from anywhere and 8443 from the API server only, and sends only to the API server', () => {
    const policy = named(objects, 'NetworkPolicy', 'ingress-nginx-controller-traffic');
    const ingress = policy.spec.ingress.map((r: any) => `${r.from[0].ipBlock.cidr} ${r.ports.map((p: any) => p.port).join(',')}`);
    expect(ingress.sort()).toEqual(['0.0.0.0/0 80,443', '10.0.0.0/28 8443'].sort());
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
    for (const job of ['ingress-nginx-admission-create', 'ingress-nginx-admission-patch']) {
      expect(named(objects, 'NetworkPolicy', `${job}-traffic`).spec.ingress).toBeUndefined();
    }
  });

  test('no snippet annotations, no annotation above High risk, no ExternalName backends: written down, not left to defaults', () => {
    expect(named(objects, 'ConfigMap', 'ingress-nginx-controller').data).toEqual({
      'allow-snippet-annotations': 'false',
      'annotations-risk-level': 'High',
    });
    expect(named(objects, 'Deployment', 'ingress-nginx-controller').spec.template.spec.containers[0].args).toContain(
      '--disable-svc-external-name',
    );
  });

  test('two replicas, spread over nodes, with a PodDisruptionBudget', () => {
    const deployment = named(objects, 'Deployment', 'ingress-nginx-controller');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    expect(named(objects, 'PodDisruptionBudget', 'ingress-nginx-controller').spec.maxUnavailable).toBe(1);
  });

  test('REVIEW.md says where the release comes from, what changed and what was accepted', () => {
    expect(review).toContain('## Add-on: ingress-nginx');
    expect(review).toContain('https://github.com/kubernetes/ingress-nginx at controller-v1.15.1');
    expect(review).toMatch(/\| ClusterRole\/ingress-nginx-admission \| `rules\[0\]\.resourceNames` \|/);
    expect(review).toMatch(/\| Deployment\/ingress-nginx-controller \| `read-only-root-filesystem` \| the controller writes nginx\.conf/);
  });
});

describe('IngressNginx props', () => {
  test('clientCidrs narrower than the internet need no exception, and the ingress class is renamed everywhere', () => {
    const { objects } = publish(
      (chart) =>
        new IngressNginx(chart, 'ingress-nginx', { apiServer: API_SERVER, clientCidrs: ['203.0.113.0/24'], ingressClass: 'public' }),
    );
    const policy = named(objects, 'NetworkPolicy', 'ingress-nginx-controller-traffic');
    expect(policy.metadata.annotations?.['exception.hardened.cdk8s.io/network-ingress-from-anywhere']).toBeUndefined();
    expect(named(objects, 'IngressClass', 'public')).toBeDefined();
    expect(named(objects, 'Deployment', 'ingress-nginx-controller').spec.template.spec.containers[0].args).toContain(
      '--ingress-class=public',
    );
  });

  test('allowToBackend opens the controller to that backend only, and the tenant allows the controller', () => {
    const { objects } = publish((chart) => {
      const ingress = new IngressNginx(chart, 'ingress-nginx', { apiServer: API_SERVER });
      const shop = new HardenedNamespace(chart, 'shop');
      const web = new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
      web.allowFromIngressController({ port: 8080 });
      ingress.allowToBackend(web, 8080);
    });
    const egress = named(objects, 'NetworkPolicy', 'ingress-nginx-controller-traffic').spec.egress;
    expect(egress).toContainEqual({
      to: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: expect.any(Object) } },
      ],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });

  test('a wrong prop names the field', () => {
    expect(() => publish((chart) => new IngressNginx(chart, 'ingress-nginx', { apiServer: API_SERVER, replicas: 0 }))).toThrow(
      /\[ingress-nginx\/ingress-nginx\] 'replicas' must be a whole number/,
    );
    expect(() => publish((chart) => new IngressNginx(chart, 'ingress-nginx', { apiServer: { cidrs: [] } }))).toThrow(
      /'apiServer\.cidrs' is empty/,
    );
  });
});

describe('the vendored release', () => {
  test('a release other than the one reviewed fails, naming the file and what to do', () => {
    const app = new HardenedApp({ outdir: tempDir('ingress-nginx-'), printErrors: false });
    expect(() => readVendoredRelease(app, 'ingress-nginx', 'deploy.yaml', '0'.repeat(64))).toThrow(
      /vendor\/addons\/ingress-nginx\/deploy\.yaml \(sha256 502fddca[0-9a-f]+\) is not the release this add-on was reviewed for .* adapt the add-on's hardening/,
    );
  });
});
